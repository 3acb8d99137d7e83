import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { ConfigError, GitsyncError } from "../core/errors.js";

const FORMAT = "gcm1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

/** A short public fingerprint of a key: tells which key sealed a value without revealing it. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update("gitsync-key-id\0").update(key).digest("hex").slice(0, 12);
}

/**
 * AES-256-GCM for values at rest. A sealed value reads `gcm1.<key id>.<iv>.<ciphertext+tag>`
 * (base64url parts): the format and key id let a later release rotate keys (decrypt with an old
 * one, re-seal with the new one). `context` is bound as additional data, so a sealed value
 * copied to another row (another tenant's connection) fails to open.
 */
export class SecretBox {
  private readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== SECRET_KEY_BYTES) throw new ConfigError(`secret key must be ${SECRET_KEY_BYTES} bytes`);
      this.keys.set(keyId(key), key);
    }
    this.currentId = keyId(current);
  }

  seal(plaintext: string, context: string): string {
    const key = this.keys.get(this.currentId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return [FORMAT, this.currentId, iv.toString("base64url"), data.toString("base64url")].join(".");
  }

  /** Whether a sealed value was sealed with the current key (false: sealed again at start). */
  isCurrent(sealed: string): boolean {
    return sealed.split(".")[1] === this.currentId;
  }

  /** Whether one of the configured keys (current or previous) can open a sealed value. */
  knows(sealed: string): boolean {
    return this.keys.has(sealed.split(".")[1] ?? "");
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split(".");
    if (parts.length !== 4 || parts[0] !== FORMAT) {
      throw new GitsyncError("internal", `stored secret for ${context} is not in a known format`);
    }
    const [, id, ivText, dataText] = parts as [string, string, string, string];
    const key = this.keys.get(id);
    if (!key) {
      throw new ConfigError(
        `stored secret for ${context} was encrypted with key ${id}, but the configured key is ${this.currentId}: ` +
          "set GITSYNC_SECRET_KEY to the key this database was created with (or GITSYNC_SECRET_KEY_PREVIOUS to it while rotating)",
        { context, keyId: id, configuredKeyId: this.currentId },
      );
    }
    const iv = Buffer.from(ivText, "base64url");
    const data = Buffer.from(dataText, "base64url");
    if (iv.length !== IV_BYTES || data.length < TAG_BYTES) {
      throw new GitsyncError("internal", `stored secret for ${context} is truncated`);
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new GitsyncError("internal", `stored secret for ${context} failed its integrity check (altered or moved)`);
    }
  }
}
