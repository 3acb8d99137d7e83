import { GitsyncError } from "../../core/index.js";

/**
 * Azure DevOps names a repository by organization (or collection), project and repository:
 * gitsync writes it `organization/project/repository`. On Azure DevOps Services the collection
 * URL is `https://dev.azure.com/{organization}`; on Azure DevOps Server it is the connection's
 * `baseUrl` (e.g. `https://tfs.example.com/tfs/DefaultCollection`), and the first part names
 * that collection.
 */

export const SERVICES_HOST = "https://dev.azure.com";

export interface AzureRepository {
  organization: string;
  project: string;
  repository: string;
}

export function parseRepository(name: string): AzureRepository {
  const parts = name.split("/");
  if (parts.length !== 3 || parts.some((part) => part.trim() === "")) {
    throw new GitsyncError("config_error", `Azure DevOps repository "${name}" must be organization/project/repository`, { field: "repository" });
  }
  const [organization, project, repository] = parts as [string, string, string];
  return { organization, project, repository };
}

/** The collection URL: the Server's `baseUrl` as given, or the organization on Services. */
export function collectionUrl(repo: AzureRepository, baseUrl: string | null): string {
  if (baseUrl !== null) return baseUrl.replace(/\/+$/, "");
  return `${SERVICES_HOST}/${encodeURIComponent(repo.organization)}`;
}

/** `{collection}/{project}/_apis/git/repositories/{repository}`: the root of every route used. */
export function repositoryApi(repo: AzureRepository, baseUrl: string | null): string {
  return `${collectionUrl(repo, baseUrl)}/${encodeURIComponent(repo.project)}/_apis/git/repositories/${encodeURIComponent(repo.repository)}`;
}

/** The repository's web page, for pull request links. */
export function repositoryWeb(repo: AzureRepository, baseUrl: string | null): string {
  return `${collectionUrl(repo, baseUrl)}/${encodeURIComponent(repo.project)}/_git/${encodeURIComponent(repo.repository)}`;
}

/**
 * The organization (or Server collection) a service hook's repository lives in, from its
 * `remoteUrl`: `https://dev.azure.com/{org}/{project}/_git/{repo}`, the older
 * `https://{org}.visualstudio.com/[DefaultCollection/]{project}/_git/{repo}`, or a Server's
 * `https://host/[path/]{collection}/{project}/_git/{repo}`. Null when it is none of these.
 */
export function organizationFromRemoteUrl(remoteUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(remoteUrl);
  } catch {
    return null;
  }
  const visualStudio = /^([^.]+)\.visualstudio\.com$/i.exec(url.hostname);
  if (visualStudio) return visualStudio[1] ?? null;
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const git = segments.indexOf("_git");
  const collection = git >= 2 ? segments[git - 2] : undefined;
  return collection === undefined ? null : decodeURIComponent(collection);
}
