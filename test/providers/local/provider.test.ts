import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BranchMovedError, GitsyncError } from "../../../src/core/index.js";
import type { Actor, FileChange, WebhookRequest } from "../../../src/core/index.js";
import { LocalProvider } from "../../../src/providers/local/index.js";
import { createLocalHarness, git, WEBHOOK_SECRET, type LocalHarness } from "./harness.js";

const ME: Actor = { name: "Ada", email: "ada@example.com" };
const ZERO = "0".repeat(40);

function codeOf(error: unknown): string | undefined {
  return error instanceof GitsyncError ? error.code : undefined;
}

describe("local provider: repositories and commits", () => {
  let h: LocalHarness;
  let main: string;

  beforeEach(async () => {
    h = await createLocalHarness();
    main = await h.seed({ "models/a.yaml": "name: a\n", "run.sh": "echo hi\n" });
  });
  afterEach(() => h.cleanup());

  const commit = (changes: FileChange[], expectedHead = main, branch = "main") =>
    h.provider.commit({ ...h.repo, branch, expectedHead, message: "m", author: ME, committer: ME, changes });

  it("creates a missing bare repository on first use, with main as its initial branch", async () => {
    await h.provider.resolveRef({ repository: "brand-new" }, "main");
    const gitDir = h.provider.repositoryPath("brand-new");
    expect(git(gitDir, ["rev-parse", "--is-bare-repository"]).trim()).toBe("true");
    expect(git(gitDir, ["symbolic-ref", "HEAD"]).trim()).toBe("refs/heads/main");
  });

  it("makes the first commit of an empty repository when the expected head is empty", async () => {
    const repo = { repository: "empty-one" };
    const { sha } = await h.provider.commit({ ...repo, branch: "main", expectedHead: "", message: "first", author: ME, committer: ME, changes: [{ action: "upsert", path: "models/x.yaml", content: "name: x\n" }] });
    expect(sha).not.toBeNull();
    expect(await h.provider.resolveRef(repo, "main")).toBe(sha);
    expect(await h.provider.readFiles(repo, sha as string, "models")).toEqual([{ path: "models/x.yaml", content: Buffer.from("name: x\n") }]);
  });

  it("refuses repository names that could leave the root folder", () => {
    for (const name of ["../etc", "a/b", "Upper", ""]) {
      expect(() => h.provider.repositoryPath(name)).toThrow(/invalid local repository name/);
    }
  });

  it("refuses bad paths and a file where a folder is, naming the path", async () => {
    for (const path of ["../x.yaml", "models//a.yaml", ".git/config", "models/./a.yaml"]) {
      const error = await commit([{ action: "upsert", path, content: "x" }]).catch((e: unknown) => e);
      expect(codeOf(error)).toBe("bad_request");
      expect((error as Error).message).toContain(path);
    }
    const error = await commit([{ action: "upsert", path: "models/a.yaml/inner.yaml", content: "x" }]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/models\/a\.yaml' is a file/);
    expect(await h.head("main")).toBe(main);
  });

  it("deletes a folder's last file and the folder with it", async () => {
    const { sha } = await commit([{ action: "delete", path: "models/a.yaml" }]);
    expect(await h.snapshot(sha as string)).toEqual({ "run.sh": "echo hi\n" });
    expect(git(h.gitDir, ["ls-tree", "--name-only", sha as string]).trim()).toBe("run.sh");
  });

  it("treats deleting a missing file as no change", async () => {
    expect(await commit([{ action: "delete", path: "models/none.yaml" }])).toEqual({ sha: null });
  });

  it("keeps the executable bit of a file it updates", async () => {
    git(h.gitDir, ["update-ref", "refs/heads/exec", main]);
    const tree = git(h.gitDir, ["ls-tree", main]).replace(/100644 (blob \w+\trun\.sh)/, "100755 $1");
    const newTree = git(h.gitDir, ["mktree"], tree).trim();
    const execHead = git(h.gitDir, ["commit-tree", newTree, "-p", main, "-m", "chmod"]).trim();
    git(h.gitDir, ["update-ref", "refs/heads/exec", execHead]);
    const { sha } = await commit([{ action: "upsert", path: "run.sh", content: "echo bye\n" }], execHead, "exec");
    expect(git(h.gitDir, ["ls-tree", sha as string, "run.sh"])).toMatch(/^100755 /);
  });

  it("fails with BranchMovedError when the branch does not exist and createBranch is not set", async () => {
    const error = await commit([{ action: "upsert", path: "x.yaml", content: "x" }], main, "nope").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BranchMovedError);
    expect((error as BranchMovedError).actual).toBeNull();
  });

  it("lets exactly one of two concurrent commits on the same head win", async () => {
    const results = await Promise.allSettled([
      commit([{ action: "upsert", path: "models/one.yaml", content: "name: one\n" }]),
      commit([{ action: "upsert", path: "models/two.yaml", content: "name: two\n" }]),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(BranchMovedError);
    const head = await h.head("main");
    expect(won[0]?.status === "fulfilled" && won[0].value.sha).toBe(head);
    expect(Object.keys(await h.snapshot(head as string)).filter((p) => p.startsWith("models/"))).toHaveLength(2);
  });

  it("lists a rename under the path as renamed, with its old path", async () => {
    const { sha } = await commit([
      { action: "delete", path: "models/a.yaml" },
      { action: "upsert", path: "models/renamed.yaml", content: "name: a\n" },
    ]);
    expect(await h.provider.changedFiles(h.repo, main, sha as string, "models")).toEqual([
      { path: "models/renamed.yaml", status: "renamed", previousPath: "models/a.yaml" },
    ]);
  });

  it("reports a missing commit as not found", async () => {
    const error = await h.provider.readFiles(h.repo, "f".repeat(40), "").catch((e: unknown) => e);
    expect(codeOf(error)).toBe("not_found");
  });

  it("refuses to create a branch that exists", async () => {
    await h.provider.createBranch(h.repo, "b1", main);
    const error = await h.provider.createBranch(h.repo, "b1", main).catch((e: unknown) => e);
    expect(codeOf(error)).toBe("conflict");
  });
});

describe("local provider: webhook deliveries", () => {
  let h: LocalHarness;
  let main: string;

  beforeEach(async () => {
    h = await createLocalHarness();
    main = await h.seed({ "a.yaml": "a: 1\n" });
  });
  afterEach(() => h.cleanup());

  function delivery(update: { before: string; after: string; ref: string }, headers: Record<string, string> = {}): WebhookRequest {
    const rawBody = Buffer.from(JSON.stringify({ repository: "tenant-a", updates: [update] }));
    const signature = `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(rawBody).digest("hex")}`;
    return { headers: { "X-Gitsync-Signature": signature, "X-Gitsync-Delivery": "d-1", ...headers }, rawBody };
  }

  it("ignores tags and branch deletions", async () => {
    expect(await h.provider.parseWebhook(delivery({ before: ZERO, after: main, ref: "refs/tags/v1" }))).toBeNull();
    expect(await h.provider.parseWebhook(delivery({ before: main, after: ZERO, ref: "refs/heads/main" }))).toBeNull();
  });

  it("marks a push that rewrote history as forced", async () => {
    const other = git(h.gitDir, ["commit-tree", `${main}^{tree}`, "-m", "unrelated"]).trim();
    const event = await h.provider.parseWebhook(delivery({ before: main, after: other, ref: "refs/heads/main" }));
    expect(event).toMatchObject({ kind: "push", forced: true, deliveryId: "d-1", pusher: { name: "Seed", email: "seed@example.com" }, changedPaths: null });
  });

  it("rejects a body changed after signing, and a missing signature", async () => {
    const signed = delivery({ before: ZERO, after: main, ref: "refs/heads/main" });
    const tampered = { ...signed, rawBody: Buffer.from(signed.rawBody.toString().replace("tenant-a", "tenant-b")) };
    expect(codeOf(await h.provider.parseWebhook(tampered).catch((e: unknown) => e))).toBe("bad_signature");
    const unsigned = { headers: {}, rawBody: signed.rawBody };
    expect(codeOf(await h.provider.parseWebhook(unsigned).catch((e: unknown) => e))).toBe("bad_signature");
  });

  it("never creates a repository for a delivery naming an unknown one", async () => {
    const rawBody = Buffer.from(JSON.stringify({ repository: "ghost", updates: [{ before: ZERO, after: main, ref: "refs/heads/main" }] }));
    const signature = `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(rawBody).digest("hex")}`;
    const error = await h.provider.parseWebhook({ headers: { "x-gitsync-signature": signature, "x-gitsync-delivery": "d" }, rawBody }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe("not_found");
    expect(existsSync(h.provider.repositoryPath("ghost"))).toBe(false);
  });

  it("refuses webhooks when no shared secret is configured", async () => {
    const root = await mkdtemp(join(tmpdir(), "gitsync-nohook-"));
    try {
      const provider = new LocalProvider({ root, reviews: h.reviews });
      const error = await provider.parseWebhook(delivery({ before: ZERO, after: main, ref: "refs/heads/main" })).catch((e: unknown) => e);
      expect(codeOf(error)).toBe("config_error");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
