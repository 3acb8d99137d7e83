import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parse } from "yaml";
import { ApiDescription, type Errata, type Exchange } from "./api-description.js";
import { bitbucketErrata } from "./bitbucket-errata.js";

/**
 * Which vendor description holds a request, by its URL: GitHub (api.github.com, or a GitHub
 * Enterprise Server's `/api/v3`), Bitbucket Cloud (`/2.0` on api.bitbucket.org) and GitLab
 * (`/api/v4` on any host). Anything else (codeload downloads, our own loopback server, a
 * made-up host of a helper test) has no description and is not checked. Each description is
 * loaded once per test worker, on first use.
 */

const require = createRequire(import.meta.url);
const vendor = (file: string) => new URL(`../fixtures/vendor/${file}`, import.meta.url);

type Json = Record<string, unknown>;
const loaded = new Map<string, ApiDescription>();

function load(name: string, read: () => Json, errata?: Errata): ApiDescription {
  let description = loaded.get(name);
  if (!description) {
    description = new ApiDescription(name, read(), errata);
    loaded.set(name, description);
  }
  return description;
}

const json = (path: string | URL) => JSON.parse(readFileSync(path, "utf8")) as Json;

export const descriptions = {
  github: () => load("api.github.com", () => json(require.resolve("@octokit/openapi/generated/api.github.com.json"))),
  ghes: () => load("GHES 3.19", () => json(require.resolve("@octokit/openapi/generated/ghes-3.19.json"))),
  bitbucket: () => load("Bitbucket Cloud", () => json(vendor("bitbucket-cloud.swagger.v3.json")), bitbucketErrata),
  gitlab: () => load("GitLab REST v4", () => parse(readFileSync(vendor("gitlab-rest.openapi.yaml"), "utf8")) as Json),
};

/** The description for a URL and the path within it, or null when none holds it. */
export function descriptionFor(url: URL): { description: ApiDescription; path: string } | null {
  const path = url.pathname + url.search;
  if (url.hostname === "api.github.com") return { description: descriptions.github(), path };
  if (url.pathname.startsWith("/api/v3/")) return { description: descriptions.ghes(), path: path.slice("/api/v3".length) };
  if (url.hostname === "api.bitbucket.org" && url.pathname.startsWith("/2.0/")) return { description: descriptions.bitbucket(), path: path.slice("/2.0".length) };
  const v4 = url.pathname.indexOf("/api/v4/");
  if (v4 >= 0) return { description: descriptions.gitlab(), path: path.slice(v4 + "/api/v4".length) };
  return null;
}

/** Checks one exchange against its vendor's description; empty when it conforms or has none. */
export function checkExchange(url: URL, exchange: Omit<Exchange, "path">): string[] {
  const found = descriptionFor(url);
  return found ? found.description.check({ ...exchange, path: found.path }) : [];
}
