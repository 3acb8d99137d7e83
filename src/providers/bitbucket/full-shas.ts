/**
 * Full hashes of the 12-character ones Bitbucket's pull request webhooks carry, as the adapter
 * learns them. Statuses, reports and annotations must name a commit by its full hash, and one
 * check names its head several times (its diff, the status in progress, the verdict), so the
 * hash is looked up at most once, and not at all when an earlier answer already named it in
 * full. Bounded: the oldest is forgotten first.
 */

const FULL_SHA = /^[0-9a-f]{40}$/i;

export class FullShas {
  readonly #known = new Map<string, string>();

  constructor(private readonly capacity = 256) {}

  get(repository: string, hash: string): string | undefined {
    return FULL_SHA.test(hash) ? hash : this.#known.get(`${repository}@${hash.toLowerCase()}`);
  }

  /** Keeps `full` as the expansion of `hash` when it is one: a full hash that `hash` starts. */
  learn(repository: string, hash: string, full: string): void {
    if (FULL_SHA.test(hash) || !FULL_SHA.test(full) || !full.toLowerCase().startsWith(hash.toLowerCase())) return;
    const key = `${repository}@${hash.toLowerCase()}`;
    this.#known.delete(key);
    this.#known.set(key, full.toLowerCase());
    if (this.#known.size > this.capacity) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
  }
}

/**
 * The commit a link into the source names (`…/src/{hash}/{path}`), or null. Bitbucket writes
 * these links with the full hash even when the request named a short one.
 */
export function srcLinkCommit(href: string | null | undefined): string | null {
  return href?.match(/\/src\/([0-9a-f]{40})\//i)?.[1] ?? null;
}
