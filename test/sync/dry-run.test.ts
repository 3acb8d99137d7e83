import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ada, apiEdit, bob, leads, makeTempDir, orders, recordEdit, yamlOf } from "../helpers/sync-world.js";
import { commitFiles, runGit } from "../helpers/working-copy.js";
import { localPushEvent, makeLocalWorld, setUpLocalTenant, type LocalWorld } from "../helpers/local-world.js";

/**
 * The check is exactly what merging does, on the local provider with real repositories: a PR
 * names only its own changes, conflicts with unsynced app changes are in the plan, the merge's
 * sync log compares its plan with the check's, and a deliberately reset branch is followed.
 */

type World = LocalWorld & { work: string };

const git = (cwd: string, args: string[]): string => runGit(cwd, args, bob);

async function makeWorld(dir: string): Promise<World> {
  const local = await makeLocalWorld(dir);
  await setUpLocalTenant(local, "acme");
  // The branch's first commit comes from the app, then Bob works in a clone.
  const w: World = { ...local, work: join(dir, "work") };
  await apiEdit(w, "acme", "model", orders, ada);
  await w.service.idle();
  git(dir, ["clone", "-q", w.gitDir("acme"), w.work]);
  return w;
}

const pushEvent = (before: string, after: string, forced = false) => localPushEvent("acme", before, after, { forced });

/** Bob pushes `branch` from his clone; a push to main is handed to the engine like the hook would. */
async function push(w: World, branch: string, files: Record<string, string>, message: string, force = false): Promise<string> {
  const before = branch === "main" ? git(w.work, ["rev-parse", "origin/main"]) : "";
  if (Object.keys(files).length > 0) await commitFiles(w.work, files, message, bob);
  git(w.work, ["push", "-q", ...(force ? ["-f"] : []), "origin", `HEAD:${branch}`]);
  const after = git(w.work, ["rev-parse", "HEAD"]);
  if (branch === "main") await w.service.handleEvent(pushEvent(before, after, force));
  return after;
}

async function openPull(w: World, head: string) {
  const info = await w.provider.openPullRequest({ repository: "acme", head, base: "main", title: head, body: "" });
  const outcome = await w.service.checks.evaluate("acme", { number: info.number, headSha: info.headSha, base: "main", baseSha: null });
  return { info, outcome };
}

const lateModel = { ...orders, name: "late", tableName: "public.late" };

