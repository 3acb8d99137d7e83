import { describe, expect, it } from "vitest";
import { renderPlanMarkdown } from "../../src/sync/plan-markdown.js";
import { computePlan } from "../../src/sync/plan.js";

/** The UI's Markdown renderer and diff helpers, as the pages use them. */

type Hunk = { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] };
type Line = { sign: string; text: string; old: number | null; new: number | null };
// The browser modules are plain JavaScript checked by their own project; typed here by hand.
const web = (path: string): Promise<unknown> => import(new URL(`../../src/web/${path}`, import.meta.url).href);
const { renderMarkdown, withoutMarker } = (await web("markdown.js")) as { renderMarkdown(text: string): string; withoutMarker(text: string): string };
const { hunksOf, numberLines } = (await web("diff.js")) as { hunksOf(a: string, b: string): Hunk[]; numberLines(h: Hunk): Line[] };

describe("the UI's Markdown renderer", () => {
  it("renders a plan as a table, with no raw Markdown left", () => {
    const plan = computePlan({
      current: [],
      incoming: [{ kind: "model", name: "orders", body: { name: "orders" }, project: "sales" }],
      deleted: [],
      deletions: "archive",
    });
    const out = renderMarkdown(renderPlanMarkdown(plan));
    expect(out).toContain("<table>");
    expect(out).toContain("<td><code>orders</code></td>");
    expect(out).toContain("<strong>Plan:</strong>");
    expect(out).not.toContain("| --- |");
    expect(out).not.toContain("**");
  });

  it("drops gitsync's marker and shows raw HTML as text", () => {
    const out = renderMarkdown('<!-- gitsync -->\n**Checked**\n\n<script>alert(1)</script><img src=x onerror="alert(2)">');
    expect(out).not.toContain("gitsync -->");
    expect(out).not.toContain("<script>");
    expect(out).not.toContain("<img");
    expect(out).toContain("&lt;script&gt;");
    expect(withoutMarker("<!-- gitsync -->\nhello")).toBe("hello");
  });

  it("refuses unsafe link schemes and keeps http(s) links", () => {
    const out = renderMarkdown("[a](javascript:alert(1)) [b](vbscript:x) [c](https://example.com/x)");
    expect(out).not.toMatch(/href="(javascript|vbscript):/);
    expect(out).toContain('<a href="https://example.com/x">c</a>');
  });
});

describe("the UI's diff helpers", () => {
  it("numbers each hunk line on the side it belongs to", () => {
    const [hunk] = hunksOf("a\nb\nc\n", "a\nB\nc\nd\n");
    expect(hunk).toBeDefined();
    const lines = numberLines(hunk!);
    expect(lines.filter((l) => l.sign === "-")).toEqual([{ sign: "-", text: "b", old: 2, new: null }]);
    expect(lines.filter((l) => l.sign === "+")).toEqual([
      { sign: "+", text: "B", old: null, new: 2 },
      { sign: "+", text: "d", old: null, new: 4 },
    ]);
  });

  it("gives no hunks for equal texts and drops the no-newline marker", () => {
    expect(hunksOf("x\n", "x\n")).toEqual([]);
    const lines = hunksOf("x", "y").flatMap((h) => h.lines);
    expect(lines).toEqual(["-x", "+y"]);
  });
});
