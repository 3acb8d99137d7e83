/**
 * The provider kit: what every adapter (local, github, gitlab, bitbucket, and any new one) needs
 * once. Adapters import these instead of writing their own, and never import each other.
 *
 * - paths: one rule for folders (`normalizeDirectory`, `isUnder`, `commonDirectory`, `folderOf`).
 * - changes: `changesUnder` (what `changedFiles` returns: renames across the folder's edge are
 *   an add or a delete) and `diffTrees` (two trees compared when a forge's diff may be cut).
 * - repository: `parseRepository` / `parseOwnerAndName` for a connection's `repository`.
 * - retry: `retryingFetch` (and `retryingCall` for other HTTP clients), the HTTP retry with Retry-After and backoff (p-retry), and its rule.
 * - tar: `readTarGz`, a repository archive (GitHub tarball, GitLab archive) as path → bytes.
 * - comment: `upsertMarkedComment`, gitsync's one pull-request comment; the kit owns the marker.
 *   `upsertKeptComment` does the same by a kept id, without listing the conversation.
 * - webhook: `webhookReceiver`, a provider's stateless delivery parser holding only the shared
 *   secret; API clients built without one refuse deliveries (`noWebhookReceiver`).
 * - paging: `allPages`, every page of a list, whatever names the next one (a URL, a token, an
 *   offset); an adapter never stops at a list's first page.
 * - schema: `parseWith`, zod validation of an API answer with errors naming the field; each
 *   adapter keeps its answers' schemas in its own `schema.ts`.
 * - diff-files: `newFilesFromDiff`, changed files rebuilt from a forge's raw git diff, each
 *   kept only when its bytes hash to the blob id of its `index` line.
 */
export { changesUnder, diffTrees } from "./changes.js";
export { newFilesFromDiff } from "./diff-files.js";
export { markedComment, upsertKeptComment, upsertMarkedComment, type CommentPrimitives, type KeptCommentPrimitives } from "./comment.js";
export { byPath, commonDirectory, folderOf, isUnder, normalizeDirectory } from "./paths.js";
export { parseOwnerAndName, parseRepository } from "./repository.js";
export { DEFAULT_RETRY, isRetryable, retryAfterMs, retryingCall, retryingFetch, type AnswerInfo, type FetchLike, type RetryOptions } from "./retry.js";
export { allPages, type Page } from "./paging.js";
export { parseWith } from "./schema.js";
export { readTarGz } from "./tar.js";
export { noWebhookReceiver, webhookReceiver } from "./webhook.js";
export { BULK_ENV, GitRunner, parseLsTree, readBlobs, splitZ, type GitResult, type GitRunOptions, type TreeEntry } from "./git-runner.js";
export { TreeBuilder, blobId, validatePath, type BuiltTree } from "./tree-builder.js";
export { branchHead, ChangedEntries, changedTreeFiles, commitOf, CommitRelations, readTreeFiles, repositoryFolder, revision } from "./git-reads.js";
