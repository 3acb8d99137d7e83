import { GitsyncError } from "../../core/errors.js";
import { isValidBranchName } from "../../core/refs.js";
import type { GitConnection } from "../../core/types.js";
import type { FieldError } from "../schemas.js";
import type { Route } from "../router.js";
import { requireTenant } from "./common.js";

type GitInput = GitConnection & { token?: string | null };

const REPOSITORY: Record<Exclude<GitConnection["provider"], "local">, { pattern: RegExp; form: string }> = {
  github: { pattern: /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, form: "owner/name" },
  gitlab: { pattern: /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/, form: "group/project" },
  bitbucket: { pattern: /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, form: "workspace/slug" },
};

/** The checks a schema cannot express: per-provider repository forms, ref names, safe paths. */
function semanticErrors(input: GitInput): FieldError[] {
  const errors: FieldError[] = [];
  if (input.provider !== "local") {
    const rule = REPOSITORY[input.provider];
    if (!rule.pattern.test(input.repository)) {
      errors.push({ field: "repository", message: `must be ${rule.form} for ${input.provider}` });
    }
  }
  if (!isValidBranchName(input.branch)) errors.push({ field: "branch", message: "is not a valid git branch name" });
  const segments = input.path.split("/");
  if (input.path !== "" && (input.path.startsWith("/") || input.path.includes("\\") || segments.some((s) => s === ".." || s === "."))) {
    errors.push({ field: "path", message: "must be a relative folder without . or .. segments" });
  }
  if (input.baseUrl !== null) {
    try {
      new URL(input.baseUrl);
    } catch {
      errors.push({ field: "baseUrl", message: "must be an http(s) URL" });
    }
  }
  if (input.provider === "local" && input.baseUrl !== null) {
    errors.push({ field: "baseUrl", message: "must be null for the local provider" });
  }
  return errors;
}

/** The git connection as the API shows it: the token only as `hasToken`. */
export async function gitConnectionView(store: Parameters<Route["handler"]>[1]["store"], tenant: string) {
  const [connection, token] = await Promise.all([store.getGitConnection(tenant), store.getGitToken(tenant)]);
  return { ...connection, hasToken: token !== null };
}

export const gitRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/tenants/{tenant}/git",
    access: "admin",
    handler: async ({ params }, { store }) => {
      const tenant = await requireTenant(store, params.tenant);
      return { status: 200, body: await gitConnectionView(store, tenant.slug) };
    },
  },
  {
    method: "PUT",
    path: "/api/v1/tenants/{tenant}/git",
    access: "admin",
    handler: async ({ params, body }, { store, schemas }) => {
      const tenant = await requireTenant(store, params.tenant);
      const input = schemas.check<GitInput>("GitConnectionInput", body);
      const fields = semanticErrors(input);
      if (fields.length > 0) {
        throw new GitsyncError("bad_request", `invalid git connection: ${fields[0]!.field} ${fields[0]!.message}`, { fields });
      }
      const { token, ...connection } = input;
      // The path is stored without surrounding slashes so `<path>/<folder>` joins cleanly.
      connection.path = connection.path.replace(/^\/+|\/+$/g, "");
      // A local connection always means the tenant's own repository under the data folder.
      if (connection.provider === "local") connection.repository = tenant.slug;
      await store.putGitConnection(tenant.slug, connection, token);
      return { status: 200, body: await gitConnectionView(store, tenant.slug) };
    },
  },
];
