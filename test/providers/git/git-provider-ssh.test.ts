import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitRemoteProvider, fingerprintOf, testRemote } from "../../../src/providers/git/index.js";
import { headOf } from "./git-servers.js";
import { sshdMissing, startSshGitServer, type SshGitServer } from "./sshd.js";

const missing = sshdMissing();
if (missing) console.log(missing);
const ada = { name: "Ada", email: "ada@example.com" };
let server: SshGitServer;
let data: string;

function provider(name: string, key: string, hostKey: string | null) {
  return new GitRemoteProvider({
    url: server.url(name),
    mirror: join(data, `${name}-${Math.random().toString(36).slice(2)}.git`),
    credential: async () => ({ kind: "ssh-key", privateKey: key, hostKey }),
    compareUrlTemplate: null,
  });
}

const firstCommit = (p: GitRemoteProvider, name: string) =>
  p.commit({
    repository: server.url(name),
    branch: "main",
    expectedHead: "",
    message: "gitsync: first",
    author: ada,
    committer: ada,
    changes: [{ action: "upsert", path: "models/a.yaml", content: "name: a\n" }],
  });

describe.skipIf(missing !== null)("git provider over SSH against a real sshd", () => {
  beforeAll(async () => {
    server = await startSshGitServer();
    data = await mkdtemp(join(tmpdir(), "gitsync-sshprov-"));
  });
  afterAll(async () => {
    await server?.close();
    await rm(data, { recursive: true, force: true });
  });

  it("shows the host key to accept first and connects to nothing until it is accepted", async () => {
    server.create("pin");
    const p = provider("pin", server.clientKey, null);
    const steps = await testRemote(p, "main", null);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ check: "host key", ok: false, hostKey: { key: server.hostKey } });
    expect(steps[0]!.hostKey!.fingerprint).toBe(fingerprintOf(server.hostKey.split(" ")[1]!));
    // The fingerprint is OpenSSH's own.
    const keygen = spawnSync("ssh-keygen", ["-lf", "-"], { input: `${server.hostKey}\n` }).stdout.toString();
    expect(keygen).toContain(steps[0]!.hostKey!.fingerprint);
    await expect(p.resolveRef({ repository: server.url("pin") }, "main")).rejects.toThrow(/host key .* is not accepted yet/);
  });

  it("makes the first commit of an empty repository once the key is accepted, and removes the key file", async () => {
    const bare = server.create("first");
    const p = provider("first", server.clientKey, server.hostKey);
    const steps = await testRemote(p, "main", server.hostKey);
    expect(steps.map((s) => [s.check, s.ok])).toEqual([["host key", true], ["credentials", true], ["branch", true], ["push", true]]);
    const { sha } = await firstCommit(p, "first");
    expect(headOf(bare, "main")).toBe(sha);
    const left = (await readdir(tmpdir())).filter((f) => f.startsWith("gitsync-ssh-"));
    expect(left).toEqual([]);
  });

  it("refuses a changed host key with a clear error", async () => {
    server.create("changed");
    const impostor = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    const p = provider("changed", server.clientKey, impostor);
    const error = (await p.resolveRef({ repository: server.url("changed") }, "main").then(() => null, (e: unknown) => e)) as Error;
    expect(error.message).toMatch(/host key of \[127\.0\.0\.1\]:\d+ is not the accepted one: refused/);
    const steps = await testRemote(p, "main", impostor);
    expect(steps[0]).toMatchObject({ check: "host key", ok: false });
    expect(steps[0]!.message).toMatch(/changed: it now shows SHA256:/);
  });

  it("says clearly when the key is not authorized", async () => {
    server.create("stranger");
    const p = provider("stranger", server.strangerKey, server.hostKey);
    const error = (await p.resolveRef({ repository: server.url("stranger") }, "main").then(() => null, (e: unknown) => e)) as Error;
    expect(error.message).toMatch(/refused the SSH key/);
    expect(error.message).not.toContain("PRIVATE KEY");
  });
});
