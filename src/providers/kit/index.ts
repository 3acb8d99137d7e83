/**
 * What every provider adapter needs once: adapters import these instead of writing their own,
 * and never import each other.
 */
export { commonDirectory, isUnder, normalizeDirectory } from "./paths.js";
export { BULK_ENV, GitRunner, parseLsTree, readBlobs, splitZ, type GitResult, type GitRunOptions, type TreeEntry } from "./git-runner.js";
export { TreeBuilder, blobId, validatePath, type BuiltTree } from "./tree-builder.js";
export { branchHead, changedTreeFiles, commitOf, isAncestor, mergeBase, readTreeFiles, repositoryFolder, revision } from "./git-reads.js";
