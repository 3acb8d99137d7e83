import type { ChangedFile, FileContent } from "../../core/index.js";
import { GitsyncError } from "../../core/index.js";
import { call } from "./errors.js";
import { byPath, changesUnder, diffTrees, isUnder, readTarGz } from "../kit/index.js";
import { mapCompareFiles, mapTreeBlobs } from "./mappers.js";
import { COMPARE_FILE_LIMIT, type GitHubOctokit } from "./options.js";
import { CompareAnswer, read } from "./schema.js";

interface Target {
  owner: string;
  repo: string;
}

/**
 * Files under `folder` at a commit from its tarball: two requests (the API answers with a
 * redirect to the archive host, which fetch follows without the Authorization header) for any
 * number of files, instead of one per file.
 */
export async function readFilesAt(
  octokit: GitHubOctokit,
  target: Target,
  commit: string,
  folder: string,
  paths?: string[],
): Promise<FileContent[]> {
  const wanted = paths ? new Set(paths) : null;
  const { data } = await call(`download tarball of ${commit}`, () => octokit.rest.repos.downloadTarballArchive({ ...target, ref: commit }));
  if (!(data instanceof ArrayBuffer)) {
    throw new GitsyncError("provider_error", "GitHub tarball: the answer should be a binary archive", { field: "(body)" });
  }
  const files = await readTarGz(new Uint8Array(data), (path) => isUnder(path, folder) && (wanted === null || wanted.has(path)), `GitHub tarball of ${commit}`);
  return [...files].map(([path, content]) => ({ path, content })).sort(byPath);
}

async function compare(octokit: GitHubOctokit, target: Target, base: string, head: string) {
  const { data } = await call(`compare ${base}...${head}`, () =>
    octokit.rest.repos.compareCommitsWithBasehead({ ...target, basehead: `${base}...${head}`, per_page: 1 }),
  );
  return read(CompareAnswer, data, "compare");
}

/**
 * Changed files from compare (`base...head`: from the merge base, as the pull request shows
 * them); compare lists at most 300 files, so a full list is replaced by a comparison of the
 * merge base's and head's recursive trees (two more requests, any number of files).
 */
export async function changedFilesBetween(
  octokit: GitHubOctokit,
  target: Target,
  base: string,
  head: string,
  folder: string,
): Promise<ChangedFile[]> {
  const data = await compare(octokit, target, base, head);
  const listed = mapCompareFiles(data);
  const complete = Array.isArray(data.files) && data.files.length < COMPARE_FILE_LIMIT;
  if (complete) return changesUnder(listed, folder);
  const from = data.merge_base_commit?.sha;
  if (from === undefined) throw new GitsyncError("provider_error", "GitHub compare: field merge_base_commit: missing", { field: "merge_base_commit" });
  return changesUnder(await diffCommits(octokit, target, from, head), folder);
}

async function treeOf(octokit: GitHubOctokit, target: Target, commit: string): Promise<Map<string, string>> {
  const { data } = await call(`read tree of ${commit}`, () => octokit.rest.git.getTree({ ...target, tree_sha: commit, recursive: "1" }));
  return mapTreeBlobs(data);
}

async function diffCommits(octokit: GitHubOctokit, target: Target, base: string, head: string): Promise<ChangedFile[]> {
  const before = await treeOf(octokit, target, base);
  const after = await treeOf(octokit, target, head);
  return diffTrees(before, after, (a, b) => a === b);
}

export async function isAncestorOf(octokit: GitHubOctokit, target: Target, ancestor: string, descendant: string): Promise<boolean> {
  const { status } = await compare(octokit, target, ancestor, descendant);
  return status === "ahead" || status === "identical";
}
