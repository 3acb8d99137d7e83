import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import type { WebApi } from "azure-devops-node-api";
import { GitsyncError, type ErrorCode } from "../../core/index.js";
import { retryingCall, type RetryOptions } from "../kit/index.js";

/**
 * HTTP to one Azure DevOps collection through azure-devops-node-api's authenticated client.
 * The library's generated GitApi methods ask for 7.2 previews and first discover each route
 * with an OPTIONS request; gitsync pins the documented 7.1 routes instead and calls them
 * directly, so every request is one it chose and the API version never drifts.
 */

/** The REST version every call pins; a few routes exist only as a preview of it. */
export const API_VERSION = "7.1";
export const API_VERSION_PREVIEW = "7.1-preview.1";

export type Query = Record<string, string | number | boolean | undefined>;

export interface AzureAnswer {
  status: number;
  retryAfter: string | null;
  /** Where a paged list goes on (the x-ms-continuationtoken header), null on its last page. */
  continuation: string | null;
  body: Buffer;
  contentType: string;
}

/** An answer that is not 2xx: the status and Azure's own `message` and `typeKey`. */
export class AzureHttpError extends GitsyncError {
  constructor(
    readonly status: number,
    readonly azureMessage: string,
    readonly typeKey: string,
    what: string,
  ) {
    super(codeOf(status), `Azure DevOps ${what}: ${status} ${azureMessage}`.trim(), { status, typeKey });
    this.name = "AzureHttpError";
  }
}

/** A refused token (401, or Azure's 203 sign-in page) and a refused permission get their own codes. */
function codeOf(status: number): ErrorCode {
  if (status === 401 || status === 203) return "unauthorized";
  return status === 403 ? "forbidden" : "provider_error";
}

export interface AzureClientOptions {
  /** A personal access token (sent as basic auth with an empty user name). */
  token: string;
  retry?: Partial<RetryOptions>;
}

const require = createRequire(import.meta.url);

/**
 * The library, loaded when the first client is made: it is large, and most servers never
 * connect an Azure DevOps repository. A CommonJS package, so `require` gives what an import would.
 */
function azureApi(): typeof import("azure-devops-node-api") {
  return require("azure-devops-node-api") as typeof import("azure-devops-node-api");
}

export class AzureClient {
  readonly #api: WebApi;
  readonly #retry: Partial<RetryOptions>;

  constructor(options: AzureClientOptions) {
    // No collection URL here: every request names its own, so one client serves any repository.
    const { WebApi, getBasicHandler } = azureApi();
    this.#api = new WebApi("https://dev.azure.com", getBasicHandler("", options.token), { allowRetries: false, socketTimeout: 60_000 });
    this.#retry = options.retry ?? {};
  }

  /** A JSON request; throws AzureHttpError on any answer but 2xx. */
  async json<T>(method: string, url: string, query: Query, what: string, body?: unknown): Promise<T> {
    const answer = await this.send(method, url, query, { accept: "application/json", ...(body === undefined ? {} : { body }) });
    if (!succeeded(answer.status)) throw errorOf(answer, what);
    return JSON.parse(answer.body.toString("utf8")) as T;
  }

  /** A JSON page of a list and the continuation token naming the next page, if any. */
  async jsonPage<T>(url: string, query: Query, what: string): Promise<{ body: T; continuation: string | null }> {
    const answer = await this.send("GET", url, query, { accept: "application/json" });
    if (!succeeded(answer.status)) throw errorOf(answer, what);
    return { body: JSON.parse(answer.body.toString("utf8")) as T, continuation: answer.continuation };
  }

  /** Bytes (a zip download); null for 404, AzureHttpError for any other failure. */
  async bytes(url: string, query: Query, what: string, accept: string): Promise<Buffer | null> {
    const answer = await this.send("GET", url, query, { accept });
    if (answer.status === 404) return null;
    if (!succeeded(answer.status)) throw errorOf(answer, what);
    return answer.body;
  }

  async send(method: string, url: string, query: Query, options: { accept: string; body?: unknown }): Promise<AzureAnswer> {
    const target = withQuery(url, query);
    const headers: Record<string, string> = { Accept: options.accept };
    const data = options.body === undefined ? null : JSON.stringify(options.body);
    if (data !== null) headers["Content-Type"] = "application/json";
    return retryingCall(method, async () => {
      const response = await this.#api.rest.client.request(method, target, data as string, headers);
      const message: IncomingMessage = response.message;
      const chunks: Buffer[] = [];
      for await (const chunk of message) chunks.push(Buffer.from(chunk as Uint8Array));
      const retryAfter = message.headers["retry-after"];
      const continuation = message.headers["x-ms-continuationtoken"];
      return {
        status: message.statusCode ?? 0,
        retryAfter: typeof retryAfter === "string" ? retryAfter : null,
        continuation: typeof continuation === "string" && continuation !== "" ? continuation : null,
        body: Buffer.concat(chunks),
        contentType: String(message.headers["content-type"] ?? ""),
      };
    }, (answer) => answer, this.#retry);
  }
}

/** 203 is Azure's answer to a refused token: a sign-in page instead of the resource. */
function succeeded(status: number): boolean {
  return status >= 200 && status < 300 && status !== 203;
}

function withQuery(url: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  if (!params.has("api-version")) params.set("api-version", API_VERSION);
  return `${url}?${params.toString()}`;
}

function errorOf(answer: AzureAnswer, what: string): AzureHttpError {
  let message = "";
  let typeKey = "";
  try {
    const body = JSON.parse(answer.body.toString("utf8")) as { message?: unknown; typeKey?: unknown };
    if (typeof body.message === "string") message = body.message;
    if (typeof body.typeKey === "string") typeKey = body.typeKey;
  } catch {
    // Not JSON (an HTML sign-in page for a bad token): the status says enough.
  }
  if (answer.status === 203 || answer.status === 401) message ||= "the token was refused: check it and its scopes (Code: read & write)";
  return new AzureHttpError(answer.status, message, typeKey, what);
}
