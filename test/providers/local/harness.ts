import { execFileSync } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { LocalProvider, type LocalProviderOptions } from "../../../src/providers/local/index.js";
import type { ContractHarness } from "../../contract/harness.js";
import type { Store } from "../../../src/core/index.js";
import { openStore } from "../../../src/store/index.js";

export const WEBHOOK_SECRET = "local-test-secret";

/** Plain git on the bare repository, independent of the provider, for seeding and assertions. */
export function git(gitDir: string, args: string[], input?: string | Buffer): string {
  return execFileSync("git", [`--git-dir=${gitDir}`, ...args], {
    input,
    env: { ...process.env, GIT_AUTHOR_NAME: "Seed", GIT_AUTHOR_EMAIL: "seed@example.com", GIT_COMMITTER_NAME: "Seed", GIT_COMMITTER_EMAIL: "seed@example.com" },
    maxBuffer: 256 * 1024 * 1024,
  }).toString("utf8");
}

/** Author, committer, parents and message of a commit in a bare repository. */
export function commitInfoOf(gitDir: string, sha: string) {
  const [an, ae, cn, ce, parents, ...message] = git(gitDir, ["log", "-1", "--format=%an%x00%ae%x00%cn%x00%ce%x00%P%x00%B", sha]).split("\0");
  return {
    author: { name: an ?? "", email: ae ?? "" },
    committer: { name: cn ?? "", email: ce ?? "" },
    parents: (parents ?? "").split(" ").filter(Boolean),
    message: message.join("\0"),
  };
}

/** Makes `branch` hold exactly `files` as a new root commit, without the provider. */
export function seedBranch(gitDir: string, branch: string, files: Record<string, string | Uint8Array>, message = "seed"): string {
  const index = join(gitDir, `seed-index-${randomUUID()}`);
  const env = { GIT_INDEX_FILE: index };
  const lines = Object.entries(files).map(([path, content]) => {
    const oid = git(gitDir, ["hash-object", "-w", "--stdin"], typeof content === "string" ? content : Buffer.from(content)).trim();
    return `100644 ${oid}\t${path}\0`;
  });
  const run = (args: string[], input?: string) =>
    execFileSync("git", [`--git-dir=${gitDir}`, ...args], { input, env: { ...process.env, ...env, GIT_AUTHOR_NAME: "Seed", GIT_AUTHOR_EMAIL: "seed@example.com", GIT_COMMITTER_NAME: "Seed", GIT_COMMITTER_EMAIL: "seed@example.com" } })
      .toString("utf8")
      .trim();
  run(["update-index", "-z", "--index-info"], lines.join(""));
  const tree = run(["write-tree"]);
  const sha = run(["commit-tree", tree, "-m", message]);
  run(["update-ref", `refs/heads/${branch}`, sha]);
  rmSync(index, { force: true });
  return sha;
}

/** The files of a commit, read through `git archive` (not through the provider's code). */
export async function snapshotOf(gitDir: string, sha: string): Promise<Record<string, string>> {
  const archive = execFileSync("git", [`--git-dir=${gitDir}`, "archive", "--format=tar", sha], { maxBuffer: 256 * 1024 * 1024 });
  const extract = tar.extract();
  const files: Record<string, string> = {};
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("end", () => {
        if (header.type === "file") files[header.name] = Buffer.concat(chunks).toString("utf8");
        next();
      });
      stream.resume();
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  Readable.from([archive]).pipe(extract);
  await done;
  return files;
}

export interface LocalHarness extends ContractHarness {
  readonly provider: LocalProvider;
  readonly root: string;
  readonly gitDir: string;
  /** The real SQLite store, in the harness's temporary folder. */
  readonly reviews: Store;
}

export async function createLocalHarness(options: Partial<Omit<LocalProviderOptions, "root" | "reviews">> = {}): Promise<LocalHarness> {
  const root = await mkdtemp(join(tmpdir(), "gitsync-local-"));
  const reviews = await openStore({ dataDir: join(root, "data"), secretKey: randomBytes(32) });
  const provider = new LocalProvider({ root, reviews, hook: { url: "http://127.0.0.1:9/webhooks/local", secret: WEBHOOK_SECRET }, ...options });
  const repo = { repository: "tenant-a" };
  const gitDir = provider.repositoryPath(repo.repository);
  return {
    provider,
    repo,
    root,
    gitDir,
    reviews,
    http: false,
    async seed(files) {
      // Any operation creates the repository (and installs the hook) on first use.
      await provider.resolveRef(repo, "main");
      return seedBranch(gitDir, "main", files);
    },
    async emptyRepository() {
      await provider.resolveRef(repo, "main");
      const refs = git(gitDir, ["for-each-ref", "--format=%(refname)"]).split("\n").filter((r) => r !== "");
      for (const ref of refs) git(gitDir, ["update-ref", "-d", ref]);
    },
    async deleteBranch(branch) {
      git(gitDir, ["update-ref", "-d", `refs/heads/${branch}`]);
    },
    expect() {
      // Local makes no HTTP requests: nothing to register.
    },
    snapshot: (sha) => snapshotOf(gitDir, sha),
    async head(branch) {
      try {
        return git(gitDir, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).trim();
      } catch {
        return null;
      }
    },
    pushWebhook({ branch, before, after, validSignature }) {
      const rawBody = Buffer.from(JSON.stringify({ repository: repo.repository, updates: [{ before, after, ref: `refs/heads/${branch}` }] }));
      const key = validSignature ? WEBHOOK_SECRET : "not-the-secret";
      return {
        headers: {
          "content-type": "application/json",
          "x-gitsync-signature": `sha256=${createHmac("sha256", key).update(rawBody).digest("hex")}`,
          "x-gitsync-delivery": randomUUID(),
        },
        rawBody,
      };
    },
    requestCount: () => 0,
    commitInfo: async (sha) => commitInfoOf(gitDir, sha),
    async checks(sha) {
      return (await reviews.listLocalChecks(repo.repository, sha)).map((c) => ({
        name: c.name,
        status: c.status,
        conclusion: c.conclusion,
        annotations: c.annotations.length,
      }));
    },
    async comments(pullRequest) {
      const comment = await reviews.getLocalComment(repo.repository, pullRequest);
      return comment ? [comment.body] : [];
    },
    async cleanup() {
      await reviews.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
