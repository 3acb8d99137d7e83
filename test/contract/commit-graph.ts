/** Walks of a fake forge's commit graph, shared by the forges that model one. */

type Parents = (sha: string) => readonly string[];

/** The commits reachable from `sha` (itself included), nearest first. */
export function ancestry(sha: string, parents: Parents): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = [sha];
  while (queue.length > 0) {
    const next = queue.shift() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    order.push(next);
    queue.push(...parents(next));
  }
  return order;
}

/** The nearest commit of `b`'s ancestry that `a` also reaches (one best common ancestor is enough for test histories); null when none. */
export function mergeBaseOf(a: string, b: string, parents: Parents): string | null {
  const ofA = new Set(ancestry(a, parents));
  return ancestry(b, parents).find((sha) => ofA.has(sha)) ?? null;
}
