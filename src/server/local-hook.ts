import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The shared secret of the local repositories' post-receive hook. LOCAL_WEBHOOK_SECRET wins;
 * otherwise one is generated on first start and kept in the data folder, so a `git push` to a
 * local repository works with no configuration at all.
 */
export function localWebhookSecret(dataDir: string, configured: string | null): string {
  if (configured !== null) return configured;
  const file = join(dataDir, "local-webhook.secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("hex");
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  }
}

/** Where the hook posts: this server, on loopback unless it listens on one interface only. */
export function localHookUrl(host: string | null, port: number): string {
  const target = host === null || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${target}:${port}/webhooks/local`;
}
