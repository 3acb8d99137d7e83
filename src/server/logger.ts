import { createProbot, type Logger } from "probot";
import type { ServerConfig } from "./config.js";

/**
 * Field names whose values are secrets wherever they appear in a log record. gitsync's own code
 * never logs bodies or headers; this is the net under Probot, Octokit and error objects.
 */
const SECRET_KEYS = [
  "authorization",
  "cookie",
  "token",
  "secret",
  "password",
  "credentials",
  "privateKey",
  "private_key",
  "webhookSecret",
  "adminToken",
  "secretKey",
  "apiKey",
  "accessToken",
  "x-gitlab-token",
  "x-hub-signature",
  "x-hub-signature-256",
];

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`);

/** pino (fast-redact) paths: each key at the top, one, two and three levels down. */
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((name) => [
  key(name).replace(/^\./, ""),
  `*${key(name)}`,
  `*.*${key(name)}`,
  `*.*.*${key(name)}`,
]);

export const REDACTED = "[redacted]";

/** A child of `base` that censors secrets in every record it and its children write. */
export function redacting(base: Logger): Logger {
  return base.child({ name: "gitsync" }, { redact: { paths: REDACT_PATHS, censor: REDACTED } });
}

/** Probot's own pino logger (level and format from the config), with redaction. */
export async function createLogger(config: ServerConfig): Promise<Logger> {
  // Probot builds its logger while it initialises; this instance is only borrowed for that.
  const probot = createProbot({
    env: { LOG_LEVEL: config.log.level, LOG_FORMAT: config.log.format },
    overrides: { appId: 1, privateKey: "unused: only the logger is taken from this instance" },
  });
  await probot.ready();
  return redacting(probot.log);
}
