/**
 * What the engine, the providers and the server report for `/metrics`. A port: the server's
 * Prometheus registry implements it; code that is handed none reports to `NO_METRICS`.
 */
export interface Metrics {
  /** Seconds from an app write to the commit that holds it. */
  outboundLatency(seconds: number): void;
  /** Seconds from a push webhook's arrival to the tenant holding its changes. */
  inboundLatency(seconds: number): void;
  /** One webhook delivery and what became of it (accepted, ignored, rejected, failed). */
  webhook(provider: string, outcome: string): void;
  /** One HTTP request to a git provider's API: `operation` is its method and endpoint pattern. */
  providerRequest(provider: string, operation: string, status: number | "error"): void;
  /** Background work (a commit, a snapshot, webhook processing) that failed. */
  jobFailed(kind: string): void;
}

export const NO_METRICS: Metrics = {
  outboundLatency: () => undefined,
  inboundLatency: () => undefined,
  webhook: () => undefined,
  providerRequest: () => undefined,
  jobFailed: () => undefined,
};

/**
 * A request's operation label, `GET /projects/{}/repository/commits/{}`: the path with every
 * segment outside the API's own vocabulary replaced, so repository names, branches, shas and
 * file paths never become label values (no secret, and a bounded number of series).
 */
export function operationLabel(method: string, path: string, vocabulary: ReadonlySet<string>): string {
  const segments = path
    .split("?")[0]!
    .split("/")
    .filter((s) => s !== "")
    .map((s) => (vocabulary.has(s) ? s : "{}"));
  return `${method.toUpperCase()} /${segments.join("/")}`.replace(/(\/\{\})+$/, (tail) => (tail.length > 3 ? "/{}…" : tail));
}
