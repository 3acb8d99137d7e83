import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import installationFixture from "../../../fixtures/github/api/installation.json" with { type: "json" };
import tokenFixture from "../../../fixtures/github/api/installation-token.json" with { type: "json" };
import { InstallationClients } from "../../../src/providers/github/index.js";
import { appPrivateKey } from "../../helpers/github-app-mock.js";

/*
 * The App's installation per repository is remembered, and forgotten when GitHub says it
 * changed: an installation event, or a 404 on the installation's token.
 */

const API = "https://api.github.com";
const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };
const REPO = { repository: "acme/config" };
let privateKey: string;

beforeAll(() => {
  privateKey = appPrivateKey();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
// The next test file in this worker may need the network (loopback servers).
afterAll(() => nock.enableNetConnect());

function app(): Probot {
  return new Probot({ appId: 1, privateKey, Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }) });
}

function installationAt(id: number, times = 1): nock.Scope {
  return nock(API).get("/repos/acme/config/installation").times(times).reply(200, { ...installationFixture, id }, JSON_TYPE);
}

async function readRepo(clients: InstallationClients): Promise<number> {
  const octokit = await clients.octokitFor(REPO);
  const { status } = await octokit.rest.repos.get({ owner: "acme", repo: "config" });
  return status;
}

describe("InstallationClients", () => {
  it("looks the installation up once per repository", async () => {
    const lookup = installationAt(7);
    nock(API).post("/app/installations/7/access_tokens").reply(201, tokenFixture, JSON_TYPE);
    nock(API).get("/repos/acme/config").times(2).reply(200, { id: 1 }, JSON_TYPE);
    const clients = new InstallationClients(app());
    expect(await readRepo(clients)).toBe(200);
    expect(await readRepo(clients)).toBe(200);
    expect(lookup.isDone()).toBe(true);
    expect(clients.size).toBe(1);
  });

  it("forgets an installation on its events, and only that one", async () => {
    installationAt(7);
    nock(API).get("/repos/acme/other/installation").reply(200, { ...installationFixture, id: 8 }, JSON_TYPE);
    const clients = new InstallationClients(app());
    await clients.octokitFor(REPO);
    await clients.octokitFor({ repository: "acme/other" });
    expect(clients.size).toBe(2);
    clients.forget({ installation: 7 });
    expect(clients.size).toBe(1);
    clients.forget({ installation: 99, repositories: ["ACME/Other"] });
    expect(clients.size).toBe(0);
    // Looked up again on next use: the App may now be installed elsewhere.
    const again = installationAt(9);
    await clients.octokitFor(REPO);
    expect(again.isDone()).toBe(true);
  });

  it("forgets an installation whose token GitHub no longer issues (404), then finds the new one", async () => {
    installationAt(7);
    nock(API).post("/app/installations/7/access_tokens").reply(404, { message: "Not Found" }, JSON_TYPE);
    const clients = new InstallationClients(app());
    await expect(readRepo(clients)).rejects.toMatchObject({ status: 404 });
    expect(clients.size).toBe(0);

    installationAt(8);
    nock(API).post("/app/installations/8/access_tokens").reply(201, tokenFixture, JSON_TYPE);
    nock(API).get("/repos/acme/config").reply(200, { id: 1 }, JSON_TYPE);
    expect(await readRepo(clients)).toBe(200);
  });
});
