import { createHash } from "node:crypto";
import type { ChangedFile, FileContent, RepoRef } from "../../core/index.js";
import { changesUnder } from "../kit/changes.js";
import { allPages, type Page } from "../kit/paging.js";
import { commonDirectory, isUnder, normalizeDirectory } from "../kit/paths.js";
import { API_VERSION_PREVIEW, AzureHttpError } from "./client.js";
import type { AzureContext } from "./context.js";
import { asObject, azurePath, changeOf, listOf, repoPath, str, type Json } from "./mappers.js";
import { readZip } from "./zip.js";

/** Reads: refs, zip downloads of a folder, tree listings, commit diffs and merge bases. */

const FULL_SHA = /^[0-9a-f]{40}$/i;
/** Changes listed per diff page. */
export const DIFF_PAGE = 1000;
/** Refs listed per page (Azure takes at most 1,000). */
export const REFS_PAGE = 100;

function atCommit(sha: string): Record<string, string> {
  return { "versionDescriptor.version": sha, "versionDescriptor.versionType": "commit" };
}

export async function resolveRef(ctx: AzureContext, repo: RepoRef, ref: string): Promise<string | null> {
  const api = ctx.api(repo);
  if (FULL_SHA.test(ref)) {
    try {
      const commit = await ctx.client.json<unknown>("GET", `${api}/commits/${ref}`, {}, "commit");
      return str(asObject(commit, "commit"), "commitId", "commit");
    } catch (error) {
      if (error instanceof AzureHttpError && (error.status === 404 || error.status === 400)) return null;
      throw error;
    }
  }
  // `filter` is a prefix: only the exact name counts (heads/main, not heads/main-old).
  for (const kind of ["heads", "tags"] as const) {
    const refs = await listRefs(ctx, repo, `${kind}/${ref}`, kind === "tags");
    const exact = refs.find((r) => r["name"] === `refs/${kind}/${ref}`);
    if (exact !== undefined) return typeof exact["peeledObjectId"] === "string" ? exact["peeledObjectId"] : str(exact, "objectId", "ref");
  }
  return null;
}

/**
 * Every ref whose name starts with `filter`: a page of REFS_PAGE, then each page the
 * continuation token of the one before names (many branches may share a name's start).
 */
async function listRefs(ctx: AzureContext, repo: RepoRef, filter: string, peelTags: boolean): Promise<Json[]> {
  const query = { filter, peelTags: peelTags ? true : undefined, $top: REFS_PAGE };
  const page = async (continuationToken?: string): Promise<Page<Json>> => {
    const { body, continuation } = await ctx.client.jsonPage<unknown>(`${ctx.api(repo)}/refs`, { ...query, continuationToken }, "refs");
    return { values: listOf(body, "refs"), next: continuation };
  };
  return allPages("Azure DevOps refs", () => page(), page);
}

/** Every file under `directory` at `sha`, from one zip download; an absent folder is empty. */
export async function downloadFolder(ctx: AzureContext, repo: RepoRef, sha: string, directory: string): Promise<Map<string, Buffer>> {
  const zip = await ctx.client.bytes(
    `${ctx.api(repo)}/items`,
    { path: azurePath(directory), recursionLevel: "Full", $format: "zip", ...atCommit(sha) },
    `zip of /${directory} at ${sha}`,
    "application/zip",
  );
  return zip === null ? new Map() : placeEntries(readZip(zip), directory);
}

/**
 * A folder's zip holds the folder itself (`models/a.yaml` for `/config/models`); entries are
 * put back under the folder's parent. Full paths and paths relative to the folder are
 * recognised too, so the reading does not hang on one naming.
 */
export function placeEntries(entries: Map<string, Buffer>, directory: string): Map<string, Buffer> {
  const names = [...entries.keys()];
  if (directory === "" || names.every((n) => n.startsWith(`${directory}/`))) return entries;
  const base = directory.split("/").pop() as string;
  const parent = directory.slice(0, directory.length - base.length);
  const prefix = names.every((n) => n.startsWith(`${base}/`)) ? parent : `${directory}/`;
  return new Map([...entries].map(([name, content]) => [`${prefix}${name}`, content]));
}

