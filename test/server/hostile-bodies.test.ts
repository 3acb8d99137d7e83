import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startServer, type TestServer } from "./harness.js";

/**
 * Request bodies a config file could not hold get 400 with the file rule's code, on every route
 * that reads JSON; before, duplicate keys were accepted and 10,000 nested objects ended in a 500.
 */

let server: TestServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startServer();
  call = client(server);
});
afterAll(async () => {
  await server?.stop();
});

const deep = (levels: number) => `${'{"a": '.repeat(levels)}1${"}".repeat(levels)}`;
const json = { "content-type": "application/json" };

describe("hostile JSON bodies", () => {
  it("refuses a duplicate key in a resource, naming line, column and rule, and stores nothing", async () => {
    const raw = '{"name": "dup", "source": "warehouse", "type": "table",\n "tableName": "public.a", "tableName": "public.b"}';
    const put = await call("PUT", "/api/v1/tenants/demo/resources/models/dup", { raw, headers: json });
    expect(put.status).toBe(400);
    expect(put.body.error.details.diagnostics).toEqual([
      { file: "(request body)", line: 2, column: 27, code: "duplicate-key", severity: "error", message: "duplicate key 'tableName' in this object" },
    ]);
    expect((await call("GET", "/api/v1/tenants/demo/resources/models/dup")).status).toBe(404);
  });

  it("answers 400 depth, not 500, for 10,000 nested objects in a resource and in credentials", async () => {
    const resource = await call("PUT", "/api/v1/tenants/demo/resources/models/deep", {
      raw: `{"name": "deep", "config": ${deep(10_000)}}`,
      headers: json,
    });
    expect(resource.status).toBe(400);
    expect(resource.body.error.details.diagnostics[0].code).toBe("depth");
    const credentials = await call("PUT", "/api/v1/tenants/demo/connections/deep", {
      raw: `{"type": "postgres", "credentials": ${deep(10_000)}}`,
      headers: json,
    });
    expect(credentials.status).toBe(400);
    expect(credentials.body.error.details.diagnostics[0].code).toBe("depth");
    expect((await call("GET", "/api/v1/tenants/demo/connections/deep")).status).toBe(404);
  });

  it("refuses invalid UTF-8 and NUL characters, and never echoes the value", async () => {
    const latin1 = await call("PUT", "/api/v1/tenants/demo/connections/w2", {
      raw: Buffer.from('{"type": "postgres", "credentials": {"password": "s\xe9cret"}}', "latin1"),
      headers: json,
    });
    expect(latin1.status).toBe(400);
    expect(latin1.body.error.details.diagnostics[0].code).toBe("encoding");
    const nul = await call("PUT", "/api/v1/tenants/demo/connections/w2", { raw: '{"type": "postgres", "credentials": {"password": "s\\u0000cret"}}', headers: json });
    expect(nul.status).toBe(400);
    expect(nul.body.error.details.diagnostics[0].code).toBe("encoding");
    expect(JSON.stringify([latin1.body, nul.body])).not.toMatch(/cret/);
  });
});
