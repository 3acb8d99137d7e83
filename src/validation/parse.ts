import { isUtf8 } from "node:buffer";
import type { Document } from "yaml";
import { yaml } from "../catalog/lazy-yaml.js";
import type { Diagnostic, FileFormat, JsonObject, JsonValue } from "../core/types.js";
import { diagnostic, fileStart } from "./diagnostic.js";
import { MAX_ALIAS_COUNT, MAX_FILE_BYTES } from "./limits.js";
import { Positions, type InstancePath } from "./positions.js";

export { MAX_ALIAS_COUNT, MAX_FILE_BYTES } from "./limits.js";

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export interface ParsedFile {
  /** The top-level mapping, or null when the file could not be read as one. */
  value: JsonObject | null;
  positions: Positions;
  diagnostics: Diagnostic[];
}

/**
 * Reads one config file as a mapping whose every key and value can be located. Never throws:
 * every problem becomes a diagnostic. `.json` files go through the YAML parser too (JSON is
 * YAML 1.2), which gives them the same positions and duplicate-key detection.
 */
export function parseConfigFile(file: string, content: string | Uint8Array, format: FileFormat): ParsedFile {
  const diagnostics: Diagnostic[] = [];
  const fail = (positions: Positions): ParsedFile => ({ value: null, positions, diagnostics });

  const size = typeof content === "string" ? utf8Length(content) : content.byteLength;
  if (size > MAX_FILE_BYTES) {
    diagnostics.push(
      diagnostic(file, fileStart(), "file-too-large", `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`),
    );
    return fail(new Positions("", undefined));
  }

  let text: string;
  if (typeof content === "string") text = content;
  else {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    if (!isUtf8(bytes)) {
      const lossy = bytes.toString("utf8");
      const positions = new Positions(lossy, undefined);
      diagnostics.push(
        diagnostic(file, positions.at(Math.max(0, lossy.indexOf("\uFFFD"))), "encoding", "file is not valid UTF-8"),
      );
      return fail(positions);
    }
    text = bytes.toString("utf8");
  }

  const doc = parseYaml(text);
  const positions = new Positions(text, doc, parseYaml);

  if (doc.errors.length > 0) {
    let reportedSyntax = false;
    for (const error of doc.errors) {
      const at = positions.at(error.pos[0]);
      if (error.code === "DUPLICATE_KEY") {
        // The error's range covers only part of the key: take the key up to its colon.
        const key = (/^[^:\n]{0,60}/.exec(text.slice(error.pos[0])) ?? [""])[0].trim();
        diagnostics.push(diagnostic(file, at, "duplicate-key", `duplicate key '${key}' in this mapping`));
      } else if (error.code === "MULTIPLE_DOCS") {
        diagnostics.push(
          diagnostic(file, at, "multiple-documents", "file holds more than one YAML document; one resource per file"),
        );
      } else if (!reportedSyntax) {
        // Later syntax errors are mostly echoes of the first one.
        reportedSyntax = true;
        diagnostics.push(diagnostic(file, at, "syntax", `${format === "json" ? "JSON" : "YAML"} syntax error: ${error.message}`));
      }
    }
    return fail(positions);
  }

  if (!yaml().isMap(doc.contents)) {
    const what = doc.contents === null ? "file is empty" : "top level is not a mapping";
    diagnostics.push(diagnostic(file, positions.start(), "not-a-mapping", `${what}: a resource file holds a mapping of fields`));
    return fail(positions);
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias count/i.test(message)) {
      diagnostics.push(
        diagnostic(file, firstAlias(doc, positions), "alias-limit", `aliases expand beyond the limit of ${MAX_ALIAS_COUNT}`),
      );
    } else {
      diagnostics.push(diagnostic(file, firstAlias(doc, positions), "syntax", `YAML error: ${message}`));
    }
    return fail(positions);
  }

  const forbidden: InstancePath[] = [];
  findForbiddenKeys(value as JsonValue, [], forbidden);
  for (const path of forbidden) {
    diagnostics.push(
      diagnostic(file, positions.key(path), "forbidden-key", `key '${String(path[path.length - 1])}' is not allowed`),
    );
  }
  if (forbidden.length > 0) return fail(positions);

  const warning = extensionMismatch(text, format);
  if (warning) diagnostics.push(diagnostic(file, fileStart(), "extension-format", warning, "warning"));
  return { value: value as JsonObject, positions, diagnostics };
}

/** Positions for a file read on the fast path: its document is parsed only if a position is asked for. */
export function lazyPositions(text: string): Positions {
  return new Positions(text, undefined, parseYaml);
}

function parseYaml(text: string): Document.Parsed {
  return yaml().parseDocument(text, {
    uniqueKeys: true,
    prettyErrors: false,
    // YAML 1.1 tags (!!binary, !!set, ...) would produce values that are not JSON.
    resolveKnownTags: false,
  });
}

function utf8Length(text: string): number {
  // Cheap bound first: a UTF-16 code unit is at most 3 UTF-8 bytes.
  return text.length * 3 <= MAX_FILE_BYTES ? text.length : Buffer.byteLength(text, "utf8");
}

function firstAlias(doc: Document.Parsed, positions: Positions) {
  let offset: number | undefined;
  const { visit, isAlias } = yaml();
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.range) offset = node.range[0];
      return visit.BREAK;
    },
  });
  return offset === undefined ? positions.start() : positions.at(offset);
}

function findForbiddenKeys(value: JsonValue, path: (string | number)[], out: InstancePath[]): void {
  // One shared path, copied only on a hit: this runs on every file.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      findForbiddenKeys(value[i] as JsonValue, path, out);
      path.pop();
    }
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      path.push(key);
      if (FORBIDDEN_KEYS.has(key)) out.push([...path]);
      else findForbiddenKeys(value[key] as JsonValue, path, out);
      path.pop();
    }
  }
}

function extensionMismatch(text: string, format: FileFormat): string | null {
  const first = text.trimStart()[0];
  if (format === "json") {
    if (first === "{" && isJson(text)) return null;
    return "file is named .json but holds YAML; name it .yaml or write JSON";
  }
  if (first === "{" && isJson(text)) return "file is named .yaml but holds JSON; name it .json";
  return null;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
