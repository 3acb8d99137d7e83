import { isUtf8 } from "node:buffer";
import type { Document } from "yaml";
import { yaml } from "../catalog/lazy-yaml.js";
import type { Diagnostic, FileFormat, JsonObject, JsonValue } from "../core/types.js";
import { diagnostic, fileStart } from "./diagnostic.js";
import { DEPTH_MESSAGE, tooDeepOffset, tooDeepPath } from "./depth.js";
import { formatFieldPath } from "../catalog/kind.js";
import { MAX_ALIAS_COUNT, MAX_FILE_BYTES } from "./limits.js";
import { Positions, type InstancePath } from "./positions.js";
import { REFUSED_KEYS } from "./refused-keys.js";

export { MAX_ALIAS_COUNT, MAX_DEPTH, MAX_FILE_BYTES } from "./limits.js";


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

  const decoded = decode(file, content);
  if ("problem" in decoded) {
    diagnostics.push(decoded.problem);
    return fail(decoded.positions);
  }
  const text = decoded.text;
  const doc = parseYaml(text);
  const positions = new Positions(text, doc, parseYaml);

  // Before syntax errors: a parser that ran out of stack on nesting reports an error too.
  const deep = tooDeepOffset(doc) ?? exhaustedAt(doc);
  if (deep !== null) {
    diagnostics.push(diagnostic(file, positions.at(deep), "depth", DEPTH_MESSAGE));
    return fail(positions);
  }
  if (doc.errors.length > 0) {
    diagnostics.push(...syntaxDiagnostics(file, text, format, doc, positions));
    return fail(positions);
  }
  if (!yaml().isMap(doc.contents)) {
    const what = doc.contents === null ? "file is empty" : "top level is not a mapping";
    diagnostics.push(diagnostic(file, positions.start(), "not-a-mapping", `${what}: a resource file holds a mapping of fields`));
    return fail(positions);
  }
  const value = toValue(file, doc, positions, diagnostics);
  if (value === null) return fail(positions);
  const problems = contentDiagnostics(file, value, positions);
  if (problems.length > 0) {
    diagnostics.push(...problems);
    return fail(positions);
  }

  const warning = extensionMismatch(text, format);
  if (warning) diagnostics.push(diagnostic(file, fileStart(), "extension-format", warning, "warning"));
  return { value, positions, diagnostics };
}

/**
 * The file's text, or why it has none: too large, not UTF-8, or holding a NUL (no text format
 * gitsync reads allows one, and a NUL is how a binary file shows itself).
 */
function decode(file: string, content: string | Uint8Array): { text: string } | { problem: Diagnostic; positions: Positions } {
  const size = typeof content === "string" ? utf8Length(content) : content.byteLength;
  if (size > MAX_FILE_BYTES) {
    const message = `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`;
    return { problem: diagnostic(file, fileStart(), "file-too-large", message), positions: new Positions("", undefined) };
  }
  let text: string;
  if (typeof content === "string") text = content;
  else {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    if (!isUtf8(bytes)) {
      const lossy = bytes.toString("utf8");
      const positions = new Positions(lossy, undefined);
      const at = positions.at(Math.max(0, lossy.indexOf("\uFFFD")));
      return { problem: diagnostic(file, at, "encoding", "file is not valid UTF-8"), positions };
    }
    text = bytes.toString("utf8");
  }
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    const positions = new Positions(text, undefined);
    return { problem: diagnostic(file, positions.at(nul), "encoding", "file holds a NUL byte: config files are text"), positions };
  }
  return { text };
}

function syntaxDiagnostics(file: string, text: string, format: FileFormat, doc: Document.Parsed, positions: Positions): Diagnostic[] {
  const out: Diagnostic[] = [];
  let reportedSyntax = false;
  for (const error of doc.errors) {
    const at = positions.at(error.pos[0]);
    if (error.code === "DUPLICATE_KEY") {
      // The error's range covers only part of the key: take the key up to its colon.
      const key = (/^[^:\n]{0,60}/.exec(text.slice(error.pos[0])) ?? [""])[0].trim();
      out.push(diagnostic(file, at, "duplicate-key", `duplicate key '${key}' in this mapping`));
    } else if (error.code === "MULTIPLE_DOCS") {
      out.push(diagnostic(file, at, "multiple-documents", "file holds more than one YAML document; one resource per file"));
    } else if (!reportedSyntax) {
      // Later syntax errors are mostly echoes of the first one.
      reportedSyntax = true;
      out.push(diagnostic(file, at, "syntax", `${format === "json" ? "JSON" : "YAML"} syntax error: ${error.message}`));
    }
  }
  return out;
}

/**
 * Where the parser ran out of stack composing nested collections, when the levels it did
 * compose were all within the limit (a deep stack already used by the caller).
 */
function exhaustedAt(doc: Document.Parsed): number | null {
  const error = doc.errors.find((e) => e.code === "RESOURCE_EXHAUSTION");
  return error ? error.pos[0] : null;
}

/** The document's value, aliases expanded; null (with a diagnostic) when expanding them fails or goes too deep. */
function toValue(file: string, doc: Document.Parsed, positions: Positions, out: Diagnostic[]): JsonObject | null {
  let value: JsonObject;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as JsonObject;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias count/i.test(message)) {
      out.push(diagnostic(file, firstAlias(doc, positions), "alias-limit", `aliases expand beyond the limit of ${MAX_ALIAS_COUNT}`));
    } else {
      out.push(diagnostic(file, firstAlias(doc, positions), "syntax", `YAML error: ${message}`));
    }
    return null;
  }
  // The document itself was within the limit: only aliases can have taken the value deeper.
  if (tooDeepPath(value) !== null) {
    out.push(diagnostic(file, firstAlias(doc, positions), "depth", DEPTH_MESSAGE));
    return null;
  }
  return value;
}

/** Keys that would reach an object's prototype, and NUL characters written as escapes. */
function contentDiagnostics(file: string, value: JsonObject, positions: Positions): Diagnostic[] {
  const found: { path: InstancePath; what: "forbidden" | "nul-key" | "nul-value" }[] = [];
  findBadContent(value, [], found);
  return found.map(({ path, what }) => {
    const key = String(path[path.length - 1]);
    if (what === "forbidden") return diagnostic(file, positions.key(path), "forbidden-key", `key '${key}' is not allowed`);
    const where = what === "nul-key" ? positions.key(path) : positions.value(path);
    return diagnostic(file, where, "encoding", `field '${formatFieldPath(path)}' holds a NUL character: config values are text`);
  });
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

type BadContent = { path: InstancePath; what: "forbidden" | "nul-key" | "nul-value" };

function findBadContent(value: JsonValue, path: (string | number)[], out: BadContent[]): void {
  // One shared path, copied only on a hit: this runs on every file.
  if (typeof value === "string") {
    if (value.includes("\u0000")) out.push({ path: [...path], what: "nul-value" });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      findBadContent(value[i] as JsonValue, path, out);
      path.pop();
    }
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      path.push(key);
      if (REFUSED_KEYS.has(key)) out.push({ path: [...path], what: "forbidden" });
      else if (key.includes("\u0000")) out.push({ path: [...path], what: "nul-key" });
      else findBadContent(value[key] as JsonValue, path, out);
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
