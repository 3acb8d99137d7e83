import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStrictHttpMock } from "./http-mock.js";
import { checkExchange } from "./vendor-apis.js";

/**
 * The vendors' API descriptions catch a wrong request or reply: each case below is a mistake an
 * adapter or a fixture could make, and it must be reported; the matching right exchange is not.
 */

const SHA = "0123456789abcdef0123456789abcdef01234567";

function check(url: string, exchange: { method: string; requestBody?: unknown; status?: number; responseBody?: unknown; type?: string }): string[] {
  return checkExchange(new URL(url), {
    method: exchange.method,
    requestBody: exchange.requestBody,
    requestContentType: exchange.type ?? (exchange.requestBody === undefined ? "" : "application/json"),
    status: exchange.status ?? 200,
    responseBody: exchange.responseBody,
  });
}

describe("GitHub's OpenAPI description (api.github.com and GHES)", () => {
  const tree = "https://api.github.com/repos/acme/config/git/trees";

  it("accepts a well-formed tree creation", () => {
    const body = { base_tree: SHA, tree: [{ path: "models/a.yaml", mode: "100644", type: "blob", content: "name: a\n" }] };
    expect(check(tree, { method: "POST", requestBody: body, status: 201, responseBody: { sha: SHA, url: tree, truncated: false, tree: [] } })).toEqual([]);
  });

  it("reports an unknown route", () => {
    expect(check("https://api.github.com/repos/acme/config/git/forest", { method: "POST", requestBody: {} })).toEqual([
      "api.github.com: POST /repos/acme/config/git/forest: no such route in the description",
    ]);
  });

  it("reports a body that does not match, an invalid enum value among them", () => {
    const problems = check(tree, { method: "POST", requestBody: { tree: [{ path: "a", mode: "644", type: "blob" }] }, status: 201 });
    expect(problems.join("\n")).toMatch(/POST \/repos\/\{owner\}\/\{repo\}\/git\/trees: request body: \/tree\/0\/mode must be equal to one of the allowed values/);
    expect(check(tree, { method: "POST", requestBody: { base_tree: SHA }, status: 201 }).join("\n")).toContain("must have required property 'tree'");
  });

  it("reports a wrong-typed and an undescribed query parameter", () => {
    const problems = check("https://api.github.com/repos/acme/config/pulls?state=opened&per_page=many&head_ref=x", { method: "GET", responseBody: [] });
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toContain('query parameter "state" = "opened": /value must be equal to one of the allowed values (open, closed, all)');
    expect(problems.join("\n")).toContain('query parameter "per_page" = "many": /value must be integer');
    expect(problems.join("\n")).toContain('query parameter "head_ref" is not described');
  });

  it("reports a fixture reply that lacks a documented field", () => {
    const ref = "https://api.github.com/repos/acme/config/git/ref/heads%2Fmain";
    const problems = check(ref, { method: "GET", responseBody: { ref: "refs/heads/main", object: { sha: SHA } } });
    expect(problems.join("\n")).toMatch(/GET \/repos\/\{owner\}\/\{repo\}\/git\/ref\/\{ref\}: 200 reply: .*must have required property/);
  });

  it("reports a success status the route does not answer", () => {
    expect(check("https://api.github.com/repos/acme/config/git/refs", { method: "POST", requestBody: { ref: "refs/heads/x", sha: SHA }, status: 200, responseBody: {} })).toEqual([
      "api.github.com: POST /repos/{owner}/{repo}/git/refs: answers 200, which the description does not list",
    ]);
  });

  it("holds a GitHub Enterprise Server base URL to the GHES description", () => {
    const problems = check("https://ghe.example.test/api/v3/repos/acme/config/check-runs", { method: "POST", requestBody: { name: "gitsync", head_sha: SHA, status: "done" }, status: 201 });
    expect(problems.join("\n")).toMatch(/^GHES 3\.19: POST \/repos\/\{owner\}\/\{repo\}\/check-runs: request body: /);
  });
});

