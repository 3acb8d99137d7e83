import type { Io } from "../../src/cli/api-client.js";

/** What a remote command printed, with the streams and environment it was given. */
export interface CapturedIo extends Io {
  out: () => string;
  err: () => string;
}

/**
 * Streams that keep what a command prints. The real server works in the background, so a
 * command that follows a snapshot polls it without the 500 ms pause a person gets.
 */
export function io(env: Record<string, string | undefined>): CapturedIo {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env,
    sleep: () => new Promise((resolve) => setTimeout(resolve, 10)),
    out: () => out,
    err: () => err,
  };
}
