import { ConfigError } from "../../core/index.js";

/**
 * A connection's `repository` split into its segments. GitHub (`owner/name`) and Bitbucket
 * (`workspace/slug`) take exactly two; GitLab (`group/[subgroup/...]project`) two or more.
 * Segments may not be empty or hold white space; the message names the expected form.
 */
export function parseRepository(value: string, options: { provider: string; form: string; nested?: boolean }): string[] {
  const parts = value.split("/");
  const valid = parts.length >= 2 && (options.nested === true || parts.length === 2) && parts.every((p) => p !== "" && !/\s/.test(p));
  if (!valid) {
    throw new ConfigError(`${options.provider} repository must be "${options.form}", got ${JSON.stringify(value)}`, { field: "repository" });
  }
  return parts;
}

/** Two-segment repositories (GitHub, Bitbucket) as a pair. */
export function parseOwnerAndName(value: string, provider: string, form: string): [string, string] {
  const [owner, name] = parseRepository(value, { provider, form });
  return [owner as string, name as string];
}
