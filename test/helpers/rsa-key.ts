import { generateKeyPairSync } from "node:crypto";

let pem: string | undefined;

/**
 * A GitHub App private key (RSA, PKCS#1 PEM) for tests, made once per process: each new key takes
 * a good part of a second of CPU, and no test needs two different ones.
 */
export function testAppKey(): string {
  pem ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return pem;
}
