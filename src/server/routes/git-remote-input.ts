import { GitsyncError } from "../../core/errors.js";
import { DEFAULT_GIT_REMOTE, type GitConnection, type GitRemoteSettings } from "../../core/types.js";
import { parseHostKey, parseRemoteUrl } from "../../providers/git/index.js";
import type { FieldError } from "../schemas.js";

/**
 * The `git` provider's part of a git connection: the URL in `repository`, and `remote` (sign-in
 * kind, user name, pinned host key, poll interval, compare link). Other providers take no
 * `remote`.
 */

const MIN_POLL_SECONDS = 5;

function urlError(repository: string): string | null {
  try {
    parseRemoteUrl(repository);
    return null;
  } catch (error) {
    return error instanceof GitsyncError ? error.message.replace(/^invalid git repository URL '[^']*': /, "") : "is not a git URL";
  }
}

function templateError(template: string): string | null {
  if (!/^https?:\/\//.test(template)) return "must be an http(s) URL";
  if (!template.includes("{head}")) return "must hold {head} (and usually {base} and {repository})";
  const rest = template.replace(/\{(repository|base|head)\}/g, "");
  return /[{}]/.test(rest) ? "knows only {repository}, {base} and {head}" : null;
}

export function remoteErrors(input: GitConnection): FieldError[] {
  if (input.provider !== "git") {
    return input.remote === undefined || input.remote === null ? [] : [{ field: "remote", message: "is only for the git provider" }];
  }
  const remote: GitRemoteSettings = { ...DEFAULT_GIT_REMOTE, ...input.remote };
  const errors: FieldError[] = [];
  const url = urlError(input.repository);
  if (url !== null) errors.push({ field: "repository", message: url });
  else {
    const ssh = parseRemoteUrl(input.repository).transport === "ssh";
    if (ssh !== (remote.auth === "ssh-key")) {
      errors.push({ field: "remote.auth", message: ssh ? "must be ssh-key for an ssh URL" : "must be token or password for an https URL" });
    }
  }
  if (remote.auth === "password" && !remote.username) errors.push({ field: "remote.username", message: "is required with a password" });
  if (remote.hostKey !== null) {
    try {
      parseHostKey(remote.hostKey);
    } catch {
      errors.push({ field: "remote.hostKey", message: "must be '<type> <base64>' as Test connection shows it" });
    }
  }
  const poll = remote.pollIntervalSeconds;
  if (poll !== 0 && poll < MIN_POLL_SECONDS) errors.push({ field: "remote.pollIntervalSeconds", message: `must be 0 (off) or at least ${MIN_POLL_SECONDS}` });
  const template = remote.compareUrlTemplate === null ? null : templateError(remote.compareUrlTemplate);
  if (template !== null) errors.push({ field: "remote.compareUrlTemplate", message: template });
  return errors;
}

/** The settings as stored: defaults filled in, the host key in its one-line form. */
export function normalizeRemote(input: GitConnection): GitConnection {
  if (input.provider !== "git") {
    const { remote: _none, ...rest } = input;
    return rest;
  }
  const remote: GitRemoteSettings = { ...DEFAULT_GIT_REMOTE, ...input.remote };
  if (remote.hostKey !== null) remote.hostKey = parseHostKey(remote.hostKey).key;
  return { ...input, remote };
}
