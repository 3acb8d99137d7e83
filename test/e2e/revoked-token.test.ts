import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";

/*
 * "Test connection" on the built server, against a loopback forge that refuses every token as a
 * revoked one: the failed step names the cause with the `unauthorized` code, the forge's
 * message is shown, nothing is retried and the token is in no answer or log line.
 */

interface Refusing {
  url: string;
  seen: string[];
  close(): Promise<void>;
}

async function refusingForge(body: unknown): Promise<Refusing> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const FORGES = [
  { provider: "gitlab", repository: "group/project", token: "glpat-revoked-e2e", refusal: { message: "401 Unauthorized" }, path: "" },
  { provider: "bitbucket", repository: "acme/config", token: "bb-revoked-e2e", refusal: { type: "error", error: { message: "Unauthorized" } }, path: "/2.0" },
] as const;

describe("Test connection with a revoked token, on the built server", () => {
  let server: BuiltServer;
  const api = (method: string, path: string, options: Parameters<typeof callBuilt>[3] = {}) => callBuilt(server, method, `/api/v1/tenants${path}`, options);

  beforeAll(async () => {
    server = await serveBuilt({ env: { GITLAB_WEBHOOK_SECRET: "e2e-gitlab", BITBUCKET_WEBHOOK_SECRET: "e2e-bitbucket" } });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  for (const forge of FORGES) {
    it(`says the ${forge.provider} token was refused, with the unauthorized code, after one request`, async () => {
      const fake = await refusingForge(forge.refusal);
      try {
        const slug = `revoked-${forge.provider}`;
        expect((await api("POST", "", { body: { slug, name: slug } })).status).toBe(201);
        const git = await api("PUT", `/${slug}/git`, {
          body: { provider: forge.provider, repository: forge.repository, baseUrl: `${fake.url}${forge.path}`, token: forge.token },
        });
        expect(git.status).toBe(200);

        const test = await api("POST", `/${slug}/git/test`);
        expect(test.status).toBe(200);
        const results = test.body.results as { check: string; ok: boolean; message: string; code?: string }[];
        expect(results[0]).toMatchObject({ check: "credentials", ok: true });
        expect(results[1]).toMatchObject({ check: "branch", ok: false, code: "unauthorized" });
        expect(results[1]?.message).toMatch(/401/);
        expect(results.map((r) => r.check)).not.toContain("read");
        expect(fake.seen).toHaveLength(1);
        expect(JSON.stringify(test.body)).not.toContain(forge.token);
        expect(server.output()).not.toContain(forge.token);
      } finally {
        await fake.close();
      }
    }, 60_000);
  }
});