export async function readFiles(ctx: AzureContext, repo: RepoRef, sha: string, path: string, paths?: string[]): Promise<FileContent[]> {
  const directory = normalizeDirectory(path);
  if (paths === undefined) return toContents(await downloadFolder(ctx, repo, sha, directory), (p) => isUnder(p, directory));
  const wanted = new Set(paths.filter((p) => isUnder(p, directory)));
  if (wanted.size === 0) return [];
  const folder = commonDirectory([...wanted]);
  const files = await downloadFolder(ctx, repo, sha, folder);
  ctx.keepNamedRead(repo, sha, folder, files);
  return toContents(files, (p) => wanted.has(p));
}

/** Blob ids of the files under `directory` at `sha` (a listing: no content is downloaded). */
export async function blobIds(ctx: AzureContext, repo: RepoRef, sha: string, directory: string): Promise<Map<string, string>> {
  let body: unknown;
  try {
    body = await ctx.client.json<unknown>("GET", `${ctx.api(repo)}/items`, { scopePath: azurePath(directory), recursionLevel: "Full", ...atCommit(sha) }, "items");
  } catch (error) {
    if (error instanceof AzureHttpError && error.status === 404) return new Map();
    throw error;
  }
  const ids = new Map<string, string>();
  for (const item of listOf(body, "items")) {
    if (item["isFolder"] === true || item["gitObjectType"] !== "blob") continue;
    ids.set(repoPath(str(item, "path", "item")), str(item, "objectId", "item"));
  }
  return ids;
}

/** The id git gives a blob of these bytes: equal ids mean equal content. */
export function gitBlobId(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

/**
 * The files changed from base's merge base to head (base...head, as the pull request shows
 * them), DIFF_PAGE changes a request: Azure pages a commit diff by `$top` and `$skip` and says
 * on the last page that all changes are included.
 */
export async function changedFiles(ctx: AzureContext, repo: RepoRef, base: string, head: string, path: string): Promise<ChangedFile[]> {
  const query = { baseVersion: base, baseVersionType: "commit", targetVersion: head, targetVersionType: "commit", diffCommonCommit: true, $top: DIFF_PAGE };
  const page = async (skip: number): Promise<Page<unknown, number>> => {
    const answer = asObject(await ctx.client.json<unknown>("GET", `${ctx.api(repo)}/diffs/commits`, { ...query, $skip: skip }, "commit diff"), "commit diff");
    const listed: unknown[] = Array.isArray(answer["changes"]) ? answer["changes"] : [];
    const last = answer["allChangesIncluded"] === true || listed.length < DIFF_PAGE;
    return { values: listed, next: last ? null : skip + DIFF_PAGE };
  };
  const changes = await allPages("Azure DevOps commit diff", () => page(0), page);
  return changesUnder(
    changes.flatMap((change) => changeOf(change) ?? []),
    normalizeDirectory(path),
  );
}

export async function isAncestor(ctx: AzureContext, repo: RepoRef, ancestor: string, descendant: string): Promise<boolean> {
  let body: unknown;
  try {
    body = await ctx.client.json<unknown>("GET", `${ctx.api(repo)}/commits/${descendant}/mergebases`, { otherCommitId: ancestor, "api-version": API_VERSION_PREVIEW }, "merge bases");
  } catch (error) {
    // A commit the repository does not hold (one from before the connection moved here) is no ancestor.
    if (error instanceof AzureHttpError && (error.status === 404 || error.status === 400)) return false;
    throw error;
  }
  return listOf(body, "merge bases").some((b) => b["commitId"] === ancestor);
}

function toContents(files: Map<string, Buffer>, keep: (path: string) => boolean): FileContent[] {
  return [...files]
    .filter(([path]) => keep(path))
    .map(([path, content]) => ({ path, content }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
