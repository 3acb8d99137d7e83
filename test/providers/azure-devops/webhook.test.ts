import { describe, expect, it } from "vitest";
import { GitsyncError, type WebhookRequest } from "../../../src/core/index.js";
import { AzureDevOpsProvider } from "../../../src/providers/azure-devops/index.js";
import { organizationFromRemoteUrl } from "../../../src/providers/azure-devops/naming.js";
import { FIXTURES, basicAuth } from "../../contract/azure-devops-replies.js";

const credentials = { user: "hook-user", password: "hook-password-123" };
const provider = new AzureDevOpsProvider({ token: "pat", webhook: credentials });

function request(payload: unknown, authorization: string | null = basicAuth(credentials.user, credentials.password)): WebhookRequest {
  return { headers: authorization === null ? {} : { Authorization: authorization }, rawBody: Buffer.from(JSON.stringify(payload)) };
}

async function failure(promise: Promise<unknown>): Promise<GitsyncError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(GitsyncError);
  return error as GitsyncError;
}

describe("Azure DevOps service hooks", () => {
  it("normalises the documented git.push payload", async () => {
    expect(await provider.parseWebhook(request(FIXTURES.webhookPush))).toEqual({
      kind: "push",
      provider: "azure-devops",
      deliveryId: "03c164c2-8912-4d5e-8009-3707d5f83734",
      repository: "fabrikam-fiber-inc/Fabrikam-Fiber-Git/Fabrikam-Fiber-Git",
      branch: "master",
      before: "aad331d8d3b131fa9ae03cf5e53965b51942618a",
      after: "33b55f7cb7e7e245323987634f960cf4a6e6bc74",
      forced: false,
      pusher: { name: "Jamal Hartnett", email: "fabrikamfiber4@hotmail.com" },
      changedPaths: null,
    });
  });

  it("normalises pull request created and updated, and a completed one as merged", async () => {
    expect(await provider.parseWebhook(request(FIXTURES.webhookPullRequestCreated))).toEqual({
      kind: "pull_request",
      provider: "azure-devops",
      deliveryId: "2ab4e3d3-b7a6-425e-92b1-5a9982c1269e",
      repository: "fabrikam/Fabrikam/Fabrikam",
      action: "opened",
      number: 1,
      head: "mytopic",
      headSha: "53d54ac915144006c2c9e90d2c7d3880920db49c",
      base: "master",
      baseSha: "a511f535b1ea495ee0c903badb68fbc83772c882",
    });
    expect(await provider.parseWebhook(request(FIXTURES.webhookPullRequestUpdated))).toMatchObject({ action: "updated", number: 1 });
    const completed = { ...FIXTURES.webhookPullRequestUpdated, resource: { ...(FIXTURES.webhookPullRequestUpdated["resource"] as object), status: "completed" } };
    expect(await provider.parseWebhook(request(completed))).toMatchObject({ action: "merged" });
  });

  it("refuses a missing, wrong or malformed basic authentication before reading the body", async () => {
    for (const authorization of [null, basicAuth(credentials.user, "wrong"), basicAuth("other", credentials.password), "Bearer abc", "Basic !!!"]) {
      expect((await failure(provider.parseWebhook(request(FIXTURES.webhookPush, authorization)))).code).toBe("bad_signature");
    }
    expect((await failure(provider.parseWebhook({ headers: {}, rawBody: Buffer.from("not json") }))).code).toBe("bad_signature");
  });

  it("ignores other event types and pushes of tags, and says which field is wrong", async () => {
    expect(await provider.parseWebhook(request({ ...FIXTURES.webhookPush, eventType: "build.complete" }))).toBeNull();
    const tagPush = { ...FIXTURES.webhookPush, resource: { ...(FIXTURES.webhookPush["resource"] as object), refUpdates: [{ name: "refs/tags/v1", oldObjectId: "0".repeat(40), newObjectId: "1".repeat(40) }] } };
    expect(await provider.parseWebhook(request(tagPush))).toBeNull();
    const broken = { ...FIXTURES.webhookPullRequestCreated, resource: { ...(FIXTURES.webhookPullRequestCreated["resource"] as object), pullRequestId: "one" } };
    const error = await failure(provider.parseWebhook(request(broken)));
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain('"pullRequestId"');
    expect((await failure(provider.parseWebhook({ headers: { authorization: basicAuth(credentials.user, credentials.password) }, rawBody: Buffer.from("[") }))).code).toBe("bad_request");
  });

  it("finds the organization or collection in every remote URL form", () => {
    expect(organizationFromRemoteUrl("https://dev.azure.com/acme/Data%20Platform/_git/config")).toBe("acme");
    expect(organizationFromRemoteUrl("https://acme@dev.azure.com/acme/Data%20Platform/_git/config")).toBe("acme");
    expect(organizationFromRemoteUrl("https://acme.visualstudio.com/DefaultCollection/Data/_git/config")).toBe("acme");
    expect(organizationFromRemoteUrl("https://tfs.example.com/tfs/DefaultCollection/Data/_git/config")).toBe("DefaultCollection");
    expect(organizationFromRemoteUrl("not a url")).toBeNull();
    expect(organizationFromRemoteUrl("https://example.com/no/git/here")).toBeNull();
  });
});
