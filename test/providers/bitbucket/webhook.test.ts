import { describe, expect, it } from "vitest";
import type { WebhookRequest } from "../../../src/core/index.js";
import { BitbucketProvider, signBitbucketBody } from "../../../src/providers/bitbucket/index.js";
import { fixture, signedDelivery } from "../../contract/bitbucket-model.js";
import { failure } from "../../helpers/gitsync-error.js";

const SECRET = "webhook-secret";
const provider = () => new BitbucketProvider({ auth: { token: "t" }, webhookSecret: SECRET });

const DELIVERY_ID = "2c9e6f1a-6b0e-4d1c-9b7a-5f3e2d1c0b9a";

function request(event: string, payload: unknown, signature?: string): WebhookRequest {
  const delivery = signedDelivery(event, payload, SECRET, DELIVERY_ID);
  if (signature !== undefined) delivery.headers["x-hub-signature"] = signature;
  return delivery;
}

describe("bitbucket webhooks", () => {
  it("normalises repo:push with the delivery id from X-Request-UUID and no file list", async () => {
    const payload = fixture("webhook-repo-push");
    const event = await provider().parseWebhook(request("repo:push", payload));
    expect(event).toEqual({
      kind: "push",
      provider: "bitbucket",
      deliveryId: DELIVERY_ID,
      repository: "acme/config",
      branch: "main",
      before: payload.push.changes[0].old.target.hash,
      after: payload.push.changes[0].new.target.hash,
      forced: false,
      pusher: null,
      changedPaths: null,
    });
  });

  it("treats a created branch as moving from the zero sha", async () => {
    const payload = fixture("webhook-repo-push");
    payload.push.changes[0].old = null;
    payload.push.changes[0].created = true;
    const event = await provider().parseWebhook(request("repo:push", payload));
    expect(event).toMatchObject({ kind: "push", before: "0".repeat(40) });
  });

  it("ignores branch deletions, tag pushes and other events", async () => {
    const deleted = fixture("webhook-repo-push");
    deleted.push.changes[0].new = null;
    expect(await provider().parseWebhook(request("repo:push", deleted))).toBeNull();
    const tag = fixture("webhook-repo-push");
    tag.push.changes[0].new.type = "tag";
    expect(await provider().parseWebhook(request("repo:push", tag))).toBeNull();
    expect(await provider().parseWebhook(request("repo:fork", { repository: {} }))).toBeNull();
  });

  it("normalises pull request events", async () => {
    const payload = fixture("webhook-pullrequest-created");
    const event = await provider().parseWebhook(request("pullrequest:created", payload));
    expect(event).toEqual({
      kind: "pull_request",
      provider: "bitbucket",
      deliveryId: DELIVERY_ID,
      repository: "acme/config",
      action: "opened",
      number: 1,
      head: "demo/2024.05.01.1",
      headSha: payload.pullrequest.source.commit.hash,
      base: "main",
      baseSha: payload.pullrequest.destination.commit.hash,
    });
    expect(await provider().parseWebhook(request("pullrequest:fulfilled", payload))).toMatchObject({ action: "merged" });
    expect(await provider().parseWebhook(request("pullrequest:rejected", payload))).toMatchObject({ action: "closed" });
  });

  it("rejects a wrong, truncated or missing signature before reading the body", async () => {
    const payload = fixture("webhook-repo-push");
    const wrong = request("repo:push", payload, signBitbucketBody("other body", SECRET));
    expect((await failure(provider().parseWebhook(wrong))).code).toBe("bad_signature");
    const short = request("repo:push", payload, "sha256=abc");
    expect((await failure(provider().parseWebhook(short))).code).toBe("bad_signature");
    const none = request("repo:push", payload);
    delete none.headers["x-hub-signature"];
    const error = await failure(provider().parseWebhook(none));
    expect(error.code).toBe("bad_signature");
    // A signed body that is not JSON is only looked at after the signature passed.
    const garbage = Buffer.from("not json");
    const signedGarbage = { rawBody: garbage, headers: { "x-event-key": "repo:push", "x-request-uuid": "u", "x-hub-signature": signBitbucketBody(garbage, SECRET) } };
    expect((await failure(provider().parseWebhook(signedGarbage))).code).toBe("bad_request");
  });

  it("names the missing field of a malformed payload", async () => {
    const payload = fixture("webhook-repo-push");
    delete payload.push.changes[0].new.target;
    const error = await failure(provider().parseWebhook(request("repo:push", payload)));
    expect(error.code).toBe("provider_error");
    expect(error.message).toContain("field push.changes[0].new.target:");
  });
});
