import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerMetrics } from "./metrics.js";

/**
 * `GET /metrics` alone on GITSYNC_METRICS_PORT, without auth: for a scraper on a network the
 * operator keeps private. Nothing else is served on that port.
 */
export async function listenMetrics(metrics: ServerMetrics, port: number, host: string | null): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://server.invalid").pathname;
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found: this port serves GET /metrics only\n");
      return;
    }
    metrics.text().then(
      ({ contentType, body }) => res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body),
      () => res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("metrics unavailable\n"),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, ...(host !== null ? { host } : {}) }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
