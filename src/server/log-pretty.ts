import { Writable } from "node:stream";

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
/** pino's own fields, shown in the line's head or not at all. */
const HEAD = new Set(["time", "level", "msg", "pid", "hostname", "name"]);

function value(v: unknown): string {
  if (typeof v === "string") return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === "object" && "message" in v && typeof v.message === "string") return JSON.stringify(v.message);
  return JSON.stringify(v) ?? String(v);
}

/**
 * One pino JSON record as one line for a person at a terminal:
 * `2026-01-02T03:04:05.678Z INFO  outbound commit tenant=demo commit=1a2b… resources=3`.
 */
export function prettyLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof record.time === "string" ? record.time : new Date(Number(record.time ?? Date.now())).toISOString();
  const level = (LEVELS[Number(record.level)] ?? String(record.level)).padEnd(5);
  const fields = Object.entries(record)
    .filter(([key, v]) => !HEAD.has(key) && v !== undefined)
    .map(([key, v]) => `${key}=${value(v)}`);
  return [time, level, String(record.msg ?? ""), ...fields].join(" ");
}

/** A stream pino writes JSON lines to, which writes them on as pretty lines. */
export function prettyStream(out: NodeJS.WritableStream = process.stdout): Writable {
  let pending = "";
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      const text = lines.filter((l) => l.trim() !== "").map((l) => `${prettyLine(l)}\n`).join("");
      if (text === "") done();
      else out.write(text, () => done());
    },
  });
}
