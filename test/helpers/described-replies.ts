import { Readable } from "node:stream";
import nock from "nock";
import { checkExchange } from "./vendor-apis.js";

/**
 * Wraps every nock reply so the exchange it serves (the request as the adapter sent it and the
 * reply the test made up) is checked against the vendor's API description before it is served.
 * The problems are collected in `describedApiViolations`; the strict mock reports them at the
 * end of the test. The hook sits on nock's interceptor so harnesses and tests that call `nock()`
 * directly are covered without changing how they register mocks.
 */
export const describedApiViolations: string[] = [];

/** Replies a test makes wrong on purpose (to see the adapter refuse them) are marked so. */
const offDescription = new WeakSet<object>();

/**
 * Marks one interceptor as deliberately off the vendor's description (a malformed answer the
 * adapter must refuse); its exchange is not checked. Returns the interceptor for chaining.
 */
export function offTheDescription<T extends object>(interceptor: T): T {
  offDescription.add(interceptor);
  return interceptor;
}

type Headers = Record<string, unknown> | unknown[] | undefined;
type FullReply = [number, unknown?, Headers?];
interface InterceptorLike {
  basePath: string;
  method: string;
  req?: { headers?: Record<string, unknown> };
  reply(...args: unknown[]): unknown;
}

const HOOKED = Symbol.for("gitsync.describedReplies");

function headerOf(headers: Headers, name: string): string {
  if (headers === undefined) return "";
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    return "";
  }
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? "" : String(headers[key]);
}

/** The reply as JSON when it is JSON; undefined for archives, raw files and streams. */
function replyJson(body: unknown, headers: Headers): unknown {
  if (body === undefined || body === null || Buffer.isBuffer(body) || body instanceof Readable || body instanceof Uint8Array) return undefined;
  if (typeof body !== "string") return body;
  if (!/json/.test(headerOf(headers, "content-type")) || body === "") return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function record(interceptor: InterceptorLike, uri: string, requestBody: unknown, reply: FullReply): void {
  if (offDescription.has(interceptor)) return;
  try {
    const url = new URL(uri, interceptor.basePath);
    const requestContentType = String(interceptor.req?.headers?.["content-type"] ?? "");
    const problems = checkExchange(url, {
      method: interceptor.method.toUpperCase(),
      requestBody,
      requestContentType,
      status: reply[0],
      responseBody: replyJson(reply[1], reply[2]),
    });
    describedApiViolations.push(...problems);
  } catch (error) {
    describedApiViolations.push(`${interceptor.method} ${uri}: could not be checked: ${String(error)}`);
  }
}

type ReplyFunction<T> = (this: InterceptorLike, uri: string, body: unknown, callback?: (error: Error | null, result: T) => void) => T | Promise<T>;

/** A reply function as a promise-returning one, whether it returns or calls back (nock allows both). */
function promised<T>(fn: ReplyFunction<T>): (this: InterceptorLike, uri: string, body: unknown) => Promise<T> {
  if (fn.length < 3) return async function (this: InterceptorLike, uri, body) {
    return fn.call(this, uri, body);
  };
  return function (this: InterceptorLike, uri, body) {
    return new Promise<T>((resolve, reject) => {
      void fn.call(this, uri, body, (error, result) => (error ? reject(error) : resolve(result)));
    });
  };
}

/** Installs the hook once per process; later calls do nothing. */
export function holdRepliesToVendorDescriptions(): void {
  const probe = nock("http://prototype.invalid").get("/") as unknown as InterceptorLike;
  const proto = Object.getPrototypeOf(probe) as InterceptorLike & { [HOOKED]?: boolean };
  if (proto[HOOKED]) return;
  proto[HOOKED] = true;
  const original = proto.reply;
  proto.reply = function (this: InterceptorLike, ...args: unknown[]) {
    const [status, body, headers] = args as [unknown, unknown, Headers];
    if (typeof status === "function") {
      const full = promised(status as ReplyFunction<FullReply>);
      return original.call(this, async function (this: InterceptorLike, uri: string, requestBody: unknown) {
        const reply = await full.call(this, uri, requestBody);
        record(this, uri, requestBody, reply);
        return reply;
      });
    }
    if (/\S/.test(headerOf(headers, "content-encoding")) || body instanceof Readable) return original.call(this, ...args);
    const code = (status as number | undefined) ?? 200;
    const produce = typeof body === "function" ? promised(body as ReplyFunction<unknown>) : () => body;
    return original.call(
      this,
      code,
      async function (this: InterceptorLike, uri: string, requestBody: unknown) {
        const replyBody = await produce.call(this, uri, requestBody);
        record(this, uri, requestBody, [code, replyBody, headers]);
        // nock serves an undefined static body as empty; a reply function must say so.
        return replyBody ?? "";
      },
      headers,
    );
  };
}
