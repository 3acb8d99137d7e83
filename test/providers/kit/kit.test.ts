import { createGzip } from "node:zlib";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { COMMENT_MARKER } from "../../../src/core/index.js";
import {
  allPages,
  changesUnder,
  diffTrees,
  isUnder,
  normalizeDirectory,
  parseRepository,
  parseWith,
  readTarGz,
  retryingFetch,
  upsertKeptComment,
  upsertMarkedComment,
} from "../../../src/providers/kit/index.js";

async function tarGz(top: string, files: Record<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [path, content] of Object.entries(files)) pack.entry({ name: `${top}/${path}`, mode: 0o644 }, content);
  pack.entry({ name: `${top}/models/link.yaml`, type: "symlink", linkname: "../README.md" });
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack.pipe(createGzip())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("paths", () => {
  it("has one rule for what lies under a folder", () => {
    expect(normalizeDirectory("/models/")).toBe("models");
    expect(isUnder("models/a.yaml", "models")).toBe(true);
    expect(isUnder("models/deep/a.yaml", "/models/")).toBe(true);
    expect(isUnder("models", "models")).toBe(false);
    expect(isUnder("models-old/a.yaml", "models")).toBe(false);
    expect(isUnder("anything.yaml", "")).toBe(true);
  });
});

describe("changesUnder", () => {
  const changes = [
    { path: "cfg/inside.yaml", status: "renamed" as const, previousPath: "cfg/old.yaml" },
    { path: "cfg/into.yaml", status: "renamed" as const, previousPath: "elsewhere/into.yaml" },
    { path: "elsewhere/out.yaml", status: "renamed" as const, previousPath: "cfg/out.yaml" },
    { path: "elsewhere/both.yaml", status: "renamed" as const, previousPath: "other/both.yaml" },
    { path: "cfg/plain.yaml", status: "modified" as const },
    { path: "README.md", status: "added" as const },
  ];

  it("keeps a rename only when both paths are under the folder", () => {
    expect(changesUnder(changes, "cfg")).toEqual([
      { path: "cfg/inside.yaml", status: "renamed", previousPath: "cfg/old.yaml" },
      { path: "cfg/into.yaml", status: "added" },
      { path: "cfg/out.yaml", status: "deleted" },
      { path: "cfg/plain.yaml", status: "modified" },
    ]);
  });

  it("keeps everything at the root", () => {
    expect(changesUnder(changes, "")).toEqual(changes);
  });
});

describe("diffTrees", () => {
  it("lists adds, changes and deletes in path order", () => {
    const before = new Map([["b", "1"], ["a", "1"], ["gone", "1"]]);
    const after = new Map([["a", "2"], ["b", "1"], ["new", "1"]]);
    expect(diffTrees(before, after, (x, y) => x === y)).toEqual([
      { path: "a", status: "modified" },
      { path: "gone", status: "deleted" },
      { path: "new", status: "added" },
    ]);
  });
});

describe("readTarGz", () => {
  it("returns each wanted regular file's bytes exactly, invalid UTF-8 and NUL included", async () => {
    const latin1 = Buffer.from("name: caf\xe9\n", "latin1");
    const nul = Buffer.from("name: a\0b\n");
    const archive = await tarGz("acme-config-abcdef0", { "models/cafe.yaml": latin1, "models/nul.yaml": nul, "README.md": Buffer.from("r\n") });
    const files = await readTarGz(archive, (path) => path.startsWith("models/"), "test archive");
    expect([...files]).toEqual([
      ["models/cafe.yaml", latin1],
      ["models/nul.yaml", nul],
    ]);
  });

  it("names the archive when it is not one", async () => {
    await expect(readTarGz(Buffer.from("not gzip"), () => true, "GitHub tarball of abc")).rejects.toThrow(/GitHub tarball of abc: cannot extract/);
  });
});

describe("parseRepository", () => {
  it("takes two segments, or more where nesting is allowed", () => {
    expect(parseRepository("acme/config", { provider: "GitHub", form: "owner/name" })).toEqual(["acme", "config"]);
    expect(parseRepository("a/b/c", { provider: "GitLab", form: "group/project", nested: true })).toEqual(["a", "b", "c"]);
    expect(() => parseRepository("a/b/c", { provider: "GitHub", form: "owner/name" })).toThrow('GitHub repository must be "owner/name", got "a/b/c"');
    expect(() => parseRepository("acme/", { provider: "Bitbucket", form: "workspace/repo_slug" })).toThrow(/Bitbucket repository/);
    expect(() => parseRepository("acme/my repo", { provider: "GitHub", form: "owner/name" })).toThrow(/GitHub repository/);
  });
});

describe("parseWith", () => {
  it("names the answer and the field that is wrong", () => {
    const schema = z.object({ files: z.array(z.object({ status: z.enum(["added", "removed"]) })) });
    expect(parseWith(schema, { files: [{ status: "added" }] }, "compare")).toEqual({ files: [{ status: "added" }] });
    expect(() => parseWith(schema, { files: [{ status: "added" }, { status: "odd" }] }, "GitHub compare")).toThrow(/^GitHub compare: field files\[1\]\.status: /);
    expect(() => parseWith(schema, "<html>proxy</html>", "GitHub compare")).toThrow(/field \(response\)/);
  });
});

/** A pull request's comments, and what the kit asked of them; an update of a missing id answers false. */
function forge(initial: { id: number; body: string; ignore?: boolean }[]) {
  const comments = [...initial];
  const calls: string[] = [];
  return {
    comments,
    calls,
    primitives: {
      list: async () => (calls.push("list"), comments.map((c) => ({ ...c }))),
      create: async (body: string) => {
        calls.push("create");
        comments.push({ id: comments.length + 1, body });
        return comments.length;
      },
      update: async (id: number, body: string) => {
        calls.push(`update ${id}`);
        const found = comments.find((c) => c.id === id);
        if (found) found.body = body;
        return found !== undefined;
      },
    },
  };
}

