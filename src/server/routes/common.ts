import { GitsyncError, NotFoundError } from "../../core/errors.js";
import type { Store } from "../../core/store.js";
import type { Tenant } from "../../core/types.js";

/** The tenant named in the path, or a 404. */
export async function requireTenant(store: Store, slug: string | undefined): Promise<Tenant> {
  const tenant = slug === undefined ? null : await store.getTenant(slug);
  if (!tenant) throw new NotFoundError(`no tenant ${slug ?? ""}`, { tenant: slug ?? null });
  return tenant;
}

export function param(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new GitsyncError("bad_request", `missing path parameter ${name}`);
  return value;
}

export const etagOf = (version: number): string => `"${version}"`;

/**
 * If-Match as a version: undefined without the header, `*` for "must exist", a 412 for a tag
 * that names no version we could have issued (so a typo never turns into a blind overwrite).
 */
export function ifMatchVersion(header: string | string[] | undefined): number | "*" | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(",") : header).trim();
  if (value === "*") return "*";
  const match = /^(?:W\/)?"(\d+)"$/.exec(value);
  if (!match) {
    throw new GitsyncError("precondition_failed", 'If-Match must be an ETag this server issued, like "3"', {
      ifMatch: value.slice(0, 40),
    });
  }
  return Number(match[1]);
}

/** Resolves `If-Match: *` against what exists now: its version, or a 412 when it does not exist. */
export function expectedFrom(ifMatch: number | "*" | undefined, current: { version: number } | null, what: string): number | undefined {
  if (ifMatch !== "*") return ifMatch;
  if (!current) throw new GitsyncError("precondition_failed", `${what} does not exist (If-Match: *)`);
  return current.version;
}
