import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/*
 * The built server against a loopback stand-in for GitLab that answers as GitLab does: the
 * archive of a folder that does not exist yet is a 200 with an empty body. An API write must
 * land as one commit, in three requests; a refused token must stop at once, not be retried.
 */

const PROJECT = "/api/v4/projects/group%2Fproject";
const HEAD = "1".repeat(40);
const WEBHOOK_SECRET = "e2e-gitlab-hook";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Seen {
  method: string;
  path: string;
  body: string;
}

async function tarGz(prefix: string, files: Record<string, string>): Promise<Buffer> {
  const tar = pack();
  for (const [name, content] of Object.entries(files)) tar.entry({ name: `${prefix}/${name}` }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(Buffer.from(chunk as Uint8Array));
  return gzipSync(Buffer.concat(chunks));
}

/**
 * A one-branch GitLab project that starts with only a README; `refuse` answers every call 401.
 * The archive of a folder with no file is a 200 with an empty body, as GitLab answers it.
 */
interface FakeGitLab {
  url: string;
  seen: Seen[];
  /** A person's commit of one file on main; returns [before, after]. */
  push(path: string, content: string): [string, string];
  close(): Promise<void>;
}

async function fakeGitLab(refuse: boolean): Promise<FakeGitLab> {
  const seen: Seen[] = [];
  const files = new Map<string, string>([["README.md", "# Config\n"]]);
  const changed = new Set<string>();
  const history = [HEAD];
  const head = () => history.at(-1) as string;
  const commit = (id: string) => ({ id, short_id: id.slice(0, 8), title: "t", message: "t", parent_ids: history.slice(-2, -1).filter(() => id !== HEAD) });
  const binary = (res: ServerResponse, body?: Buffer) => res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://gitlab");
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "?", path: `${url.pathname}${url.search}`, body });
      const json = (status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      if (refuse) return json(401, { message: "401 Unauthorized" });
      const route = `${req.method} ${url.pathname.slice(PROJECT.length)}`;
      if (route === "GET /repository/commits/main") return json(200, commit(head()));
      if (route === "GET /repository/branches/main") return json(200, { name: "main", commit: commit(head()) });
      if (route === "GET /repository/archive.tar.gz") {
        const folder = url.searchParams.get("path");
        const kept = Object.fromEntries([...files].filter(([p]) => folder === null || p.startsWith(`${folder}/`)));
        if (Object.keys(kept).length === 0) return binary(res);
        void tarGz(`project-${head()}`, kept).then((archive) => binary(res, archive));
        return;
      }
      if (route === "GET /repository/merge_base") {
        const [a, b] = url.searchParams.getAll("refs[]").map((r) => history.indexOf(r));
        if (a === undefined || b === undefined || a < 0 || b < 0) return json(404, { message: "404 Not Found" });
        return json(200, commit(history[Math.min(a, b)] as string));
      }
      if (route === "GET /repository/compare") {
        const diffs = [...changed].map((p) => ({ old_path: p, new_path: p, new_file: false, renamed_file: false, deleted_file: false, diff: "" }));
        return json(200, { commit: null, commits: [], diffs, compare_timeout: false, compare_same_ref: false });
      }
      const raw = /^GET \/repository\/files\/(.+)\/raw$/.exec(route);
      if (raw) {
        const content = files.get(decodeURIComponent(raw[1] as string));
        return content === undefined ? json(404, { message: "404 File Not Found" }) : res.writeHead(200, { "content-type": "text/plain" }).end(content);
      }
      if (/^POST \/statuses\//.test(route)) return json(201, { id: seen.length, status: "success", name: "gitsync" });
      if (route === "POST /repository/commits") {
        for (const a of (JSON.parse(body) as { actions: { action: string; file_path: string; content?: string }[] }).actions) {
          if (a.action === "delete") files.delete(a.file_path);
          else files.set(a.file_path, a.content ?? "");
        }
        history.push(String(history.length + 1).repeat(40).slice(0, 40));
        return json(201, commit(head()));
      }
      return json(404, { message: "404 Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const push = (path: string, content: string): [string, string] => {
    const before = head();
    files.set(path, content);
    changed.clear();
    changed.add(path);
    history.push(`${history.length + 1}`.repeat(40).slice(0, 40));
    return [before, head()];
  };
  return { url: `http://127.0.0.1:${port}`, seen, push, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("outbound commits to GitLab from the built server", () => {
  let server: BuiltServer;
  const api = (method: string, path: string, options: Parameters<typeof callBuilt>[3] = {}) => callBuilt(server, method, `/api/v1/tenants${path}`, options);

  beforeAll(async () => {
    server = await serveBuilt({ env: { GITLAB_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** A new tenant on the fake GitLab with the one connection a model needs. */
  async function tenantOn(slug: string, gitlabUrl: string): Promise<void> {
    expect((await api("POST", "", { body: { slug, name: slug } })).status).toBe(201);
    expect((await api("POST", `/${slug}/connections`, { body: { name: "warehouse", type: "postgres" } })).status).toBe(201);
    const git = await api("PUT", `/${slug}/git`, { body: { provider: "gitlab", repository: "group/project", baseUrl: gitlabUrl, token: "glpat-e2e", debounceMs: 50 } });
    expect(git.status).toBe(200);
  }

  const model = { name: "orders", source: "warehouse", type: "table", dbtModel: null, rawSql: null, tableName: "sales.orders", isSchema: false, primaryKey: "id" };

  /** Waits for the `n`th commit GitLab receives and returns the requests made since `from`. */
  async function untilCommit(gitlab: { seen: Seen[] }, n: number, from: number): Promise<string[]> {
    for (let i = 0; i < 100 && gitlab.seen.filter((r) => r.method === "POST").length < n; i++) await sleep(100);
    return gitlab.seen.slice(from).map((r) => `${r.method} ${r.path.replace(PROJECT, "")}`);
  }

  it("writes the first model into a project that has only a README, then updates it in three requests", async () => {
    const gitlab = await fakeGitLab(false);
    try {
      await tenantOn("first", gitlab.url);
      expect((await api("PUT", "/first/resources/models/orders", { body: model })).status).toBeLessThan(300);
      const first = await untilCommit(gitlab, 1, 0);
      const created = (JSON.parse(gitlab.seen.find((r) => r.method === "POST")?.body ?? "{}") as { actions: { action: string; file_path: string }[] }).actions;
      expect(created.map((a) => `${a.action} ${a.file_path}`)).toEqual(["create models/orders.yaml"]);
      // The folder did not exist: GitLab's empty answer was read as an empty folder.
      expect(first).toContain(`GET /repository/archive.tar.gz?sha=${HEAD}&path=models`);

      await sleep(300);
      const mark = gitlab.seen.length;
      expect((await api("PUT", "/first/resources/models/orders", { body: { ...model, primaryKey: "order_id" } })).status).toBeLessThan(300);
      const second = await untilCommit(gitlab, 2, mark);
      console.log(`[e2e gitlab] requests for one API edit: ${JSON.stringify(second)}`);
      expect(second).toEqual(["GET /repository/commits/main", `GET /repository/archive.tar.gz?sha=${"2".repeat(40)}&path=models`, "POST /repository/commits"]);
      await sleep(300);
      const log = await api("GET", "/first/log");
      expect(log.body.items[0]).toMatchObject({ direction: "OUTBOUND", status: "done" });
    } finally {
      await gitlab.close();
    }
  }, 60_000);

  it("names the tracked branch as ref on the status of a person's push", async () => {
    const gitlab = await fakeGitLab(false);
    try {
      await tenantOn("pushed", gitlab.url);
      expect((await api("PUT", "/pushed/resources/models/orders", { body: model })).status).toBeLessThan(300);
      await untilCommit(gitlab, 1, 0);
      await sleep(300);
      const file = ["name: orders", "source: warehouse", "type: table", "dbtModel: null", "rawSql: null", "tableName: sales.orders", "isSchema: false", "primaryKey: order_key", ""].join("\n");
      const [before, after] = gitlab.push("models/orders.yaml", file);
      const payload = {
        object_kind: "push",
        before,
        after,
        ref: "refs/heads/main",
        checkout_sha: after,
        user_name: "Grace",
        user_email: "grace@example.com",
        project: { path_with_namespace: "group/project" },
        commits: [],
      };
      const hook = await callBuilt(server, "POST", "/webhooks/gitlab", {
        token: null,
        body: payload,
        headers: { "x-gitlab-token": WEBHOOK_SECRET, "x-gitlab-event": "Push Hook", "x-gitlab-event-uuid": "e2e-push-1" },
      });
      expect(hook.status).toBeLessThan(300);
      let status: Seen | undefined;
      for (let i = 0; i < 100 && status === undefined; i++) {
        await sleep(100);
        status = gitlab.seen.find((r) => r.method === "POST" && r.path.endsWith(`/statuses/${after}`));
      }
      expect(JSON.parse(status?.body ?? "{}")).toMatchObject({ ref: "main", name: "gitsync", state: "success" });
    } finally {
      await gitlab.close();
    }
  }, 60_000);

  it("stops at once when GitLab refuses the token, and says why in the sync log", async () => {
    const gitlab = await fakeGitLab(true);
    try {
      await tenantOn("refused", gitlab.url);
      expect((await api("PUT", "/refused/resources/models/orders", { body: model })).status).toBeLessThan(300);
      let failed: { error?: string } | undefined;
      for (let i = 0; i < 100 && failed === undefined; i++) {
        await sleep(100);
        const log = await api("GET", "/refused/log");
        const entries = log.body.items as { direction: string; status: string; error?: string }[];
        failed = entries.find((e) => e.direction === "OUTBOUND" && e.status === "failed");
      }
      expect(failed?.error).toContain("401 Unauthorized");
      const tried = gitlab.seen.filter((r) => r.path.endsWith("/repository/commits/main")).length;
      // A retry would come 2 s later, then 4 s: none does.
      await sleep(3_000);
      expect(gitlab.seen.filter((r) => r.path.endsWith("/repository/commits/main")).length).toBe(tried);
      expect(server.output()).not.toContain("glpat-e2e");
    } finally {
      await gitlab.close();
    }
  }, 60_000);
});
