import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { keyId, SecretBox } from "../../src/store/secret-box.js";
import { loadSecretKey, parsePreviousSecretKeys, parseSecretKey } from "../../src/store/secret-key.js";

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "gitsync-key-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("loadSecretKey", () => {
  it("accepts 64 hex characters or base64 of 32 bytes from GITSYNC_SECRET_KEY", () => {
    const key = randomBytes(32);
    const warnings: string[] = [];
    const dataDir = tempDir();
    expect(loadSecretKey({ dataDir, envKey: key.toString("hex"), warn: (m) => warnings.push(m) })).toEqual(key);
    expect(loadSecretKey({ dataDir, envKey: key.toString("base64"), warn: (m) => warnings.push(m) })).toEqual(key);
    expect(loadSecretKey({ dataDir, envKey: ` ${key.toString("base64url")}\n`, warn: (m) => warnings.push(m) })).toEqual(key);
    expect(warnings).toEqual([]);
  });

  it("rejects anything else with a ConfigError that does not echo the value", () => {
    for (const bad of ["short", "zz".repeat(32), randomBytes(16).toString("base64"), randomBytes(33).toString("hex"), "not base64 at all!!"]) {
      let err: unknown;
      try {
        loadSecretKey({ dataDir: tempDir(), envKey: bad, warn: () => {} });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain("GITSYNC_SECRET_KEY");
      expect((err as Error).message).not.toContain(bad);
    }
  });

  it("generates a 0600 key file once, with a production warning, then reuses it", () => {
    const dataDir = join(tempDir(), "nested", "data");
    const warnings: string[] = [];
    const first = loadSecretKey({ dataDir, warn: (m) => warnings.push(m) });
    expect(first).toHaveLength(32);
    const file = join(dataDir, "secret.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toBe(first.toString("hex"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/set GITSYNC_SECRET_KEY in production/);
    expect(warnings[0]).not.toContain(first.toString("hex"));

    const second = loadSecretKey({ dataDir, envKey: "", warn: (m) => warnings.push(m) });
    expect(second).toEqual(first);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/GITSYNC_SECRET_KEY/);
  });

  it("names the file when the key file is malformed", () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, "secret.key"), "garbage\n");
    expect(() => loadSecretKey({ dataDir, warn: () => {} })).toThrow(/secret\.key: line 1: .*64 hex characters/);
  });

  it("parses keys without side effects", () => {
    expect(parseSecretKey("ab".repeat(32))).toEqual(Buffer.alloc(32, 0xab));
    expect(parseSecretKey("")).toBeNull();
  });
});

describe("SecretBox", () => {
  const key = randomBytes(32);

  it("round-trips with a fresh IV each time and binds the context", () => {
    const box = new SecretBox(key);
    const a = box.seal("p@ssw0rd", "connection:acme/db");
    const b = box.seal("p@ssw0rd", "connection:acme/db");
    expect(a).not.toBe(b);
    expect(a).not.toContain("p@ssw0rd");
    expect(a.startsWith(`gcm1.${keyId(key)}.`)).toBe(true);
    expect(box.open(a, "connection:acme/db")).toBe("p@ssw0rd");
    expect(() => box.open(a, "connection:other/db")).toThrow(/integrity check/);
  });

  it("detects tampering and unknown formats", () => {
    const box = new SecretBox(key);
    const sealed = box.seal("value", "ctx");
    const parts = sealed.split(".");
    const data = Buffer.from(parts[3]!, "base64url");
    data[0] = data[0]! ^ 1;
    expect(() => box.open([...parts.slice(0, 3), data.toString("base64url")].join("."), "ctx")).toThrow(/integrity check/);
    expect(() => box.open("plaintext", "ctx")).toThrow(/not in a known format/);
    expect(() => box.open(`${parts.slice(0, 3).join(".")}.AA`, "ctx")).toThrow(/truncated/);
  });

  it("names the key ids when the key is wrong, and opens with a previous key after rotation", () => {
    const old = new SecretBox(key);
    const sealed = old.seal("value", "ctx");
    const next = randomBytes(32);
    expect(() => new SecretBox(next).open(sealed, "ctx")).toThrow(ConfigError);
    expect(() => new SecretBox(next).open(sealed, "ctx")).toThrow(new RegExp(`encrypted with key ${keyId(key)}, but the configured key is ${keyId(next)}`));
    const rotated = new SecretBox(next, [key]);
    expect(rotated.open(sealed, "ctx")).toBe("value");
    expect(rotated.seal("value", "ctx").split(".")[1]).toBe(keyId(next));
  });

  it("refuses keys of the wrong length", () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(ConfigError);
  });
});

describe("GITSYNC_SECRET_KEY_PREVIOUS", () => {
  it("reads keys separated by commas or spaces, and names a bad one by position, never by value", () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    expect(parsePreviousSecretKeys(null)).toEqual([]);
    expect(parsePreviousSecretKeys(` ${a.toString("hex")}, ${b.toString("base64")} `)).toEqual([a, b]);
    const bad = "not-a-key-value-at-all";
    let error: unknown;
    try {
      parsePreviousSecretKeys(`${a.toString("hex")},${bad}`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/GITSYNC_SECRET_KEY_PREVIOUS: key 2 must be/);
    expect((error as Error).message).not.toContain(bad);
  });

  it("a box with a previous key opens what it sealed, and says which values need sealing again", () => {
    const [old, current] = [randomBytes(32), randomBytes(32)];
    const sealed = new SecretBox(old).seal("value", "ctx");
    const box = new SecretBox(current, [old]);
    expect(box.open(sealed, "ctx")).toBe("value");
    expect(box.knows(sealed)).toBe(true);
    expect(box.isCurrent(sealed)).toBe(false);
    expect(box.isCurrent(box.seal("value", "ctx"))).toBe(true);
    expect(new SecretBox(current).knows(sealed)).toBe(false);
  });
});
