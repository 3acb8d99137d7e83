import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { JsonValue } from "../../src/core/types.js";
import { MAX_FILE_BYTES, parseConfigFile } from "../../src/validation/parse.js";
import { readPlainYaml } from "../../src/validation/plain-yaml.js";

/*
 * The plain-subset reader may decline anything, but whatever it answers must be exactly what the
 * `yaml` path reads, with no diagnostic from parsing. Each case below checks that contract.
 */

/** The reader's answer, and the yaml path's when the reader answered. */
function both(text: string): { plain: ReturnType<typeof readPlainYaml>; full?: ReturnType<typeof parseConfigFile> } {
  const plain = readPlainYaml(text);
  return plain === null ? { plain } : { plain, full: parseConfigFile("f.yaml", text, "yaml") };
}

function expectAgrees(text: string): boolean {
  const { plain, full } = both(text);
  if (plain === null) return false;
  expect({ text, diagnostics: full?.diagnostics, value: full?.value }).toStrictEqual({ text, diagnostics: [], value: plain });
  return true;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** A deterministic pseudo-random sequence, so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe("readPlainYaml", () => {
  const fixtures = join(import.meta.dirname, "..", "..", "fixtures", "configs");

  it("reads every YAML file of the valid fixture tenant, exactly as the yaml path does", () => {
    const files = yamlFilesUnder(join(fixtures, "valid")).filter((f) => !f.includes("notes"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(expectAgrees(readFileSync(file, "utf8")), file).toBe(true);
  });

  it("agrees with the yaml path on every invalid fixture it answers for", () => {
    let answered = 0;
    for (const file of yamlFilesUnder(join(fixtures, "invalid"))) {
      // The size limit is the caller's check (readFast), not the reader's.
      if (statSync(file).size > MAX_FILE_BYTES) continue;
      if (expectAgrees(readFileSync(file, "utf8"))) answered++;
    }
    expect(answered).toBeGreaterThan(10);
  });

  it.each([
    ["literal, clipped and stripped, with blank and indented lines", "a: |\n  x\n\n    y\n  z\n\n\nb: |-\n  s\n  t\n\nc: 1\n"],
    ["literal inside a sequence item's mapping", "a:\n  - sql: |\n      select 1\n      from t\n    name: q\n"],
    ["literal holding what looks like YAML", "a: |\n  b: c\n  - d\n  # not a comment\n"],
    ["sequence at its key's own column", "a:\n- x\n- y: 1\n  z: 2\nb: 3\n"],
    ["nested sequences under keys", "a:\n  b:\n    - 1\n    - c:\n        - d\n"],
    ["an empty item and an empty value", "a:\n  -\n  - x\nb:\nc: ~\n"],
    ["comments everywhere", "# top\na: 1 # one\n# between\nb:\n  # before\n  c: 2\n\n# end\n"],
    ["quoted scalars with escapes", "a: \"x\\ty\\n\\\"q\\\" \\u00e9 \\x41 \\U0001F600 \\\\ \\/\"\nb: 'it''s # not'\nc: \"\" # empty\nd: ''\n"],
    ["plain scalars with inner indicators", "a: x:y\nb: a#b\nc: http://x.y/z?q=1&r=*\nd: -x\ne: a]\nf: 1 - 2\ng: ---\n"],
    ["core schema resolution", "a: 0o17\nb: 0x1F\nc: -0\nd: 1e3\ne: .5\nf: +.inf\ng: .NaN\nh: NULL\ni: False\nj: yes\nk: 1_000\nl: 12345678901234567890\nm: 01\n"],
    ["spaces around values and a non-breaking space kept", "a:    x   \nb: y\u00a0\nc:  \n"],
    ["empty flow collections", "a: []\nb: {} # c\nc:\n  - []\n"],
    ["keys with dots, hyphens and underscores", "a.b: 1\nc-d: 2\n_e: 3\nF9: 4\n"],
    ["a long value line", `a: ${"x".repeat(3000)}\n`],
    ["no final line break", "a: 1\nb:\n  - x"],
    // `aaa` and `bcb` share a slot of the reader's key cache: each must still be read as itself.
    ["keys that share a slot of the key cache, in turn", "aaa: 1\nbcb: 2\nx:\n  aaa: 3\n  bcb: 4\n"],
  ])("agrees on %s", (_name, text) => {
    expect(expectAgrees(text)).toBe(true);
  });

  it.each([
    ["anchors and aliases", "a: &x 1\nb: *x\n"],
    ["tags", "a: !!str 1\n"],
    ["non-empty flow collections", "a: [1, 2]\n"],
    ["folded and kept literals, explicit indentation", "a: >\n  x\n"],
    ["kept literal", "a: |+\n  x\n"],
    ["indentation indicator", "a: |2\n   x\n"],
    ["a literal ending the text with no line break", "a: |\n  x"],
    ["multi-line plain scalars", "a: b\n  c\n"],
    ["multi-line quoted scalars", "a: \"x\n  y\"\n"],
    ["a mapping inside a plain scalar", "a: b: c\n"],
    ["duplicate keys", "a: 1\na: 2\n"],
    ["prototype keys", "__proto__: 1\n"],
    ["keys that are not strings", "true: 1\n"],
    ["quoted keys", "\"a\": 1\n"],
    ["tabs and carriage returns", "a:\n\tb: 1\n", "a: 1\r\n"],
    ["document markers and directives", "---\na: 1\n", "a: 1\n...\n", "%YAML 1.2\n---\na: 1\n"],
    ["a top level that is not a mapping", "- a\n", "plain\n", "", "# only\n", "  a: 1\n"],
    ["bad indentation", "a:\n    b: 1\n  c: 2\n", "a: 1\n b: 2\n"],
    ["a comment indented under a scalar (kept simple)", "a: 1\n  # c\n"],
    ["a quoted scalar followed by text", "a: 'x'y\n", "a: \"x\"#c\n"],
    ["controls, BOM, separators", "\ufeffa: 1\n", "a: \u2028\n", "a: \u0007\n"],
  ])("declines %s", (_name, ...texts) => {
    for (const text of texts) expect(readPlainYaml(text), JSON.stringify(text)).toBeNull();
  });

  it("still declines a refused key or a duplicate when the key is already in its key cache", () => {
    expect(readPlainYaml("name: a\nconstructor: b\n")).toBeNull();
    expect(readPlainYaml("constructor: b\n")).toBeNull();
    expect(readPlainYaml("name: a\nname: b\n")).toBeNull();
    expect(readPlainYaml("name: a\n")).toEqual({ name: "a" });
  });

  it("agrees with the yaml path on thousands of generated documents, written out and then damaged", () => {
    // PLAIN_YAML_FUZZ=<documents> and PLAIN_YAML_SEED=<n> run a longer or another search locally.
    const random = prng(Number(process.env["PLAIN_YAML_SEED"] ?? 7));
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const words = ["x", "model-1", "select 1", "a: b", "a #b", "#c", "- x", "'q'", '"d"', "1.5", "0x1F", "null", "True", "~", "yes", "", " lead", "trail ", "é ü", "a\nb", "a\n\nb\n", "line\n", "x:y", "[]", "{}", "&a", "*b", "!t", "|", ">", "%", "@", "`", "\\", "--", "- ", "1e3", "-0", ".inf", "a\u00a0"];
    const value = (depth: number): JsonValue => {
      const roll = random();
      if (depth > 2 || roll < 0.5) {
        const r = random();
        return r < 0.6 ? pick(words) : r < 0.8 ? Math.floor(random() * 2000) - 1000 : r < 0.9 ? random() < 0.5 : null;
      }
      if (roll < 0.75) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return object(depth + 1);
    };
    const object = (depth: number): { [key: string]: JsonValue } => {
      const out: { [key: string]: JsonValue } = {};
      const n = 1 + Math.floor(random() * 5);
      for (let i = 0; i < n; i++) out[pick(["name", "type", "a.b", "c-d", "_e", "k9", "config", "items"]) + (random() < 0.5 ? "" : String(i))] = value(depth);
      return out;
    };
    const damage = (text: string): string => {
      const lines = text.split("\n");
      const at = Math.floor(random() * lines.length);
      const line = lines[at] ?? "";
      const col = Math.floor(random() * (line.length + 1));
      const roll = random();
      if (roll < 0.25) lines[at] = line.slice(0, col) + pick([" ", ":", "#", "-", "'", '"', "|", "[", "&", "  ", ": ", " #", "\\"]) + line.slice(col);
      else if (roll < 0.45) lines[at] = line.slice(0, col) + line.slice(col + 1);
      else if (roll < 0.65) lines[at] = ` ${line}`;
      else if (roll < 0.8) lines[at] = line.replace(/^ /, "");
      else if (roll < 0.9) lines.splice(at, 0, line);
      else lines.splice(at, 1);
      return lines.join("\n");
    };

    let written = 0;
    let writtenAnswered = 0;
    let damagedAnswered = 0;
    for (let i = 0; i < Number(process.env["PLAIN_YAML_FUZZ"] ?? 1500); i++) {
      const options = pick([{ lineWidth: 0, minContentWidth: 0 }, {}, { indentSeq: false }, { indent: 4 }, { defaultStringType: "QUOTE_DOUBLE" as const }]);
      const text = stringify(object(0), options);
      written++;
      if (expectAgrees(text)) writtenAnswered++;
      let damaged = text;
      for (let d = 0; d < 1 + Math.floor(random() * 3); d++) {
        damaged = damage(damaged);
        if (expectAgrees(damaged)) damagedAnswered++;
      }
    }
    // Not vacuous: most written documents and many damaged ones take the fast path.
    expect(writtenAnswered / written).toBeGreaterThan(0.5);
    expect(damagedAnswered).toBeGreaterThan(300);
  });
});
