import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { pino } from "pino";
import { buildApp, type AppOptions, type GitsyncApp } from "../../src/server/app.js";
import { loadConfig } from "../../src/server/config.js";
import { openapi } from "../../src/server/openapi.js";

export const ADMIN_TOKEN = "gs_test_admin_token_0123456789abcdef";
export const SECRET_KEY = "a".repeat(64);

/** A server in this process on a loopback port, with its logs and stdout captured. */
export interface TestServer {
  app: GitsyncApp;
  url: string;
  dataDir: string;
  logs: () => string;
  printed: string[];
  envWrites: Record<string, string>[];
  stop(): Promise<void>;
}

export async function startServer(
  env: Record<string, string> = {},
  options: { dataDir?: string; app?: AppOptions } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "gitsync-server-")));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    GITSYNC_DATA_DIR: dataDir,
    GITSYNC_ADMIN_TOKEN: ADMIN_TOKEN,
    GITSYNC_SECRET_KEY: SECRET_KEY,
    LOG_LEVEL: "trace",
    ...env,
  });
  let captured = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      captured += chunk.toString("utf8");
      done();
    },
  });
  const printed: string[] = [];
  const envWrites: Record<string, string>[] = [];
  const app = await buildApp(config, {
    logger: pino({ level: "trace" }, sink),
    print: (text) => printed.push(text),
    updateEnv: (values) => envWrites.push(values),
    shutdownGraceMs: 2000,
    ...options.app,
  });
  const url = await app.listen();
  return {
    app,
    url,
    dataDir,
    logs: () => captured,
    printed,
    envWrites,
    stop: async () => {
      await app.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is, instead of JSON of `body`. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** Skip the OpenAPI check (for routes outside the document, like Probot's). */
  unchecked?: boolean;
}

/** Calls the server over loopback and checks the response against the OpenAPI document. */
export function client(server: TestServer, defaultToken: string | null = ADMIN_TOKEN) {
  return async function call(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
    const token = options.token === undefined ? defaultToken : options.token;
    const headers: Record<string, string> = { ...options.headers };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text !== "" && (response.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(text);
    const result = { status: response.status, headers: response.headers, body: parsed, text };
    if (!options.unchecked) conformance.check(method, path, result);
    return result;
  };
}

/** Validates responses against the schema the document gives for their path, method and status. */
class Conformance {
  readonly #ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false });
  readonly #cache = new Map<string, ValidateFunction>();
  readonly #templates = Object.keys(openapi.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`),
  }));

  constructor() {
    this.#ajv.addSchema({ $id: "doc", components: openapi.components }, "doc");
  }

  check(method: string, path: string, result: CallResult): void {
    const pathname = path.split("?")[0]!;
    const found = this.#templates.find((t) => t.pattern.test(pathname));
    if (!found) throw new Error(`${method} ${pathname}: not in the OpenAPI document`);
    const operation = (openapi.paths as Record<string, Record<string, any>>)[found.template]![method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${found.template}: no such operation in the OpenAPI document`);
    let response = operation.responses[String(result.status)];
    if (!response) throw new Error(`${method} ${found.template}: status ${result.status} is not documented`);
    if (response.$ref) response = (openapi.components.responses as Record<string, any>)[response.$ref.split("/").pop()];
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) {
      // A documented non-JSON body (Prometheus text) is not checked further.
      if (result.text !== "" && !response.content) throw new Error(`${method} ${found.template} ${result.status}: undocumented body`);
      return;
    }
    const key = JSON.stringify(schema);
    let validate = this.#cache.get(key);
    if (!validate) {
      const rebased = JSON.parse(key.replaceAll('"#/components/', '"doc#/components/'));
      validate = this.#ajv.compile(rebased);
      this.#cache.set(key, validate);
    }
    if (!validate(result.body)) {
      throw new Error(
        `${method} ${found.template} ${result.status}: response does not match the document: ${this.#ajv.errorsText(validate.errors)}\n${result.text.slice(0, 500)}`,
      );
    }
  }
}

const conformance = new Conformance();
