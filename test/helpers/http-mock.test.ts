import { createServer, type Server } from "node:http";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStrictHttpMock, useStrictHttpMock } from "./http-mock.js";

const API = "https://api.example.test";

async function loopbackServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => res.end(`real ${req.method} ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, url: `http://127.0.0.1:${address.port}` };
}

describe("strict http mock: what it reports (nock 14)", () => {
  const session = createStrictHttpMock();
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());

  it("serves and records a mocked request and reports nothing", async () => {
    session.start();
    session.scope(API).get("/repos/acme/config").reply(200, { id: 1 });
    const response = await fetch(`${API}/repos/acme/config`);
    expect(await response.json()).toEqual({ id: 1 });
    expect(session.requests).toEqual([{ method: "GET", url: "/repos/acme/config" }]);
    expect(session.finish()).toEqual([]);
  });

  it("reports a request to a host without mocks as unmatched", async () => {
    session.start();
    await expect(fetch(`${API}/nowhere`)).rejects.toThrow();
    const problems = session.finish();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("unmatched requests");
    expect(problems[0]).toContain("GET https://api.example.test");
    expect(problems[0]).toContain("/nowhere");
  });

  it("reports a request that no mock of its host matches as unmatched", async () => {
    session.start();
    session.scope(API).get("/expected").reply(200, {});
    await expect(fetch(`${API}/other`, { method: "POST" })).rejects.toThrow();
    const problems = session.finish();
    expect(problems.join("\n")).toMatch(/unmatched requests:\n {2}POST .*api\.example\.test.*\/other/);
    // The mock that was not called is reported as well.
    expect(problems.join("\n")).toMatch(/unused mocks:\n {2}GET https:\/\/api\.example\.test:443\/expected/);
  });

  it("reports a mock that was never used", () => {
    session.start();
    nock(API).get("/never").reply(200, {});
    expect(session.finish()).toEqual(["unused mocks:\n  GET https://api.example.test:443/never"]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("lets loopback traffic through to a real server without reporting it", async () => {
    const { server, url } = await loopbackServer();
    nock.enableNetConnect((host) => host.startsWith("127.0.0.1"));
    try {
      session.start();
      const response = await fetch(`${url}/healthz`);
      expect(await response.text()).toBe("real GET /healthz");
      expect(session.finish()).toEqual([]);
    } finally {
      nock.disableNetConnect();
      server.close();
    }
  });
});

describe("strict http mock: as test files use it", () => {
  const mock = useStrictHttpMock();

  it("counts the requests served by its scopes, and resets the count", async () => {
    mock.scope(API).get("/a").reply(200, "a").post("/b").reply(201, "b");
    await fetch(`${API}/a`);
    mock.resetCount();
    const response = await fetch(`${API}/b`, { method: "POST", body: "x" });
    expect(response.status).toBe(201);
    expect(mock.requests).toEqual([{ method: "POST", url: "/b" }]);
  });
});
