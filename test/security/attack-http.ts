import { readFileSync } from "node:fs";
import { request } from "node:http";

/** What an oversized upload got: the answer's status (null: none came) and the bytes sent by then. */
export interface UploadResult {
  status: number | null;
  sent: number;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * POSTs `total` bytes of JSON-looking filler to `url`, declaring the length (`declared`) or
 * chunked, and stops sending as soon as an answer arrives or the server closes the connection.
 */
export function upload(url: string, mode: "declared" | "chunked", total: number, headers: Record<string, string> = {}): Promise<UploadResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const req = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: "POST",
      headers: { "content-type": "application/json", ...headers, ...(mode === "declared" ? { "content-length": String(total) } : {}) },
    });
    const result: UploadResult = { status: null, sent: 0, headers: {} };
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on("response", (res) => {
      result.status = res.statusCode ?? null;
      result.headers = res.headers;
      res.resume();
      res.on("end", () => {
        req.destroy();
        finish();
      });
    });
    req.on("error", finish);
    req.on("close", () => setTimeout(finish, 50));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (!done && result.status === null && result.sent < total) {
        result.sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (result.sent >= total) req.end();
    };
    pump();
  });
}

/** The peak resident memory of a process so far, in bytes (Linux). */
export function peakMemory(pid: number): number {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(line?.[1] ?? "0") * 1024;
}
