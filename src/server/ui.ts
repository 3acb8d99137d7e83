import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { packageRoot } from "../catalog/package-root.js";
import type { Reply, Route } from "./router.js";

export interface UiOptions {
  /** The built UI (index.html and assets/); default: dist/web under the package root. */
  assetsDir?: string;
}

/** Where `npm run build` puts the web UI. */
export function defaultAssetsDir(): string {
  return join(packageRoot(), "dist", "web");
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json; charset=utf-8",
};

// The page only loads its own files and talks only to its own origin; no inline script runs.
const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  // Assets keep fixed names across builds, so the browser revalidates instead of caching blindly.
  "cache-control": "no-cache",
};

/** Plain file names only: no folders, no dot files, so a request can never leave assets/. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,100}$/;

async function fileReply(path: string): Promise<Reply | null> {
  const type = TYPES[extname(path)];
  if (type === undefined) return null;
  try {
    const raw = await readFile(path);
    return { status: 200, raw, headers: { ...SECURITY_HEADERS, "content-type": type } };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

const text = (status: number, message: string): Reply => ({
  status,
  raw: message,
  headers: { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" },
});

/**
 * The web UI's routes: the page at `/` and its files under `/assets/`. Pass them to buildApp
 * through `options.routes`. The files are read per request: they are small, and a rebuild
 * shows up without a restart.
 */
export function uiRoutes(options: UiOptions = {}): Route[] {
  const dir = options.assetsDir ?? defaultAssetsDir();
  return [
    {
      method: "GET",
      path: "/",
      access: "public",
      handler: async () =>
        (await fileReply(join(dir, "index.html"))) ??
        text(503, "The web UI is not built yet: run `npm run build` (npm start does it), then reload."),
    },
    {
      method: "GET",
      path: "/assets/{file}",
      access: "public",
      handler: async ({ params }) => {
        const file = params.file ?? "";
        const found = ASSET_NAME.test(file) ? await fileReply(join(dir, "assets", file)) : null;
        return found ?? text(404, "not found");
      },
    },
  ];
}
