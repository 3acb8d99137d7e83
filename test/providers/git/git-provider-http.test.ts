import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BranchMovedError } from "../../../src/core/index.js";
import { GitRemoteProvider } from "../../../src/providers/git/index.js";
import type { RemoteCredential } from "../../../src/providers/git/index.js";
import { headOf, pushFiles, startHttpGitServer, type HttpGitServer } from "./git-servers.js";

const ada = { name: "Ada", email: "ada@example.com" };
let server: HttpGitServer;
let data: string;

beforeAll(async () => {
  server = await startHttpGitServer("gitsync", "s3cret-token");
  data = await mkdtemp(join(tmpdir(), "gitsync-git-provider-"));
});
afterAll(async () => {
  await server.close();
  await rm(data, { recursive: true, force: true });
});

function provider(name: string, credential: RemoteCredential = { kind: "token", username: "gitsync", token: "s3cret-token" }) {
  return new GitRemoteProvider({
    url: server.url(name),
    mirror: join(data, "mirrors", `${name}-${Math.random().toString(36).slice(2)}.git`),
    credential: async () => credential,
    compareUrlTemplate: "https://git.example.com/{repository}/compare/{base}...{head}",
  });
}

const commit = (p: GitRemoteProvider, url: string, expectedHead: string, content: string) =>
  p.commit({
    repository: url,
    branch: "main",
    expectedHead,
    message: "gitsync: test",
    author: ada,
    committer: ada,
    changes: [{ action: "upsert", path: "models/orders.yaml", content }],
  });

describe("git provider over smart HTTP with basic auth", () => {
  it("makes the first commit of an empty repository and reads it back", async () => {
    const bare = server.create("empty");
    const p = provider("empty");
    const repo = { repository: server.url("empty") };
    expect(await p.resolveRef(repo, "main")).toBeNull();
    const { sha } = await commit(p, repo.repository, "", "name: orders\n");
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(headOf(bare, "main")).toBe(sha);
    const files = await p.readFiles(repo, sha!, "");
    expect(files.map((f) => [f.path, Buffer.from(f.content).toString()])).toEqual([["models/orders.yaml", "name: orders\n"]]);
    // The credentials never reach the mirror's config.
    const { readFile } = await import("node:fs/promises");
    const config = await readFile(join(p.mirror.gitDir, "config"), "utf8");
    expect(config).not.toContain("s3cret-token");
    expect(config).not.toContain(Buffer.from("gitsync:s3cret-token").toString("base64"));
  });

  it("refuses to overwrite a branch that moved and lands on top after re-reading", async () => {
    const bare = server.create("moved");
    const p = provider("moved");
    const url = server.url("moved");
    const first = (await commit(p, url, "", "name: orders\n")).sha!;
    const theirs = await pushFiles(bare, "main", { "README.md": "someone else\n" });
    await expect(commit(p, url, first, "name: orders\nrawSql: x\n")).rejects.toBeInstanceOf(BranchMovedError);
    expect(headOf(bare, "main")).toBe(theirs);
    const head = await p.resolveRef({ repository: url }, "main");
    expect(head).toBe(theirs);
    const { sha } = await commit(p, url, head!, "name: orders\nrawSql: x\n");
    expect(await p.isAncestor({ repository: url }, theirs, sha!)).toBe(true);
    expect(headOf(bare, "main")).toBe(sha);
  });

  it("keeps a commit pushed between its fetch and its push (the lease)", async () => {
    const bare = server.create("lease");
    const p = provider("lease");
    const url = server.url("lease");
    const first = (await commit(p, url, "", "a: 1\n")).sha!;
    const theirs = await pushFiles(bare, "main", { "x.txt": "x\n" });
    // The mirror still believes `first` is the head: a push under that lease must be refused.
    expect(await p.mirror.push("main", first, first)).toBe("rejected");
    expect(headOf(bare, "main")).toBe(theirs);
  });

  it("says clearly when the token is wrong, without showing it", async () => {
    server.create("denied");
    const p = provider("denied", { kind: "token", username: "gitsync", token: "wrong-token" });
    const error = (await p.resolveRef({ repository: server.url("denied") }, "main").then(() => null, (e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/refused the credentials \(HTTP 401\)/);
    expect(error.message).not.toContain("wrong-token");
  });

  it("never follows a redirect that would carry the credentials to another server", async () => {
    const seen: (string | undefined)[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const target = `http://localhost:${(other.address() as AddressInfo).port}`;
    const redirecting = createServer((req, res) => res.writeHead(302, { location: `${target}${req.url ?? "/"}` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    try {
      const p = new GitRemoteProvider({
        url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/config.git`,
        mirror: join(data, "mirrors", "redirect.git"),
        credential: async () => ({ kind: "token", username: "gitsync", token: "s3cret-token" }),
        compareUrlTemplate: null,
      });
      await expect(p.resolveRef({ repository: "x" }, "main")).rejects.toThrow();
      expect(seen).toEqual([]);
    } finally {
      redirecting.close();
      other.close();
    }
  });

  it("pushes a branch and links it with the compare template", async () => {
    const bare = server.create("branches");
    const p = provider("branches");
    const url = server.url("branches");
    const first = (await commit(p, url, "", "a: 1\n")).sha!;
    await p.createBranch({ repository: url }, "demo/2026.01.01.1", first);
    expect(headOf(bare, "demo/2026.01.01.1")).toBe(first);
    await expect(p.createBranch({ repository: url }, "demo/2026.01.01.1", first)).rejects.toThrow(/already exists/);
    expect(p.compareUrl({ repository: url }, "main", "demo/2026.01.01.1")).toBe(
      "https://git.example.com/branches/compare/main...demo/2026.01.01.1",
    );
    expect(p.capabilities.pullRequests).toBe(false);
  });
});
