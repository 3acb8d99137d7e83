import { parseArgs, type ParseArgsConfig } from "node:util";
import { TENANT_SLUG } from "../core/types.js";

/**
 * What the remote commands (`sync`, `snapshot`, `import`, `resync`, `status`) share: the
 * server's URL, token and tenant from flags or environment, one fetch-based client for the
 * REST API, and one way of turning failures into words and exit codes (1: the server said no
 * or could not be reached; 2: the command line was wrong).
 */

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Waits between status polls; tests pass a shorter one. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_URL = "http://localhost:3000";
export const DEFAULT_TENANT = "demo";

export const COMMON_USAGE = `common options:
  --url URL        the gitsync server (default: GITSYNC_URL, else ${DEFAULT_URL})
  --token TOKEN    an API token (default: GITSYNC_TOKEN; prefer the variable: flags show in ps)
  --tenant SLUG    the tenant (default: GITSYNC_TENANT, else ${DEFAULT_TENANT})
  --json           print the server's answer as JSON instead of words
Exit status: 0 done, 1 the server refused or could not be reached, 2 usage error.
`;

export class UsageError extends Error {}

/** An answer of the API with an error status, as `{"error": {code, message, details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

/** The server did not answer at all. */
export class UnreachableError extends Error {}

export interface Remote {
  client: ApiClient;
  tenant: string;
  json: boolean;
}

type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

const commonOptions = {
  url: { type: "string" },
  token: { type: "string" },
  tenant: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

/** Parses the command line: the common options plus the command's own. */
export function parseRemote<T extends OptionSpec>(argv: string[], io: Io, own: T) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...commonOptions, ...own }, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { help: true as const, values };
  const tenant = str(values.tenant) ?? io.env.GITSYNC_TENANT ?? DEFAULT_TENANT;
  if (!TENANT_SLUG.test(tenant)) throw new UsageError(`tenant '${tenant}' is not a tenant slug (lowercase letters, digits and '-')`);
  const url = parseUrl(str(values.url) ?? io.env.GITSYNC_URL ?? DEFAULT_URL);
  const token = str(values.token) ?? io.env.GITSYNC_TOKEN ?? null;
  const remote: Remote = { client: new ApiClient(url, token === "" ? null : token), tenant, json: values.json === true };
  return { help: false as const, values, remote };
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as ${DEFAULT_URL}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--url must be an http(s) URL, not ${url.protocol}`);
  // A password in the URL would end up in messages; the token is the way to authenticate.
  if (url.username !== "" || url.password !== "") throw new UsageError("--url must not carry a user or password: give the token with GITSYNC_TOKEN");
  return url;
}

export class ApiClient {
  readonly base: string;

  constructor(
    url: URL,
    private readonly token: string | null,
  ) {
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  }

  get hasToken(): boolean {
    return this.token !== null;
  }

  tenantPath(tenant: string, suffix: string): string {
    return `/api/v1/tenants/${encodeURIComponent(tenant)}${suffix}`;
  }

  async request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      throw new UnreachableError(`cannot reach the gitsync server at ${this.base}: ${networkReason(error)} (is it running? set --url or GITSYNC_URL)`);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: some proxy or another program answered; said below in words.
    }
    if (response.ok) {
      if (parsed === undefined) throw new ApiError(response.status, "bad_response", `${method} ${path}: the server's answer is not JSON`, null);
      return parsed as T;
    }
    const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    if (error && typeof error.code === "string" && typeof error.message === "string") {
      throw new ApiError(response.status, error.code, error.message, error.details ?? null);
    }
    throw new ApiError(
      response.status,
      "http_error",
      `${method} ${path}: HTTP ${response.status} ${response.statusText} (not a gitsync API answer: is ${this.base} the gitsync server?)`,
      null,
    );
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  switch (cause?.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "the connection was closed";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "the connection timed out";
    default:
      return cause?.message ?? (error instanceof Error ? error.message : String(error));
  }
}

/** Words for an API error, with a hint where the fix is on the caller's side. */
export function describeApiError(error: ApiError, client: ApiClient): string {
  const lines = [`${error.message} (${error.code}, HTTP ${error.status})`];
  if (error.status === 401) {
    lines.push(client.hasToken ? "the token was refused: check GITSYNC_TOKEN or --token" : "no token given: set GITSYNC_TOKEN or pass --token");
  } else if (error.status === 403) {
    lines.push(forbiddenHint(error.details));
  } else if (error.status === 404 && error.message.startsWith("no tenant ")) {
    lines.push("the tenant does not exist, or this token cannot read it (a scoped token reaches only its own tenants): check --tenant or GITSYNC_TENANT");
  } else if (error.status === 404 && error.message.startsWith("no route")) {
    lines.push("this server has no such route: is it a gitsync server of this version?");
  }
  // A 403's details are the roles, already said in words above.
  const details = error.status === 403 ? null : detailsLine(error.details);
  if (details) lines.push(details);
  return lines.join("\n  ");
}

/** Why a 403: the role the token has in the tenant and the one the command needs there. */
function forbiddenHint(details: unknown): string {
  const { required, role, tenant } = (details ?? {}) as { required?: unknown; role?: unknown; tenant?: unknown };
  if (typeof tenant === "string" && typeof role === "string" && typeof required === "string") {
    return `the token is ${role} in tenant ${tenant}, and this needs ${required} there: ask an admin for a token with that grant`;
  }
  return "the token's role does not allow this (sync and snapshot need editor, import and resync admin)";
}

function detailsLine(details: unknown): string | null {
  if (details === null || details === undefined) return null;
  const fields = (details as { fields?: unknown }).fields;
  if (Array.isArray(fields)) {
    return fields
      .map((f: { field?: unknown; message?: unknown }) => `${String(f.field ?? "?")}: ${String(f.message ?? "")}`)
      .join("\n  ");
  }
  const text = JSON.stringify(details);
  return `details: ${text.length > 500 ? `${text.slice(0, 500)}...` : text}`;
}

/**
 * Runs one remote command with the shared error handling: usage errors print the command's
 * usage and exit 2; API and network failures are said in words on stderr and exit 1.
 */
export async function runRemote<T extends OptionSpec>(
  name: string,
  usage: string,
  argv: string[],
  io: Io,
  own: T,
  body: (remote: Remote, values: Record<string, string | boolean | undefined>) => Promise<number>,
): Promise<number> {
  let client: ApiClient | null = null;
  try {
    const parsed = parseRemote(argv, io, own);
    if (parsed.help) {
      io.stdout.write(`${usage}\n${COMMON_USAGE}`);
      return 0;
    }
    client = parsed.remote.client;
    return await body(parsed.remote, parsed.values);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`gitsync ${name}: ${error.message}\n${usage}\n${COMMON_USAGE}`);
      return 2;
    }
    if (error instanceof ApiError && client) {
      io.stderr.write(`gitsync ${name}: ${describeApiError(error, client)}\n`);
      return 1;
    }
    if (error instanceof UnreachableError) {
      io.stderr.write(`gitsync ${name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export const shortSha = (sha: string | null | undefined): string => (sha ? sha.slice(0, 12) : "(none)");