describe("Atlassian's Bitbucket Cloud description (vendored copy)", () => {
  const status = `https://api.bitbucket.org/2.0/repositories/acme/config/commit/${SHA}/statuses/build`;

  it("accepts a build status with the documented fields", () => {
    expect(check(status, { method: "POST", requestBody: { key: "gitsync", state: "SUCCESSFUL", url: "https://x.test", refname: "feature/x" }, status: 201 })).toEqual([]);
  });

  it("reports an invalid state and a wrong-typed field", () => {
    const problems = check(status, { method: "POST", requestBody: { key: "gitsync", state: "DONE", url: "https://x.test", refname: 7 }, status: 201 });
    expect(problems.join("\n")).toContain("/state must be equal to one of the allowed values (FAILED, INPROGRESS, STOPPED, SUCCESSFUL)");
    expect(problems.join("\n")).toContain("/refname must be string");
  });

  it("reports an unknown route and a wrong-typed list parameter", () => {
    expect(check("https://api.bitbucket.org/2.0/repositories/acme/config/statuses", { method: "POST", requestBody: {} })[0]).toContain("no such route");
    expect(check("https://api.bitbucket.org/2.0/repositories/acme/config/pullrequests?pagelen=all", { method: "GET" }).join("\n")).toContain('"pagelen" = "all": /value must be integer');
  });
});

describe("the hand-kept GitLab description", () => {
  const api = "https://gitlab.example.test/api/v4/projects/acme%2Fconfig";

  it("accepts a commit status naming its branch", () => {
    expect(check(`${api}/statuses/${SHA}`, { method: "POST", requestBody: { state: "success", name: "gitsync", ref: "main" }, status: 201 })).toEqual([]);
  });

  it("reports an invalid state, an undescribed field and a short sha", () => {
    const problems = check(`${api}/statuses/${SHA.slice(0, 12)}`, { method: "POST", requestBody: { state: "passed", branch: "main" }, status: 201 });
    expect(problems.join("\n")).toContain('path parameter "sha"');
    expect(problems.join("\n")).toContain("/state must be equal to one of the allowed values");
    expect(problems.join("\n")).toContain("must NOT have additional properties");
  });

  it("reports a missing required parameter and an invalid commit action", () => {
    expect(check(`${api}/repository/compare?from=${SHA}`, { method: "GET" })).toEqual([
      'GitLab REST v4: GET /projects/{id}/repository/compare: required query parameter "to" is missing',
    ]);
    const body = { branch: "main", commit_message: "m", actions: [{ action: "upsert", file_path: "a.yaml", content: "a" }] };
    expect(check(`${api}/repository/commits`, { method: "POST", requestBody: body, status: 201 }).join("\n")).toContain("/actions/0/action must be equal to one of the allowed values");
  });
});

describe("the strict HTTP mock holds served exchanges to the descriptions", () => {
  const session = createStrictHttpMock();
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());

  it("fails a test whose request the description does not allow, naming the route", async () => {
    session.start();
    nock("https://api.github.com").post("/repos/acme/config/check-runs").reply(201, { id: 1 });
    await fetch("https://api.github.com/repos/acme/config/check-runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "gitsync", head_sha: SHA, status: "finished" }),
    });
    const problems = session.finish();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^not allowed by the vendor's API description:\n {2}api\.github\.com: POST \/repos\/\{owner\}\/\{repo\}\/check-runs: request body: \/status must be equal/);
    expect(problems[0]).toContain("201 reply:");
  });

  it("reports nothing for an exchange that follows the description", async () => {
    session.start();
    nock("https://gitlab.example.test")
      .post(`/api/v4/projects/acme%2Fconfig/statuses/${SHA}`)
      .reply(201, { id: 1, sha: SHA, status: "success", name: "gitsync", ref: "main" });
    await fetch(`https://gitlab.example.test/api/v4/projects/acme%2Fconfig/statuses/${SHA}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ state: "success", name: "gitsync", ref: "main" }),
    });
    expect(session.finish()).toEqual([]);
  });
});
