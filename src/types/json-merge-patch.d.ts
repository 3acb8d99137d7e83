/** The parts of the untyped `json-merge-patch` package the server uses (RFC 7396). */
declare module "json-merge-patch" {
  /** Applies `patch` to `target`; mutates and returns `target` when both are objects. */
  export function apply(target: unknown, patch: unknown): unknown;
  const mergePatch: { apply: typeof apply };
  export default mergePatch;
}
