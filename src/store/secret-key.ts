import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import { SECRET_KEY_BYTES } from "./secret-box.js";

export const SECRET_KEY_FILE = "secret.key";

export interface LoadSecretKeyOptions {
  dataDir: string;
  /** GITSYNC_SECRET_KEY as given; empty or undefined means "not configured". */
  envKey?: string;
  warn: (msg: string) => void;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Parses a key as 64 hex characters or base64 of 32 bytes; null when it is neither. */
export function parseSecretKey(text: string): Buffer | null {
  const value = text.trim();
  if (HEX_KEY.test(value)) return Buffer.from(value, "hex");
  if (BASE64_KEY.test(value)) {
    const key = Buffer.from(value, value.includes("-") || value.includes("_") ? "base64url" : "base64");
    if (key.length === SECRET_KEY_BYTES) return key;
  }
  return null;
}

/**
 * The credential encryption key: GITSYNC_SECRET_KEY when set, otherwise `<dataDir>/secret.key`,
 * generated on first use. The key itself never appears in an error or a warning.
 */
export function loadSecretKey(options: LoadSecretKeyOptions): Buffer {
  if (options.envKey !== undefined && options.envKey.trim() !== "") {
    const key = parseSecretKey(options.envKey);
    if (!key) {
      throw new ConfigError(
        "GITSYNC_SECRET_KEY must be 64 hex characters or the base64 of 32 bytes (e.g. `openssl rand -hex 32`)",
        { field: "GITSYNC_SECRET_KEY" },
      );
    }
    return key;
  }

  const file = join(options.dataDir, SECRET_KEY_FILE);
  mkdirSync(options.dataDir, { recursive: true });
  try {
    // "wx": never overwrite a key another process wrote a moment ago; losing a key loses every credential.
    writeFileSync(file, `${randomBytes(SECRET_KEY_BYTES).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
    chmodSync(file, 0o600);
    options.warn(
      `generated a credential encryption key in ${file}; set GITSYNC_SECRET_KEY in production ` +
        "and keep the key safe: without it stored credentials cannot be read",
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    options.warn(`using the credential encryption key in ${file}; set GITSYNC_SECRET_KEY in production`);
  }
  const key = parseSecretKey(readFileSync(file, "utf8"));
  if (!key) {
    throw new ConfigError(`${file}: line 1: the key must be 64 hex characters or the base64 of 32 bytes`, {
      file,
      line: 1,
      field: "secret key",
    });
  }
  return key;
}

/**
 * GITSYNC_SECRET_KEY_PREVIOUS: the keys being rotated away from, separated by commas or
 * spaces. A malformed one names its position, never its value.
 */
export function parsePreviousSecretKeys(text: string | null | undefined): Buffer[] {
  if (text === null || text === undefined) return [];
  const parts = text.split(/[\s,]+/).filter((part) => part !== "");
  return parts.map((part, index) => {
    const key = parseSecretKey(part);
    if (!key) {
      throw new ConfigError(
        `GITSYNC_SECRET_KEY_PREVIOUS: key ${index + 1} must be 64 hex characters or the base64 of 32 bytes`,
        { field: "GITSYNC_SECRET_KEY_PREVIOUS", position: index + 1 },
      );
    }
    return key;
  });
}
