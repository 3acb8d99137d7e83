import { pino } from "pino";
import type { Logger } from "probot";
import type { ServerConfig } from "./config.js";
import { prettyStream } from "./log-pretty.js";

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

/**
 * gitsync's logger (Probot and Octokit are handed it too): pino with an ISO `time` on every
 * record, JSON lines on stdout (`LOG_FORMAT=json`) or one readable line per record (`pretty`),
 * and redaction.
 */
export function createLogger(config: ServerConfig, out: NodeJS.WritableStream = process.stdout): Logger {
  const options = {
    level: config.log.level,
    name: "gitsync",
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
  };
  // Synchronous writes: a crash or SIGKILL right after an event must not lose its line.
  const destination = out === process.stdout ? pino.destination({ fd: 1, sync: true }) : out;
  return pino(options, config.log.format === "json" ? destination : prettyStream(out));
}
