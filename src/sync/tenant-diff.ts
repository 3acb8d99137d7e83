import { parse } from "yaml";
import { sameContent, textOf, type FileChange, type FileContent, type GitConnection, type Resource } from "../core/index.js";
import type { Catalog } from "../catalog/catalog.js";
import { resourcePath, writeResource } from "../catalog/serialize.js";
import { locateFile } from "../validation/index.js";
import { compareProjects } from "./plan.js";

/**
 * What differs between the tenant and its branch, file by file: the changes that would make
 * the branch hold exactly the exportable tenant. Snapshots commit them, full resyncs commit
 * them directly, and the projects route counts them (the "yellow dot").
 */

export interface TenantDiffItem {
  action: "create" | "update" | "delete";
  kind: string;
  name: string;
  project: string | null;
}

export interface TenantDiff {
  changes: FileChange[];
  items: TenantDiffItem[];
}

export function diffTenantWithTree(input: {
  catalog: Catalog;
  git: GitConnection;
  resources: readonly Resource[];
  /** The files under the connection's path at the branch head. */
  files: readonly FileContent[];
}): TenantDiff {
  const { catalog, git } = input;
  const inGit = new Map<string, FileContent[]>();
  for (const file of input.files) {
    const at = locateFile(catalog, git.path, file.path);
    if (!at || !at.kind.exported) continue;
    const key = `${at.kind.id}/${at.name}`;
    inGit.set(key, [...(inGit.get(key) ?? []), { path: file.path, content: file.content }]);
  }

  const changes: FileChange[] = [];
  const items: TenantDiffItem[] = [];
  const wanted = new Set<string>();
  for (const resource of input.resources) {
    const kind = catalog.byId(resource.kind);
    if (resource.archived || !kind?.exported) continue;
    const key = `${resource.kind}/${resource.name}`;
    wanted.add(key);
    const path = resourcePath(git.path, kind.folder, resource.name, git.format);
    const present = inGit.get(key) ?? [];
    const current = present.find((f) => f.path === path)?.content;
    // Edited in place: a file that already holds the resource is left exactly as written.
    const content = writeResource(catalog, resource.kind, resource.body, git.format, current === undefined ? undefined : textOf(current));
    const same = current !== undefined && sameContent(current, content);
    if (!same) changes.push({ action: "upsert", path, content });
    const strays = present.filter((f) => f.path !== path);
    for (const stray of strays) changes.push({ action: "delete", path: stray.path });
    if (present.length === 0) items.push({ action: "create", kind: resource.kind, name: resource.name, project: resource.project });
    else if (!same || strays.length > 0) {
      items.push({ action: "update", kind: resource.kind, name: resource.name, project: resource.project });
    }
  }
  for (const [key, present] of inGit) {
    if (wanted.has(key)) continue;
    const [kind, name] = splitKey(key);
    for (const file of present) changes.push({ action: "delete", path: file.path });
    items.push({ action: "delete", kind, name, project: projectOf(present[0]!.content) });
  }
  changes.sort((a, b) => a.path.localeCompare(b.path));
  return { changes, items };
}

export interface ProjectPending {
  project: string | null;
  created: number;
  updated: number;
  deleted: number;
}

/** Pending-change counts per project, projects in name order, no project last. */
export function countByProject(items: readonly TenantDiffItem[]): ProjectPending[] {
  const byProject = new Map<string | null, ProjectPending>();
  for (const item of items) {
    const entry = byProject.get(item.project) ?? { project: item.project, created: 0, updated: 0, deleted: 0 };
    if (item.action === "create") entry.created += 1;
    else if (item.action === "update") entry.updated += 1;
    else entry.deleted += 1;
    byProject.set(item.project, entry);
  }
  return [...byProject.values()].sort((a, b) => compareProjects(a.project, b.project));
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** The project of a file that the tenant no longer has, for grouping; null when unreadable. */
function projectOf(content: Uint8Array): string | null {
  try {
    const value: unknown = parse(Buffer.from(content).toString("utf8"));
    if (value && typeof value === "object" && "project" in value && typeof value.project === "string") return value.project;
  } catch {
    // A broken file still counts as a deletion; it just has no project to group under.
  }
  return null;
}
