import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real git smart-HTTP server on loopback: `git http-backend` run as a CGI for each request,
 * behind basic auth. Repositories live under `root`; `<url>/<name>.git` serves one.
 */
export interface HttpGitServer {
  root: string;
  url: (name: string) => string;
  /** Creates an empty bare repository that accepts pushes. */
  create(name: string): string;
  /** Requests that reached git (after authentication). */
  served: number;
  close(): Promise<void>;
}

const CGI_HEADER_END = Buffer.from("\r\n\r\n");

function git(args: string[], cwd?: string): string {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
}

export async function startHttpGitServer(user: string, password: string): Promise<HttpGitServer> {
  const root = await mkdtemp(join(tmpdir(), "gitsync-http-git-"));
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const state = { served: 0 };
  const server: Server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="git"' }).end("unauthorized");
      return;
    }
    state.served += 1;
    const url = new URL(req.url ?? "/", "http://localhost");
    const child = spawn("git", ["http-backend"], {
      env: {
        PATH: process.env.PATH ?? "",
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        REMOTE_USER: user,
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"]) } : {}),
        ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
      },
    });
    req.pipe(child.stdin);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("close", () => {
      const out = Buffer.concat(chunks);
      const end = out.indexOf(CGI_HEADER_END);
      const head = out.subarray(0, end).toString("utf8");
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.split("\r\n")) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === "status") status = Number(value.split(" ")[0]);
        else if (name) headers[name] = value;
      }
      res.writeHead(status, headers).end(out.subarray(end + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    root,
    url: (name) => `http://127.0.0.1:${port}/${name}.git`,
    create(name) {
      const dir = join(root, `${name}.git`);
      git(["init", "--bare", "--quiet", "--initial-branch=main", dir]);
      git(["config", "http.receivepack", "true"], dir);
      return dir;
    },
    get served() {
      return state.served;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Commits files straight into a bare repository (as another person pushing), returns the new head. */
export async function pushFiles(bare: string, branch: string, files: Record<string, string>, message = "change from elsewhere"): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), "gitsync-work-"));
  try {
    git(["clone", "--quiet", bare, work]);
    const has = spawnSync("git", ["rev-parse", "--verify", "--quiet", `origin/${branch}`], { cwd: work }).status === 0;
    if (has) git(["checkout", "--quiet", branch], work);
    else git(["checkout", "--quiet", "--orphan", branch], work);
    for (const [path, content] of Object.entries(files)) {
      const full = join(work, path);
      await import("node:fs/promises").then((fs) => fs.mkdir(join(full, ".."), { recursive: true }));
      await writeFile(full, content);
    }
    git(["add", "-A"], work);
    git(["-c", "user.name=Other Person", "-c", "user.email=other@example.com", "commit", "--quiet", "-m", message], work);
    git(["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`], work);
    return git(["rev-parse", "HEAD"], work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function headOf(bare: string, branch: string): string | null {
  const result = spawnSync("git", ["--git-dir", bare, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : null;
}