describe("upsertKeptComment", () => {
  it("updates the kept comment, or makes the first one, without listing", async () => {
    const f = forge([{ id: 1, body: "a person's comment" }]);
    const id = await upsertKeptComment(f.primitives, "first", 1000, null);
    expect(await upsertKeptComment(f.primitives, "second", 1000, id)).toBe(id);
    expect(f.calls).toEqual(["create", "update 2"]);
    expect(f.comments[1]?.body).toBe(`${COMMENT_MARKER}\nsecond`);
  });

  it("looks for the marked comment when the kept one is gone or none was kept, and never makes a second", async () => {
    const f = forge([{ id: 1, body: `${COMMENT_MARKER}\nold` }]);
    expect(await upsertKeptComment(f.primitives, "found", 1000)).toBe(1);
    expect(await upsertKeptComment(f.primitives, "again", 1000, 9)).toBe(1);
    expect(f.calls).toEqual(["list", "update 1", "update 9", "list", "update 1"]);
    f.comments.splice(0);
    expect(await upsertKeptComment(f.primitives, "made again", 1000, 1)).toBe(1);
    expect(f.comments).toEqual([{ id: 1, body: `${COMMENT_MARKER}\nmade again` }]);
  });
});

describe("upsertMarkedComment", () => {
  it("creates the comment once, then updates the marked one, skipping ignored ones", async () => {
    const f = forge([{ id: 1, body: "a person's comment" }, { id: 2, body: `${COMMENT_MARKER}\nold`, ignore: true }]);
    await upsertMarkedComment(f.primitives, "first", 1000);
    await upsertMarkedComment(f.primitives, "second", 1000);
    expect(f.calls).toEqual(["list", "create", "list", "update 3"]);
    expect(f.comments[2]?.body).toBe(`${COMMENT_MARKER}\nsecond`);
  });

  it("makes no request when the body is unchanged, and cuts a long one with a note", async () => {
    const f = forge([{ id: 7, body: `${COMMENT_MARKER}\nsame` }]);
    await upsertMarkedComment(f.primitives, "same", 1000);
    expect(f.calls).toEqual(["list"]);
    await upsertMarkedComment(f.primitives, "x".repeat(500), 100);
    expect(f.comments[0]?.body.length).toBe(100);
    expect(f.comments[0]?.body).toMatch(/^<!-- gitsync -->\nx+\n\n… \(cut: the comment is longer than the provider allows\)$/);
  });
});

describe("retryingFetch", () => {
  function server(statuses: number[], headers: Record<string, string> = {}) {
    const seen: string[] = [];
    const fetchImpl = async (_url: string | URL, init?: RequestInit) => {
      seen.push(init?.method ?? "GET");
      const status = statuses.shift() ?? 200;
      return new Response(status === 200 ? "ok" : "busy", { status, headers });
    };
    return { seen, fetchImpl };
  }

  it("retries 429 and gateway errors, honouring Retry-After, then answers", async () => {
    const waits: number[] = [];
    const s = server([429, 503], { "retry-after": "2" });
    const response = await retryingFetch(s.fetchImpl, { sleep: async (ms) => void waits.push(ms) })("http://x/", { method: "POST" });
    expect(response.status).toBe(200);
    expect(s.seen).toEqual(["POST", "POST", "POST"]);
    expect(waits).toEqual([2000, 2000]);
  });

  it("backs off exponentially without Retry-After, bounded by maxDelayMs, and hands back the last answer", async () => {
    const waits: number[] = [];
    const s = server([502, 502, 502, 502]);
    const response = await retryingFetch(s.fetchImpl, { retries: 3, minDelayMs: 100, maxDelayMs: 300, sleep: async (ms) => void waits.push(ms) })("http://x/");
    expect(response.status).toBe(502);
    expect(await response.text()).toBe("busy");
    expect(waits).toEqual([100, 200, 300]);
  });

  it("retries a 500 only for reads, and never a 4xx", async () => {
    const sleep = async () => undefined;
    const post = server([500]);
    expect((await retryingFetch(post.fetchImpl, { sleep })("http://x/", { method: "POST" })).status).toBe(500);
    expect(post.seen).toHaveLength(1);
    const get = server([500]);
    expect((await retryingFetch(get.fetchImpl, { sleep })("http://x/")).status).toBe(200);
    expect(get.seen).toHaveLength(2);
    const refused = server([401, 404]);
    expect((await retryingFetch(refused.fetchImpl, { sleep })("http://x/")).status).toBe(401);
    expect(refused.seen).toHaveLength(1);
  });
});

describe("allPages", () => {
  const pages: Record<string, { values: number[]; next: string | null }> = {
    first: { values: [1, 2], next: "second" },
    second: { values: [3], next: "third" },
    third: { values: [], next: null },
  };

  it("reads every page the one before names, in order", async () => {
    const asked: string[] = [];
    const read = async (name: string) => (asked.push(name), pages[name] as { values: number[]; next: string | null });
    expect(await allPages("list", () => read("first"), read)).toEqual([1, 2, 3]);
    expect(asked).toEqual(["first", "second", "third"]);
  });

  it("refuses a list that names the same next page twice instead of reading forever", async () => {
    const loop = async () => ({ values: [1], next: "again" });
    await expect(allPages("list", loop, loop)).rejects.toThrow(/same next page twice/);
  });
});