describe("the check is exactly what merging does (local)", () => {
  let dir: string;
  let w: World;

  beforeEach(async () => {
    dir = await makeTempDir("dry-run");
    w = await makeWorld(dir);
  });
  afterEach(async () => {
    await w.service.stop();
    await w.store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("plans only a behind branch's own changes, and its merge applies exactly that plan", async () => {
    git(w.work, ["checkout", "-qb", "feature"]);
    await push(w, "feature", { "models/leads.yaml": yamlOf(w, "model", leads) }, "Add leads");
    git(w.work, ["checkout", "-q", "main"]);
    await push(w, "main", { "models/late.yaml": yamlOf(w, "model", lateModel) }, "Add late on main");
    expect(await w.store.getResource("acme", "model", "late")).not.toBeNull();

    const { info, outcome } = await openPull(w, "feature");
    expect(outcome.conclusion).toBe("success");
    expect(outcome.plan?.items.map((i) => `${i.action} ${i.kind}/${i.name}`)).toEqual(["create model/leads"]);
    expect(outcome.summary).not.toContain("late");

    await w.provider.mergePullRequest("acme", info.number, ada);
    expect(await w.store.getResource("acme", "model", "late")).toMatchObject({ archived: false });
    expect(await w.store.getResource("acme", "model", "leads")).not.toBeNull();
    const [merge] = await w.store.listSyncLog("acme", { limit: 1 });
    expect(merge).toMatchObject({ direction: "INBOUND", status: "done", resources: ["model/leads"] });
    expect(merge?.note).toContain(`applied plan equals the one checked on pull request #${info.number}`);
    expect(merge?.note).toContain(outcome.fingerprint?.slice(0, 12));
    expect(await w.store.listCheckedPlans("acme")).toEqual([]);
  });

  it("names the differences when the merge's plan is not the one checked", async () => {
    git(w.work, ["checkout", "-qb", "key"]);
    await push(w, "key", { "models/orders.yaml": yamlOf(w, "model", { ...orders, primaryKey: "id" }) }, "Change the key");
    const { info } = await openPull(w, "key");
    // Main changes another field of the same model after the check ran.
    git(w.work, ["checkout", "-q", "main"]);
    await push(w, "main", { "models/orders.yaml": yamlOf(w, "model", { ...orders, tableName: "public.orders_v2" }) }, "Move the table");

    await w.provider.mergePullRequest("acme", info.number, ada);
    const [merge] = await w.store.listSyncLog("acme", { limit: 1 });
    expect(merge?.note).toMatch(/applied plan differs from the one checked on pull request #1/);
    expect(merge?.note).toMatch(/checked but not applied: update model\/orders \(primaryKey\) #[0-9a-f]{12}/);
    expect(merge?.note).toMatch(/applied but not checked: update model\/orders \(primaryKey\) #[0-9a-f]{12}/);
  });

  it("names a conflict with an unsynced app change in the check; the merge keeps it and its conflict PR is checked", async () => {
    git(w.work, ["checkout", "-qb", "git-side"]);
    await push(w, "git-side", { "models/orders.yaml": yamlOf(w, "model", { ...orders, primaryKey: "git_key" }) }, "git side");
    await recordEdit(w, "acme", "model", { ...orders, primaryKey: "app_key" }, ada);

    const { info, outcome } = await openPull(w, "git-side");
    expect(outcome.summary).toContain("#### Conflicts with unsynced app changes");
    expect(outcome.summary).toContain("- `model/orders`");
    expect(outcome.plan?.items).toEqual([]);

    await w.provider.mergePullRequest("acme", info.number, ada);
    expect((await w.store.getResource("acme", "model", "orders"))?.body.primaryKey).toBe("app_key");
    const [conflictPull] = await w.store.listLocalPulls("acme", "open");
    expect(conflictPull?.head).toBe("gitsync/conflict/acme/1");
    const checks = await w.store.listLocalChecks("acme", conflictPull!.headSha);
    expect(checks).toMatchObject([{ name: "gitsync", status: "completed", conclusion: "success" }]);
    const [, merge] = await w.store.listSyncLog("acme", { limit: 2 });
    expect(merge).toMatchObject({ direction: "INBOUND", status: "conflict" });
    expect(merge?.note).toContain("applied plan equals the one checked");
  });

  it("follows a branch reset to an older commit, and still ignores a late delivery of an old one", async () => {
    const c2 = git(w.work, ["rev-parse", "HEAD"]);
    const c3 = await push(w, "main", { "models/late.yaml": yamlOf(w, "model", lateModel) }, "Add late");
    expect(await w.store.getResource("acme", "model", "late")).toMatchObject({ archived: false });

    // A late delivery of the older push while main is at C3: never a roll back.
    const [late] = await w.service.handleEvent(pushEvent(c2, c2));
    expect(late?.outcome).toMatchObject({ status: "noop" });
    expect(await w.store.getSyncState("acme")).toMatchObject({ lastAppliedSha: c3 });

    git(w.work, ["push", "-q", "-f", "origin", `${c2}:main`]);
    const [reset] = await w.service.handleEvent(pushEvent(c3, c2, true));
    expect(reset?.outcome).toMatchObject({ status: "applied" });
    expect(await w.store.getResource("acme", "model", "late")).toMatchObject({ archived: true });
    expect(await w.store.getSyncState("acme")).toMatchObject({ lastAppliedSha: c2 });
    const [entry] = await w.store.listSyncLog("acme", { limit: 1 });
    expect(entry).toMatchObject({ direction: "INBOUND", status: "done", resources: ["model/late"] });
    expect(entry?.note).toBe(`branch main was reset from ${c3.slice(0, 12)} back to ${c2.slice(0, 12)}: the tenant follows it`);
  });

  it("checks the snapshot pull request it opens", async () => {
    const conn = await w.store.getGitConnection("acme");
    await w.store.putGitConnection("acme", { ...conn, outbound: "pull-request" });
    await recordEdit(w, "acme", "model", leads, ada);
    await w.service.snapshots.start("acme", ada);
    await w.service.idle();
    const [pull] = await w.store.listLocalPulls("acme", "open");
    const [check] = await w.store.listLocalChecks("acme", pull!.headSha);
    expect(check).toMatchObject({ name: "gitsync", status: "completed", conclusion: "success" });
  });
});
