import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { WebhookRequest } from "../../../src/core/index.js";
import { GitLabProvider } from "../../../src/providers/gitlab/index.js";
import { failure } from "../../helpers/gitsync-error.js";

const SECRET = "s3cret-webhook-token";
const provider = new GitLabProvider({ host: "https://gitlab.example.test", token: "glpat-unit", webhookSecret: SECRET });

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/gitlab/${name}.json`, import.meta.url), "utf8")) as Record<string, unknown>;
}

function request(body: unknown, headers: Record<string, string>): WebhookRequest {
  return { headers, rawBody: Buffer.from(JSON.stringify(body)) };
}

describe("GitLab webhooks", () => {
  it("normalises the documented push payload with Idempotency-Key as delivery id", async () => {
    const event = await provider.parseWebhook(
      request(fixture("webhook-push"), {
        "X-Gitlab-Event": "Push Hook",
        "X-Gitlab-Token": SECRET,
        "X-Gitlab-Event-UUID": "event-uuid-1",
        "Idempotency-Key": "idem-1",
      }),
    );
    expect(event).toEqual({
      kind: "push",
      provider: "gitlab",
      deliveryId: "idem-1",
      repository: "acme/config",
      branch: "main",
      before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
      after: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      forced: false,
      pusher: { name: "John Smith", email: "john@example.com" },
      changedPaths: null,
    });
  });

  it("falls back to X-Gitlab-Event-UUID when there is no Idempotency-Key", async () => {
    const event = await provider.parseWebhook(request(fixture("webhook-push"), { "x-gitlab-token": SECRET, "x-gitlab-event-uuid": "event-uuid-2" }));
    expect(event?.deliveryId).toBe("event-uuid-2");
  });

  it("normalises the documented merge request payload", async () => {
    const event = await provider.parseWebhook(request(fixture("webhook-merge-request"), { "x-gitlab-token": SECRET, "idempotency-key": "k" }));
    expect(event).toEqual({
      kind: "pull_request",
      provider: "gitlab",
      deliveryId: "k",
      repository: "acme/config",
      action: "opened",
      number: 1,
      head: "ms-viewport",
      headSha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      base: "main",
      baseSha: null,
    });
  });

  it("maps merge request actions and ignores approvals, tag pushes and other events", async () => {
    const mr = fixture("webhook-merge-request");
    const withAction = (action: string) => ({ ...mr, object_attributes: { ...(mr["object_attributes"] as object), action } });
    const headers = { "x-gitlab-token": SECRET, "idempotency-key": "k" };
    expect((await provider.parseWebhook(request(withAction("merge"), headers)))?.kind).toBe("pull_request");
    expect(await provider.parseWebhook(request(withAction("merge"), headers))).toMatchObject({ action: "merged" });
    expect(await provider.parseWebhook(request(withAction("update"), headers))).toMatchObject({ action: "updated" });
    expect(await provider.parseWebhook(request(withAction("approved"), headers))).toBeNull();
    expect(await provider.parseWebhook(request({ ...fixture("webhook-push"), ref: "refs/tags/v1" }, headers))).toBeNull();
    expect(await provider.parseWebhook(request({ object_kind: "pipeline" }, headers))).toBeNull();
  });

  it("rejects a wrong, a missing and a differently sized token with bad_signature", async () => {
    const body = fixture("webhook-push");
    const cases: Record<string, string>[] = [{ "x-gitlab-token": "wrong-token-value!!" }, {}, { "x-gitlab-token": "x" }];
    for (const headers of cases) {
      const error = await failure(provider.parseWebhook(request(body, headers)));
      expect(error.code).toBe("bad_signature");
      expect(error.message).not.toContain(SECRET);
    }
  });

  it("verifies before parsing: a bad token with a broken body is a bad signature", async () => {
    const error = await failure(provider.parseWebhook({ headers: { "x-gitlab-token": "nope" }, rawBody: Buffer.from("{not json") }));
    expect(error.code).toBe("bad_signature");
  });

  it("names the missing field of a malformed push payload", async () => {
    const { project: _project, ...noProject } = fixture("webhook-push");
    const error = await failure(provider.parseWebhook(request(noProject, { "x-gitlab-token": SECRET })));
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain("project");
  });
});
