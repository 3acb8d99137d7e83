import type { CheckAnnotation, CheckConclusion, CheckStatus } from "./types.js";

/**
 * The local provider has no forge around it, so its pull requests, checks and comments live
 * in the Store. `repository` is the local repository's name (the tenant slug).
 */

export interface LocalPullRequest {
  repository: string;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  headSha: string;
  state: "open" | "merged" | "closed";
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LocalCheck {
  id: number;
  repository: string;
  sha: string;
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  title: string;
  summary: string;
  annotations: CheckAnnotation[];
  pullRequest: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface LocalComment {
  repository: string;
  pullRequest: number;
  body: string;
  updatedAt: string;
}

export interface LocalReviewStore {
  createLocalPull(input: { repository: string; title: string; body: string; head: string; base: string; headSha: string }): Promise<LocalPullRequest>;
  getLocalPull(repository: string, number: number): Promise<LocalPullRequest | null>;
  listLocalPulls(repository: string, state?: LocalPullRequest["state"]): Promise<LocalPullRequest[]>;
  updateLocalPull(
    repository: string,
    number: number,
    patch: Partial<Pick<LocalPullRequest, "title" | "body" | "headSha" | "state" | "mergeCommitSha">>,
  ): Promise<LocalPullRequest>;
  /** Creates a check, or replaces the one with the same sha and name (a re-run). */
  putLocalCheck(input: Omit<LocalCheck, "id" | "createdAt" | "updatedAt">): Promise<LocalCheck>;
  listLocalChecks(repository: string, sha: string): Promise<LocalCheck[]>;
  upsertLocalComment(repository: string, pullRequest: number, body: string): Promise<LocalComment>;
  getLocalComment(repository: string, pullRequest: number): Promise<LocalComment | null>;
}
