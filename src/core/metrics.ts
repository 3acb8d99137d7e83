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
