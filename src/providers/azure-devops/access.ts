import type { PushAccess, RepoRef } from "../../core/index.js";
import type { AzureContext } from "./context.js";
import { asObject, str } from "./mappers.js";

/**
 * "Test connection"'s push check on Azure DevOps, made without writing: the token's identity
 * is asked whether it holds Contribute on the branch (Git Repositories security namespace),
 * which inherits from the repository and project. Branch policies that demand a pull request
 * are not read: with one, choose the pull-request outbound mode.
 */

export const GIT_REPOSITORIES_NAMESPACE = "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87";
/** The GenericContribute bit: push commits and create or update branches. */
export const GENERIC_CONTRIBUTE = 4;

/** A branch's security token part: each `/` segment as hex of its UTF-16LE bytes. */
export function branchToken(branch: string): string {
  return branch.split("/").map((segment) => Buffer.from(segment, "utf16le").toString("hex")).join("/");
}

export async function checkPushAccess(ctx: AzureContext, repo: RepoRef, branch: string): Promise<PushAccess> {
  const repository = asObject(await ctx.client.json<unknown>("GET", ctx.api(repo), {}, "repository"), "repository");
  const project = str(asObject(repository["project"], "repository.project"), "id", "repository.project");
  const token = `repoV2/${project}/${str(repository, "id", "repository")}/refs/heads/${branchToken(branch)}/`;
  const answer = asObject(
    await ctx.client.json<unknown>(
      "GET",
      `${ctx.collection(repo)}/_apis/permissions/${GIT_REPOSITORIES_NAMESPACE}/${GENERIC_CONTRIBUTE}`,
      { tokens: token, alwaysAllowAdministrators: false, delimiter: "," },
      "permissions",
    ),
    "permissions",
  )["value"];
  const allowed = Array.isArray(answer) && answer[0] === true;
  return allowed
    ? { ok: true, message: `the token may push to ${branch} (Contribute is allowed)` }
    : { ok: false, message: `the token may not push to ${branch}: grant its user Contribute on the repository or branch` };
}
