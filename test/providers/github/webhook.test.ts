import { describe, expect, it } from "vitest";
import { GitHubProvider } from "../../../src/providers/github/index.js";
import checkRunRerequested from "../../../fixtures/github/webhooks/check_run.rerequested.json" with { type: "json" };
import closed from "../../../fixtures/github/webhooks/pull_request.closed.json" with { type: "json" };
import labeled from "../../../fixtures/github/webhooks/pull_request.labeled.json" with { type: "json" };
import opened from "../../../fixtures/github/webhooks/pull_request.opened.json" with { type: "json" };
import synchronize from "../../../fixtures/github/webhooks/pull_request.synchronize.json" with { type: "json" };
import pushTag from "../../../fixtures/github/webhooks/push-tag.json" with { type: "json" };
import push from "../../../fixtures/github/webhooks/push.json" with { type: "json" };
import { signedRequest } from "../../contract/github-harness.js";
import { failure } from "../../helpers/gitsync-error.js";

const SECRET = "webhook-secret";
const provider = new GitHubProvider({
  webhookSecret: SECRET,
  octokitFor: async () => {
    throw new Error("a webhook must not call the API");
  },
});

function request(payload: unknown, event: string, secret = SECRET) {
  return signedRequest(Buffer.from(JSON.stringify(payload)), secret, event);
}

describe("GitHub webhooks (official @octokit/webhooks-examples payloads)", () => {
  it("normalises a branch push with its delivery id and changed paths", async () => {
    const req = request(push, "push");
    const event = await provider.parseWebhook(req);
    expect(event).toEqual({
      kind: "push",
      provider: "github",
      deliveryId: req.headers["x-github-delivery"],
      repository: push.repository.full_name,
      branch: "master",
      before: push.before,
      after: push.after,
      forced: false,
      pusher: { name: push.pusher.name, email: push.pusher.email },
      // The example creates the branch (before is all zeros): the payload is not trusted for files.
      changedPaths: null,
    });
  });

  it("takes changed paths from an ordinary push's commits", async () => {
    const payload = {
      ...push,
      before: "a".repeat(40),
      created: false,
      commits: [{ ...push.commits[0], added: ["models/a.yaml"], removed: ["jobs/b.yaml"], modified: ["models/c.yaml"] }],
    };
    const event = await provider.parseWebhook(request(payload, "push"));
    expect(event).toMatchObject({ kind: "push", changedPaths: ["jobs/b.yaml", "models/a.yaml", "models/c.yaml"] });
  });

  it("ignores tag pushes and branch deletions", async () => {
    expect(await provider.parseWebhook(request(pushTag, "push"))).toBeNull();
    const deletion = { ...push, after: "0".repeat(40), deleted: true };
    expect(await provider.parseWebhook(request(deletion, "push"))).toBeNull();
  });

  it("maps pull request actions and ignores the others", async () => {
    const o = await provider.parseWebhook(request(opened, "pull_request"));
    expect(o).toMatchObject({
      kind: "pull_request",
      action: "opened",
      number: opened.pull_request.number,
      head: opened.pull_request.head.ref,
      headSha: opened.pull_request.head.sha,
      base: opened.pull_request.base.ref,
      baseSha: opened.pull_request.base.sha,
      repository: opened.repository.full_name,
    });
    expect(await provider.parseWebhook(request(synchronize, "pull_request"))).toMatchObject({ action: "updated" });
    expect(await provider.parseWebhook(request(closed, "pull_request"))).toMatchObject({ action: "closed" });
    const merged = { ...closed, pull_request: { ...closed.pull_request, merged: true } };
    expect(await provider.parseWebhook(request(merged, "pull_request"))).toMatchObject({ action: "merged" });
    expect(await provider.parseWebhook(request(labeled, "pull_request"))).toBeNull();
    expect(await provider.parseWebhook(request({ zen: "Keep it simple." }, "ping"))).toBeNull();
  });

  it("turns a re-run of gitsync's check on a pull request into a rerequested event", async () => {
    expect(await provider.parseWebhook(request(checkRunRerequested, "check_run"))).toBeNull();
    const pr = { url: "x", id: 1, number: 7, head: { ref: "feature", sha: "b".repeat(40), repo: {} }, base: { ref: "main", sha: "c".repeat(40), repo: {} } };
    const payload = { ...checkRunRerequested, check_run: { ...checkRunRerequested.check_run, pull_requests: [pr] } };
    expect(await provider.parseWebhook(request(payload, "check_run"))).toMatchObject({
      kind: "pull_request",
      action: "rerequested",
      number: 7,
      head: "feature",
      base: "main",
    });
  });

  it("rejects a wrong or missing signature before reading the body", async () => {
    expect((await failure(provider.parseWebhook(request(push, "push", "wrong")))).code).toBe("bad_signature");
    const unsigned = request(push, "push");
    delete unsigned.headers["x-hub-signature-256"];
    expect((await failure(provider.parseWebhook(unsigned))).code).toBe("bad_signature");
    const garbage = signedRequest(Buffer.from("not json"), "wrong", "push");
    expect((await failure(provider.parseWebhook(garbage))).code).toBe("bad_signature");
  });

  it("needs the delivery id and reports a body that is not JSON", async () => {
    const noDelivery = request(push, "push");
    delete noDelivery.headers["x-github-delivery"];
    expect((await failure(provider.parseWebhook(noDelivery))).message).toContain("X-GitHub-Delivery");
    const notJson = signedRequest(Buffer.from("not json"), SECRET, "push");
    expect((await failure(provider.parseWebhook(notJson))).code).toBe("bad_request");
  });

  it("refuses to start without a webhook secret", () => {
    expect(() => new GitHubProvider({ webhookSecret: "", octokitFor: async () => Promise.reject(new Error("unused")) })).toThrow(
      /webhookSecret/,
    );
  });
});
