import type { Kind } from "../catalog/kind.js";
import type { FileContent, GitConnection, GitProvider } from "../core/index.js";
import { NotFoundError, textOf } from "../core/index.js";

/**
 * One resource's file in git: where it may be (a person may have written `.yml` or `.json`),
 * and its bytes at a commit.
 */

const EXTENSIONS = ["yaml", "yml", "json"] as const;

/** Every path the resource's file may have under the connection's path, the usual one first. */
export function candidatePaths(basePath: string, kind: Kind, name: string, format: GitConnection["format"]): string[] {
  const base = basePath.replace(/^\/+|\/+$/g, "");
  const preferred = format === "json" ? "json" : "yaml";
  const order = [preferred, ...EXTENSIONS.filter((e) => e !== preferred)];
  return order.map((ext) => `${base === "" ? "" : `${base}/`}${kind.folder}/${name}.${ext}`);
}

export interface ResourceFile {
  path: string;
  sha: string;
  /** The file's text exactly as committed; base64 when it is not UTF-8 (`binary`). */
  content: string;
  binary: boolean;
}

/** The commit `ref` names, or a 404 that says so. */
export async function requireCommit(provider: GitProvider, git: GitConnection, ref: string): Promise<string> {
  const sha = await provider.resolveRef({ repository: git.repository }, ref);
  if (sha === null) throw new NotFoundError(`ref '${ref}' not found in the ${git.provider} repository`, { ref });
  return sha;
}

/** The first of the candidate paths present at `sha`, or null when the resource has no file there. */
export async function findFile(provider: GitProvider, git: GitConnection, sha: string, paths: string[]): Promise<FileContent | null> {
  const found = await provider.readFiles({ repository: git.repository }, sha, git.path, paths);
  for (const path of paths) {
    const file = found.find((f) => f.path === path);
    if (file) return file;
  }
  return null;
}

export async function readResourceFile(
  provider: GitProvider,
  git: GitConnection,
  at: { ref: string; kind: Kind; name: string },
): Promise<ResourceFile> {
  const sha = await requireCommit(provider, git, at.ref);
  const file = await findFile(provider, git, sha, candidatePaths(git.path, at.kind, at.name, git.format));
  if (!file) {
    throw new NotFoundError(`${at.kind.folder}/${at.name} has no file at ${sha.slice(0, 7)}`, { kind: at.kind.folder, name: at.name, sha });
  }
  const text = textOf(file.content);
  return text === undefined
    ? { path: file.path, sha, content: Buffer.from(file.content).toString("base64"), binary: true }
    : { path: file.path, sha, content: text, binary: false };
}
