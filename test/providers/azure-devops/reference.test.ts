import { describe, expect, it } from "vitest";
import { placeEntries } from "../../../src/providers/azure-devops/read.js";
import { readZip } from "../../../src/providers/azure-devops/zip.js";
import { checkAzureRequest } from "../../helpers/azure-devops-routes.js";
import { writeZip } from "../../helpers/zip-writer.js";

const q = (query: Record<string, string>) => new URLSearchParams(query);
const SHA = "a".repeat(40);

describe("the REST reference description the harness enforces", () => {
  it("allows the requests the adapter makes", () => {
    expect(checkAzureRequest("GET", "refs", q({ filter: "heads/main", "api-version": "7.1" }), undefined)).toBeNull();
    expect(checkAzureRequest("GET", `commits/${SHA}/mergebases`, q({ otherCommitId: SHA, "api-version": "7.1-preview.1" }), undefined)).toBeNull();
    const thread = { comments: [{ parentCommentId: 0, content: "x", commentType: "text" }], status: "active", threadContext: { filePath: "/a.yaml", rightFileStart: { line: 2, offset: 1 }, rightFileEnd: { line: 2, offset: 1 } } };
    expect(checkAzureRequest("POST", "pullRequests/3/threads", q({ "api-version": "7.1" }), thread)).toBeNull();
  });

  it("refuses a wrong api-version, an unknown parameter, a missing one, an unknown route or field", () => {
    expect(checkAzureRequest("GET", "refs", q({ filter: "heads/main", "api-version": "7.2-preview.1" }), undefined)).toMatch(/api-version should be 7\.1/);
    expect(checkAzureRequest("GET", "refs", q({ branch: "main", "api-version": "7.1" }), undefined)).toMatch(/query parameter branch is not allowed/);
    expect(checkAzureRequest("GET", `commits/${SHA}/mergebases`, q({ "api-version": "7.1-preview.1" }), undefined)).toMatch(/otherCommitId is required/);
    expect(checkAzureRequest("GET", "branches", q({ "api-version": "7.1" }), undefined)).toMatch(/no such route/);
    expect(checkAzureRequest("GET", "items", q({ path: "/", $format: "tar", "api-version": "7.1" }), undefined)).toMatch(/\$format=tar/);
    const push = { refUpdates: [{ name: "refs/heads/main", oldObjectId: SHA }], commits: [{ comment: "c", author: { name: "a", email: "a@b" }, changes: [{ changeType: "upsert", item: { path: "a" } }] }] };
    const problem = checkAzureRequest("POST", "pushes", q({ "api-version": "7.1" }), push);
    expect(problem).toMatch(/changeType must be one of add, edit, delete, rename/);
    expect(problem).toMatch(/item\.path should start with \//);
    const thread = { comments: [{ content: "x" }], threadContext: { filePath: "a.yaml", rightFileStart: { line: 0, offset: 1 } } };
    expect(checkAzureRequest("POST", "pullRequests/3/threads", q({ "api-version": "7.1" }), thread)).toMatch(/filePath should start with \/.*line and offset start at 1/);
    expect(checkAzureRequest("POST", "pullRequests/3/statuses", q({ "api-version": "7.1" }), { state: "success", context: { name: "gitsync" } })).toMatch(/status\.state must be one of/);
  });
});

describe("zip downloads", () => {
  it("reads stored names and bytes back, unicode included", () => {
    const zip = writeZip([
      { name: "config/models/café.yaml", content: Buffer.from('name: "ü"\n') },
      { name: "config/bin.dat", content: Buffer.from([0, 255, 1]) },
    ]);
    const files = readZip(zip);
    expect([...files.keys()]).toEqual(["config/models/café.yaml", "config/bin.dat"]);
    expect(files.get("config/bin.dat")).toEqual(Buffer.from([0, 255, 1]));
  });

  it("refuses what is not a zip with a clear error", () => {
    expect(() => readZip(Buffer.from("<html><body>Sign in to your account</body></html>"))).toThrow(/Azure DevOps zip download: no end of central directory record/);
    expect(() => readZip(Buffer.alloc(3))).toThrow(/too short/);
  });

  it("puts a folder's entries back at their repository paths, whatever naming the archive uses", () => {
    const one = new Map([["models/a.yaml", Buffer.from("a")]]);
    expect([...placeEntries(one, "config/models").keys()]).toEqual(["config/models/a.yaml"]);
    expect([...placeEntries(new Map([["config/models/a.yaml", Buffer.from("a")]]), "config/models").keys()]).toEqual(["config/models/a.yaml"]);
    expect([...placeEntries(new Map([["a.yaml", Buffer.from("a")]]), "config/models").keys()]).toEqual(["config/models/a.yaml"]);
    expect([...placeEntries(one, "").keys()]).toEqual(["models/a.yaml"]);
  });
});
