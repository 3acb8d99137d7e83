import { describe, expect, it } from "vitest";
import { buildCommitMessage, changeBody, changeSubject, tenantOfCommit, type CommittedChange } from "../../src/sync/commit-message.js";

const create = (kind: string, name: string): CommittedChange => ({ action: "create", kind, name });
const update = (kind: string, name: string): CommittedChange => ({ action: "update", kind, name });
const remove = (kind: string, name: string): CommittedChange => ({ action: "delete", kind, name });

describe("commit subjects", () => {
  it("name the action, kind and resource of a single change", () => {
    expect(changeSubject([create("model", "accounts")])).toBe("Create model accounts");
    expect(changeSubject([update("file-definition", "orders-csv")])).toBe("Update file-definition orders-csv");
    expect(changeSubject([remove("sync", "old-sync")])).toBe("Delete sync old-sync");
  });

  it("count the resources, and what happened to them when the actions differ", () => {
    expect(changeSubject([create("model", "a"), update("model", "b"), update("sync", "c")])).toBe("Update 3 resources (1 created, 2 updated)");
    expect(changeSubject([remove("model", "a"), create("sync", "b")])).toBe("Update 2 resources (1 created, 1 deleted)");
    expect(changeSubject([create("model", "a"), create("sync", "b")])).toBe("Create 2 resources");
    expect(changeSubject([remove("model", "a"), remove("sync", "b")])).toBe("Delete 2 resources");
  });
});

describe("commit messages", () => {
  it("list each resource with its action in the body, before the trailers, which still mark the tenant", () => {
    const changes = [update("model", "accounts"), create("model", "leads"), remove("sync", "old-sync")];
    const message = buildCommitMessage({
      subject: changeSubject(changes),
      body: changeBody(changes),
      tenant: "acme",
      coAuthors: [{ name: "Bob Builder", email: "bob@example.com" }],
    });
    expect(message).toBe(
      [
        "Update 3 resources (1 created, 1 updated, 1 deleted)",
        "",
        "- Update model accounts",
        "- Create model leads",
        "- Delete sync old-sync",
        "",
        "Co-authored-by: Bob Builder <bob@example.com>",
        "Gitsync-Tenant: acme",
        "",
      ].join("\n"),
    );
    expect(tenantOfCommit(message)).toBe("acme");
  });
});
