import { describe, expect, it } from "vitest";
import type { SyncLogEntry } from "../../src/core/index.js";
import { buildHistory } from "../../src/sync/resource-history.js";
import { diffTexts } from "../../src/sync/file-diff.js";

const entry = (id: number, fields: Partial<SyncLogEntry>): SyncLogEntry => ({
  id,
  tenant: "acme",
  direction: "OUTBOUND",
  status: "done",
  commitSha: null,
  branch: "main",
  prUrl: null,
  author: "Ada",
  files: [],
  resources: [],
  error: null,
  diagnostics: [],
  diagnosticCount: 0,
  note: null,
  createdAt: `2026-01-0${id}T10:00:00.000Z`,
  updatedAt: `2026-01-0${id}T10:00:00.000Z`,
  ...fields,
});
const sha = (c: string) => c.repeat(40);
const pat = { name: "Pat", email: "pat@example.com" };

describe("a resource's history", () => {
  it("keeps only the entries naming it, adds commits no entry recorded, newest first", () => {
    const items = buildHistory({
      label: "model/orders",
      pending: null,
      log: [
        entry(3, { direction: "INBOUND", commitSha: sha("c"), resources: ["model/orders"], author: "Pat" }),
        entry(2, { commitSha: sha("b"), resources: ["model/leads"] }),
        entry(1, { commitSha: sha("a"), resources: ["model/orders", "model/leads"] }),
      ],
      commits: [
        { sha: sha("c"), author: pat, date: "2026-01-03T09:59:00Z", subject: "Key orders" },
        { sha: sha("d"), author: pat, date: "2026-01-02T12:00:00Z", subject: "On a branch, merged later" },
        { sha: sha("a"), author: pat, date: "2026-01-01T09:00:00Z", subject: "First" },
      ],
    });
    expect(items.map((i) => [i.direction, i.commitSha?.[0], i.subject])).toEqual([
      ["INBOUND", "c", "Key orders"],
      ["git", "d", "On a branch, merged later"],
      ["OUTBOUND", "a", "First"],
    ]);
  });

  it("puts an unsynced app change first, with who made it", () => {
    const items = buildHistory({ label: "model/orders", pending: { author: "Ada", at: "2026-01-09T00:00:00Z" }, log: [], commits: [] });
    expect(items).toEqual([expect.objectContaining({ direction: "app", author: "Ada", commitSha: null })]);
  });
});

describe("diffTexts", () => {
  it("gives unified-diff hunks with context", () => {
    const [hunk] = diffTexts("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n");
    expect(hunk).toEqual({ oldStart: 2, oldLines: 7, newStart: 2, newLines: 7, lines: [" b", " c", " d", "-e", "+E", " f", " g", " h"] });
  });
});
