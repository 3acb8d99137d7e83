import { GitsyncError } from "../../core/index.js";

/**
 * Paged lists, once for every adapter. Forges cut every list into pages and name the next one
 * in their own way (a Link header, a `next` URL, a continuation token, an offset); an adapter
 * turns one answer into a `Page` and lets `allPages` read on until a page names no next one.
 * A list read only up to its first page looks complete and is not: a comment, a file or a
 * pull request past it would silently not exist.
 */

/** One page of a list: its values, and where the next page is (null on the last one). */
export interface Page<T, Next = string> {
  values: T[];
  next: Next | null;
}

/**
 * Every value of a paged list, in order: the first page, then each page the previous one names.
 * A forge that names the same page twice would loop forever; that is an error instead.
 */
export async function allPages<T, Next = string>(
  what: string,
  first: () => Promise<Page<T, Next>>,
  following: (next: Next) => Promise<Page<T, Next>>,
): Promise<T[]> {
  let page = await first();
  const values = [...page.values];
  const seen = new Set<string>();
  while (page.next !== null) {
    const key = JSON.stringify(page.next);
    if (seen.has(key)) throw new GitsyncError("provider_error", `${what}: the list names the same next page twice`);
    seen.add(key);
    page = await following(page.next);
    values.push(...page.values);
  }
  return values;
}
