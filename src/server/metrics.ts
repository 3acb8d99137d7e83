import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Metrics } from "../core/metrics.js";

/** Latency buckets in seconds: sub-second API round trips up to a few minutes of retries. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * gitsync's Prometheus metrics, in a registry of their own per server (two servers in one
 * process, as in tests, never share counters). Names are documented in the README.
 */
export class ServerMetrics implements Metrics {
  readonly registry = new Registry();
  readonly #outbound: Histogram;
  readonly #inbound: Histogram;
  readonly #webhooks: Counter;
  readonly #provider: Counter;
  readonly #failures: Counter;
  readonly #http: Histogram;

  /** `queueDepth` is read at each scrape: pending background work, by kind. */
  constructor(queueDepth: () => Promise<Record<string, number>>) {
    const registers = [this.registry];
    this.#outbound = new Histogram({
      name: "gitsync_outbound_latency_seconds",
      help: "Seconds from an app write to the git commit that holds it",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#inbound = new Histogram({
      name: "gitsync_inbound_latency_seconds",
      help: "Seconds from a push webhook's arrival to its changes applied to the tenant",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#webhooks = new Counter({
      name: "gitsync_webhook_deliveries_total",
      help: "Webhook deliveries by provider and outcome",
      labelNames: ["provider", "outcome"],
      registers,
    });
    this.#provider = new Counter({
      name: "gitsync_provider_requests_total",
      help: "HTTP requests to git providers' APIs by provider, operation and status",
      labelNames: ["provider", "operation", "status"],
      registers,
    });
    this.#failures = new Counter({
      name: "gitsync_job_failures_total",
      help: "Background work that failed, by kind",
      labelNames: ["kind"],
      registers,
    });
    this.#http = new Histogram({
      name: "gitsync_http_request_duration_seconds",
      help: "HTTP request durations by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      buckets: HTTP_BUCKETS,
      registers,
    });
    new Gauge({
      name: "gitsync_job_queue_depth",
      help: "Jobs queued or running, by kind",
      labelNames: ["kind"],
      registers,
      async collect() {
        // A scrape while the database is away shows no depth rather than failing the scrape.
        const depths = await queueDepth().catch(() => ({}));
        this.reset();
        for (const [kind, depth] of Object.entries(depths)) this.set({ kind }, depth);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "gitsync_process_" });
  }

  outboundLatency(seconds: number): void {
    this.#outbound.observe(seconds);
  }

  inboundLatency(seconds: number): void {
    this.#inbound.observe(seconds);
  }

  webhook(provider: string, outcome: string): void {
    this.#webhooks.inc({ provider, outcome });
  }

  providerRequest(provider: string, operation: string, status: number | "error"): void {
    this.#provider.inc({ provider, operation, status: String(status) });
  }

  jobFailed(kind: string): void {
    this.#failures.inc({ kind });
  }

  /** `route` is the matched pattern (`/api/v1/tenants/{tenant}`), never the raw path. */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.#http.observe({ method, route, status: String(status) }, seconds);
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
