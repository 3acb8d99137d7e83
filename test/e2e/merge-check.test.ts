import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/**
 * The check is exactly what merging does, against the built server with real `git push`es to
 * the demo tenant's repository: a behind branch's pull request plans only its own changes and
 * its merge applies that plan; a failing or stale pull request is refused with its reasons; a
 * force-push back to an older commit is followed and the log says so.
 */

const PERSON = { GIT_AUTHOR_NAME: "Bob", GIT_AUTHOR_EMAIL: "bob@example.com", GIT_COMMITTER_NAME: "Bob", GIT_COMMITTER_EMAIL: "bob@example.com" };

function model(name: string, table: string): string {
  return `name: ${name}\nsource: warehouse\ntype: table\ndbtModel: null\ntableName: ${table}\nisSchema: false\nprimaryKey: id\n`;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("merging does what the check said (built server, real git)", { timeout: 60_000 }, () => {
  let server: BuiltServer;
  let work: string;
  let bare: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: work, env: { ...process.env, ...PERSON } }).toString("utf8").trim();
  const api = (method: string, path: string, body?: unknown) => callBuilt(server, method, `/api/v1/tenants/demo${path}`, body === undefined ? {} : { body });
  const resource = async (name: string) => (await api("GET", `/resources/models/${name}`)).status;
  async function commitFile(path: string, text: string, message: string): Promise<string> {
    await writeFile(join(work, path), text);
    git("add", "-A");
    git("commit", "-qm", message);
    return git("rev-parse", "HEAD");
  }

  beforeAll(async () => {
    server = await serveBuilt();
    bare = join(server.dataDir, "repos", "demo.git");
    // The demo tenant's first commit is its first outbound sync, just after start.
    await until("the demo tenant's first commit", async () => {
      try {
        return execFileSync("git", ["--git-dir", bare, "rev-parse", "--verify", "-q", "refs/heads/main"], { stdio: "pipe" }).length > 0;
      } catch {
        return false;
      }
    });
    work = await mkdtemp(join(tmpdir(), "gitsync-e2e-work-"));
    execFileSync("git", ["clone", "-q", bare, work]);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("plans only a behind branch's own changes, and its merge applies exactly that", async () => {
    git("checkout", "-qb", "feature");
    await commitFile("models/leads.yaml", model("leads", "crm.leads"), "Add leads");
    git("push", "-q", "origin", "feature");
    git("checkout", "-q", "main");
    await commitFile("models/late.yaml", model("late", "public.late"), "Add late on main");
    git("push", "-q", "origin", "main");
    await until("the push to main to be applied", async () => (await resource("late")) === 200);

    const opened = await api("POST", "/pulls", { head: "feature" });
    expect(opened.status).toBe(201);
    const n = opened.body.pull.number as number;
    const detail = await api("GET", `/pulls/${n}`);
    const [check] = detail.body.checks;
    expect(check).toMatchObject({ name: "gitsync", status: "completed", conclusion: "success" });
    expect(check.summary).toContain("| create | model | `leads` |");
    expect(check.summary).not.toContain("late");
    expect(detail.body.merge).toEqual({ allowed: true, reasons: [] });

    expect((await api("POST", `/pulls/${n}/merge`)).status).toBe(200);
    await until("the merge to be applied", async () => (await resource("leads")) === 200);
    expect(await resource("late")).toBe(200);
    const log = await api("GET", "/log?limit=5");
    const merge = (log.body.items as { note: string | null; resources: string[] }[]).find((e) => e.note?.includes("checked on pull request"));
    expect(merge?.resources).toEqual(["model/leads"]);
    expect(merge?.note).toContain(`applied plan equals the one checked on pull request #${n}`);
  });

  it("refuses to merge a pull request whose check failed, with the reasons", async () => {
    git("checkout", "-qb", "broken", "main");
    git("pull", "-q", "origin", "main");
    await commitFile("models/broken.yaml", "name: broken\ntype: table\n", "Broken model");
    git("push", "-q", "origin", "broken");
    const opened = await api("POST", "/pulls", { head: "broken" });
    const n = opened.body.pull.number as number;
    expect((await api("GET", `/pulls/${n}`)).body.checks[0].conclusion).toBe("failure");

    const refused = await api("POST", `/pulls/${n}/merge`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("conflict");
    expect(refused.body.error.details.reasons).toEqual([expect.stringMatching(/^the check gitsync failed: \d+ error\(s\) in the configuration/)]);
    expect((await api("GET", `/pulls/${n}`)).body.merge.allowed).toBe(false);
    expect(await resource("broken")).toBe(404);
  });

  it("refuses to merge a pull request whose head moved after its check (stale)", async () => {
    git("checkout", "-qb", "stale", "main");
    await commitFile("models/stale.yaml", model("stale", "public.stale"), "Stale model");
    git("push", "-q", "origin", "stale");
    const n = (await api("POST", "/pulls", { head: "stale" })).body.pull.number as number;
    // The head branch moves without a push the server hears of (no hook runs for update-ref).
    const moved = await commitFile("models/stale.yaml", model("stale", "public.stale_v2"), "Move on");
    git("push", "-q", "origin", "HEAD:refs/heads/elsewhere");
    execFileSync("git", ["--git-dir", bare, "update-ref", "refs/heads/stale", moved]);

    const refused = await api("POST", `/pulls/${n}/merge`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.reasons).toEqual([expect.stringContaining("the check is stale: stale moved to")]);
    expect(await resource("stale")).toBe(404);
  });

  it("follows a force-push back to an older commit, and the log says so", async () => {
    git("checkout", "-q", "main");
    git("pull", "-q", "origin", "main");
    const c2 = git("rev-parse", "HEAD");
    await commitFile("models/reset-me.yaml", model("reset-me", "public.reset_me"), "Add reset-me");
    const c3 = git("rev-parse", "HEAD");
    git("push", "-q", "origin", "main");
    await until("reset-me to be applied", async () => (await resource("reset-me")) === 200);

    git("push", "-q", "-f", "origin", `${c2}:main`);
    await until("the reset to be followed", async () => (await resource("reset-me")) === 404);
    const log = await api("GET", "/log?limit=3");
    const [entry] = log.body.items;
    expect(entry).toMatchObject({ direction: "INBOUND", status: "done", commitSha: c2, resources: ["model/reset-me"] });
    expect(entry.note).toBe(`branch main was reset from ${c3.slice(0, 12)} back to ${c2.slice(0, 12)}: the tenant follows it`);
  });
});
