/** @import { GitConnection, Role } from "./types.js" */

/** @type {Record<Role, number>} */
const RANK = { viewer: 0, editor: 1, admin: 2 };

/**
 * The caller acts with the lower of the user's and the token's role, as the server does.
 * @param {Role} user @param {Role} token @returns {Role}
 */
export function effectiveRole(user, token) {
  return RANK[user] <= RANK[token] ? user : token;
}

/** @param {Role} role @param {Role} needed */
export function atLeast(role, needed) {
  return RANK[role] >= RANK[needed];
}

/** @param {string | null} iso */
export function when(iso) {
  if (iso === null) return "never";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** @param {string} sha */
export const shortSha = (sha) => sha.slice(0, 7);

/**
 * The web page of a commit on the provider, or null (local repositories have none).
 * @param {GitConnection | null} git
 * @param {string} sha
 * @returns {string | null}
 */
export function commitUrl(git, sha) {
  if (!git || !/^[0-9a-f]{7,64}$/i.test(sha)) return null;
  const repo = git.repository.split("/").map(encodeURIComponent).join("/");
  // baseUrl is the API's; the web host is the same server without the API suffix.
  const base = git.baseUrl === null ? null : git.baseUrl.replace(/\/+$/, "").replace(/\/api\/v\d+(\.\d+)?$/, "").replace(/\/rest\/api\/[\d.]+$/, "");
  switch (git.provider) {
    case "github":
      return `${base ?? "https://github.com"}/${repo}/commit/${sha}`;
    case "gitlab":
      return `${base ?? "https://gitlab.com"}/${repo}/-/commit/${sha}`;
    case "bitbucket":
      return `${base === null || /api\.bitbucket\.org/.test(base) ? "https://bitbucket.org" : base}/${repo}/commits/${sha}`;
    case "azure-devops": {
      // organization/project/repository; a Server's baseUrl is its collection URL.
      const [org = "", project = "", name = ""] = git.repository.split("/").map(encodeURIComponent);
      return `${base ?? `https://dev.azure.com/${org}`}/${project}/_git/${name}/commit/${sha}`;
    }
    default:
      return null;
  }
}

/**
 * Only http(s) links are ever followed from data the API returns.
 * @param {string | null} url
 * @returns {string | null}
 */
export function safeUrl(url) {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** @param {number} n @param {string} one @param {string} [many] */
export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
