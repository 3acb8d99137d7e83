import type { IncomingMessage, ServerResponse } from "node:http";
import FindMyWay from "find-my-way";
import { GitsyncError } from "../core/errors.js";
import { authorize, type Access, type Principal } from "./auth.js";
import { dropUnreadBody, errorBody, readJsonBody, readRawBody, sendJson } from "./http.js";
import type { ApiDeps } from "./deps.js";
import { MERGE_PATCH_TYPE } from "./merge-patch.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteRequest {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Null on public routes only. */
  principal: Principal | null;
  /** The parsed JSON body, undefined when there was none (only read for POST, PUT and PATCH). */
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is instead of JSON of `body` (the web UI's files); `headers` should give its content-type. */
  raw?: string | Uint8Array;
}

export interface Route {
  method: Method;
  /** OpenAPI-style path: `/api/v1/tenants/{tenant}`. */
  path: string;
  access: Access;
  /** Hand the handler the body's exact bytes (a Buffer): webhooks verify signatures over them. */
  rawBody?: boolean;
  handler: (request: RouteRequest, deps: ApiDeps) => Promise<Reply>;
}

interface Matched {
  route: Route;
  params: Record<string, string>;
}

/** Routes answered without a log line: health probes and the metrics scrape. */
const QUIET_ROUTES = new Set(["/healthz", "/readyz", "/metrics"]);

/** Paths this server owns entirely: nothing under them falls through to Probot. */
const OWNED_PREFIXES = ["/api/v1/", "/webhooks/"];

/**
 * The server's own routes, matched by find-my-way. `handle` answers every request it matches
 * (and every request under an owned prefix, with a JSON 404) and returns false otherwise, so
 * Probot's handlers only see what is left.
 */
export class ApiRouter {
  readonly #routes: Route[] = [];
  readonly #tree = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 200 });

  add(...routes: Route[]): this {
    for (const route of routes) {
      const path = route.path.replace(/\{(\w+)\}/g, ":$1");
      this.#tree.on(route.method, path, () => undefined, route);
      this.#routes.push(route);
    }
    return this;
  }

  /** Every route, for the OpenAPI conformance test. */
  routes(): readonly Route[] {
    return this.#routes;
  }

  #match(method: string, pathname: string): Matched | null | "no-method" {
    const found = this.#tree.find(method as FindMyWay.HTTPMethod, pathname);
    if (found) {
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(found.params)) if (value !== undefined) params[key] = value;
      return { route: found.store as Route, params };
    }
    const other = (["GET", "POST", "PUT", "PATCH", "DELETE"] as const).some((m) => m !== method && this.#tree.find(m, pathname));
    return other ? "no-method" : null;
  }

  async handle(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): Promise<boolean> {
    const url = new URL(req.url ?? "/", "http://server.invalid");
    const started = performance.now();
    const matched = this.#match(req.method ?? "GET", url.pathname);
    if (matched === null && !OWNED_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) return false;

    let status = 500;
    try {
      if (matched === null) throw new GitsyncError("not_found", `no route ${url.pathname}`);
      if (matched === "no-method") {
        throw new GitsyncError("not_found", `no route ${req.method ?? ""} ${url.pathname}`, { method: req.method });
      }
      const principal = await authorize(deps.store, req, matched.route.access, matched.params.tenant);
      const body = matched.route.rawBody
        ? await readRawBody(req, deps.config.bodyLimit)
        : req.method === "PATCH"
          ? await readJsonBody(req, deps.config.bodyLimit, MERGE_PATCH_TYPE)
          : req.method === "POST" || req.method === "PUT"
            ? await readJsonBody(req, deps.config.bodyLimit)
            : undefined;
      if (body === undefined && !req.readableEnded) req.resume();
      const reply = await matched.route.handler({ req, params: matched.params, query: url.searchParams, principal, body }, deps);
      status = reply.status;
      if (reply.raw !== undefined) res.writeHead(reply.status, { "content-length": Buffer.byteLength(reply.raw), ...reply.headers }).end(reply.raw);
      else sendJson(res, reply.status, reply.body, reply.headers);
    } catch (error) {
      const { status: code, body } = errorBody(error);
      status = code;
      if (code >= 500) deps.log.error({ err: error, method: req.method, path: url.pathname }, "request failed");
      dropUnreadBody(req, res);
      sendJson(res, code, body);
    }
    const seconds = (performance.now() - started) / 1000;
    const route = matched !== null && matched !== "no-method" ? matched.route.path : "unmatched";
    deps.metrics?.httpRequest(req.method ?? "GET", route, status, seconds);
    // Probes hit these every few seconds: a line each would bury everything else.
    if (!QUIET_ROUTES.has(route)) {
      // The path, never the query or headers: those are where callers put tokens by mistake.
      deps.log.debug({ method: req.method, path: url.pathname, route, status, ms: Math.round(seconds * 1000) }, "request");
    }
    return true;
  }
}
