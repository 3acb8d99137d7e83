import { describe, expect, it } from "vitest";
import type { Resource } from "../../src/core/index.js";
import { computePlan, groupByProject } from "../../src/sync/plan.js";
import { renderPlanMarkdown, truncateMarkdown } from "../../src/sync/plan-markdown.js";

const resource = (kind: string, name: string, body: Resource["body"], extra: Partial<Resource> = {}): Resource => ({
  kind,
  name,
  body,
  version: 1,
  project: (body.project as string | undefined) ?? null,
  archived: false,
  updatedBy: "ada@example.com",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...extra,
});

describe("computePlan", () => {
  const current = [
    resource("model", "orders", { name: "orders", type: "table", tableName: "orders", project: "sales" }),
    resource("model", "users", { name: "users", type: "table", tableName: "users" }),
    resource("sync", "orders-to-crm", { model: "orders", schedule: { type: "interval", every: "15m" } }),
    resource("model", "old", { name: "old", type: "table", tableName: "old" }, { archived: true }),
  ];

  it("lists creates, updates with changed field paths, restores and leaves unchanged resources out", () => {
    const plan = computePlan({
      current,
      incoming: [
        { kind: "model", name: "orders", body: { name: "orders", type: "table", tableName: "orders", project: "sales" }, project: "sales" },
        { kind: "sync", name: "orders-to-crm", body: { model: "orders", schedule: { type: "interval", every: "30m" } }, project: null },
        { kind: "model", name: "leads", body: { name: "leads", type: "table", tableName: "leads", project: "sales" }, project: "sales" },
        { kind: "model", name: "old", body: { name: "old", type: "table", tableName: "old" }, project: null },
      ],
      deleted: [],
      deletions: "archive",
    });
    expect(plan.items.map((i) => [i.action, i.kind, i.name, i.fields ?? null, i.restored ?? false])).toEqual([
      ["create", "model", "leads", null, false],
      ["create", "model", "old", null, true],
      ["update", "sync", "orders-to-crm", ["schedule.every"], false],
    ]);
    expect(plan.counts).toEqual({ create: 2, update: 1, delete: 0, archive: 0, keep: 0 });
  });

  it.each([
    ["archive", "archive"],
    ["delete", "delete"],
    ["keep", "keep"],
  ] as const)("applies the %s deletion policy and ignores resources already gone", (policy, action) => {
    const plan = computePlan({
      current,
      incoming: [],
      deleted: [
        { kind: "model", name: "users" },
        { kind: "model", name: "old" },
        { kind: "model", name: "never-existed" },
      ],
      deletions: policy,
    });
    expect(plan.items).toEqual([{ action, kind: "model", name: "users", project: null }]);
  });

  it("names array positions in field paths", () => {
    const before = resource("job", "nightly", { tasks: [{ name: "a", tables: [] }] });
    const plan = computePlan({
      current: [before],
      incoming: [{ kind: "job", name: "nightly", body: { tasks: [{ name: "a", tables: [{ name: "t" }] }] }, project: null }],
      deleted: [],
      deletions: "archive",
    });
    expect(plan.items[0]?.fields).toEqual(["tasks[0].tables[0]"]);
  });
});

describe("plan Markdown", () => {
  it("groups by project with resources without a project last", () => {
    const plan = computePlan({
      current: [],
      incoming: [
        { kind: "model", name: "b", body: {}, project: null },
        { kind: "model", name: "a", body: {}, project: "sales" },
      ],
      deleted: [],
      deletions: "archive",
    });
    expect(groupByProject(plan).map((g) => g.project)).toEqual(["sales", null]);
    const text = renderPlanMarkdown(plan);
    expect(text).toContain("**Plan:** 2 to create, 0 to update, 0 to delete or archive.");
    expect(text.indexOf("Project `sales`")).toBeLessThan(text.indexOf("No project"));
    expect(text).toContain("| create | model | `a` |  |");
  });

  it("cuts at a line boundary with a visible note and never exceeds the limit", () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join("\n");
    const cut = truncateMarkdown(text, 500);
    expect(cut.length).toBeLessThanOrEqual(500);
    expect(cut).toMatch(/truncated/);
    expect(cut.split("\n")[0]).toBe("line 0");
    expect(truncateMarkdown("short", 500)).toBe("short");
  });
});
