import { readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { GitsyncError } from "../core/errors.js";
import type { Diagnostic } from "../core/types.js";

const usage = `usage: gitsync validate [dir] [--format text|json] [--connections file.json]

Validates the config files of a checkout offline. dir defaults to the current folder.
  --format text|json     text: one 'file:line:col: severity code: message' per line (default)
  --connections file     the connections export (GET .../connections/export), or a JSON
                         array of names; without it connection references are skipped
Extra kinds are read from GITSYNC_SCHEMAS_DIR when set.
Exit status: 0 valid, 1 invalid, 2 usage error.
`;

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

class UsageError extends Error {}

export async function run(argv: string[], io: Io = process): Promise<number> {
  try {
    return await validate(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`gitsync validate: ${error.message}\n${usage}`);
      return 2;
    }
    if (error instanceof GitsyncError && error.code === "config_error") {
      io.stderr.write(`gitsync validate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function validate(argv: string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string", default: "text" },
        connections: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (args.values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const format = args.values.format;
  if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json, not '${format}'`);
  if (args.positionals.length > 1) throw new UsageError(`one folder at most, got ${args.positionals.length}`);
  const dir = args.positionals[0] ?? ".";
  if (!isFolder(dir)) throw new UsageError(`no such folder: ${dir}`);
  const connections = args.values.connections === undefined ? null : readConnections(args.values.connections);

  const [{ Catalog }, { readConfigTree, validateTree }] = await Promise.all([import("../catalog/catalog.js"), import("../validation/index.js")]);
  const extraDir = io.env["GITSYNC_SCHEMAS_DIR"];
  const catalog = await Catalog.load(extraDir ? { extraDir } : {});
  const result = validateTree({ catalog, files: readConfigTree(dir, catalog), connections, resources: false });

  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  if (format === "json") {
    io.stdout.write(`${JSON.stringify({ ok: errors === 0, files: result.files, errors: result.diagnostics.map(jsonDiagnostic) }, null, 2)}\n`);
  } else {
    io.stdout.write(result.diagnostics.map(textLine).join(""));
    io.stderr.write(`${result.files} file${result.files === 1 ? "" : "s"} checked: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}\n`);
  }
  return errors === 0 ? 0 : 1;
}

/** Synchronous, as the rest of the command is: loading node:fs/promises would add to its start-up. */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function textLine(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}\n`;
}

function jsonDiagnostic(d: Diagnostic): Diagnostic {
  return { file: d.file, line: d.line, column: d.column, code: d.code, severity: d.severity, message: d.message };
}

/**
 * The connections export as `GET .../connections/export` returns it, `{"connections": [{"name",
 * ...}]}`, or a plain array of names or of such objects.
 */
function readConnections(file: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--connections ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const list = exportedList(data);
  if (!list) {
    throw new UsageError(`--connections ${file}: expected the connections export ({"connections": [...]}) or a JSON array of names`);
  }
  return list.items.map((item, i) => {
    if (typeof item === "string") return item;
    if (typeof item === "object" && item !== null && typeof (item as { name?: unknown }).name === "string") {
      return (item as { name: string }).name;
    }
    throw new UsageError(`--connections ${file}: ${list.field === "" ? `item ${i}` : `${list.field}[${i}]`} is neither a name nor an object with a 'name'`);
  });
}

/** The names' list and, for the export, the field holding it (for error messages). */
function exportedList(data: unknown): { items: unknown[]; field: string } | null {
  if (Array.isArray(data)) return { items: data, field: "" };
  if (typeof data !== "object" || data === null) return null;
  const items = (data as { connections?: unknown }).connections;
  return Array.isArray(items) ? { items, field: "connections" } : null;
}
