import { describe, expect, it } from "vitest";
import type { JsonObject, OutboxEntry, Resource } from "../../src/core/index.js";
import { findConflicts } from "../../src/sync/conflicts.js";
import { computePlan, type IncomingResource } from "../../src/sync/plan.js";
import { compareWithCheck, digestPlan } from "../../src/sync/plan-fingerprint.js";

const resource = (name: string, body: JsonObject, archived = false): Resource =>
  ({ kind: "model", name, body, project: null, archived, version: 1, updatedBy: "ada", updatedAt: "2026-01-01T00:00:00Z" });
const incoming = (name: string, body: JsonObject): IncomingResource => ({ kind: "model", name, body, project: null });
const outbox = (id: number, name: string): OutboxEntry => ({ id, name, kind: "model" }) as unknown as OutboxEntry;

const current = [resource("a", { key: "id" }), resource("b", { key: "id" })];
const plan = (bodies: Record<string, JsonObject>, deleted: string[] = []) =>
  computePlan({
    current,
    incoming: Object.entries(bodies).map(([n, b]) => incoming(n, b)),
    deleted: deleted.map((name) => ({ kind: "model", name })),
    deletions: "archive",
  });

describe("plan fingerprints", () => {
  it("is the same for the same plan, whatever the order it was listed in", () => {
    const one = digestPlan(plan({ a: { key: "x" }, c: { key: "id" } }));
    const two = digestPlan(plan({ c: { key: "id" }, a: { key: "x" } }));
    expect(one).toEqual(two);
    expect(one.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(one.items.map((l) => l.replace(/ #[0-9a-f]{12}$/, ""))).toEqual(["create model/c", "update model/a (key)"]);
  });

  it("differs when only a body differs, or a conflict is added", () => {
    const base = digestPlan(plan({ a: { key: "x" } }));
    expect(digestPlan(plan({ a: { key: "y" } })).fingerprint).not.toBe(base.fingerprint);
    expect(digestPlan(plan({ a: { key: "x" } }), ["model/b"]).fingerprint).not.toBe(base.fingerprint);
  });

  it("says the applied plan equals the checked one, or names each line that differs", () => {
    const checked = digestPlan(plan({ a: { key: "x" } }, ["b"]));
    const record = { pullRequest: 7, headSha: "0123456789abcdef0123", updatedAt: "", ...checked };
    expect(compareWithCheck(record, checked)).toBe(
      `applied plan equals the one checked on pull request #7 at 0123456789ab (plan ${checked.fingerprint.slice(0, 12)})`,
    );
    const applied = digestPlan(plan({ a: { key: "x" }, c: { key: "id" } }));
    const note = compareWithCheck(record, applied);
    expect(note).toMatch(/^applied plan differs from the one checked on pull request #7 at 0123456789ab \(checked [0-9a-f]{12}, applied [0-9a-f]{12}\)/);
    expect(note).toContain("checked but not applied: archive model/b");
    expect(note).toMatch(/applied but not checked: create model\/c #[0-9a-f]{12}$/);
  });
});

describe("conflicts found while planning", () => {
  it("takes out what the app changed differently, keeps what both sides agree on, touches nothing", () => {
    const app = [resource("a", { key: "app" }), resource("b", { key: "same" })];
    const full = computePlan({ current: app, incoming: [incoming("a", { key: "git" }), incoming("b", { key: "same" }), incoming("c", {})], deleted: [], deletions: "archive" });
    const { plan: safe, conflicts } = findConflicts(full, app, [outbox(1, "a"), outbox(2, "a"), outbox(3, "b")]);
    expect(safe.items.map((i) => `${i.action} ${i.name}`)).toEqual(["create c"]);
    expect(safe.counts.create).toBe(1);
    expect(conflicts.map((c) => [c.item.name, c.app?.body, c.outboxIds])).toEqual([["a", { key: "app" }, [1, 2]]]);
  });

  it("leaves a plan alone when nothing waits in the outbox", () => {
    const full = plan({ a: { key: "x" } });
    expect(findConflicts(full, current, [])).toEqual({ plan: full, conflicts: [] });
  });
});
