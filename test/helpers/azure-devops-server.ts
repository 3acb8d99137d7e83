import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AzureDevOpsHarness } from "../contract/azure-devops-harness.js";

/**
 * An Azure DevOps Server stand-in on loopback: a collection at `<url>/acme` holding project
 * `Data Platform` and repository `config`, answered by the contract harness's forge and checked
 * against the REST reference's description. A gitsync server (in this process or built and
 * started on its own) reaches it through the connection's `baseUrl`.
 */
export interface AzureStandIn {
  /** The collection URL to give as the git connection's `baseUrl`. */
  collection: string;
  harness: AzureDevOpsHarness;
  close(): Promise<void>;
}

export async function startAzureStandIn(): Promise<AzureStandIn> {
  let harness: AzureDevOpsHarness | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const auth = req.headers.authorization;
      (harness as AzureDevOpsHarness).dispatch(req.method ?? "GET", url, Buffer.concat(chunks).toString("utf8"), auth).then(
        ([status, body, headers]) => {
          const payload = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
          res.writeHead(status, headers ?? {}).end(payload);
        },
        (failure: Error) => res.writeHead(500).end(failure.message),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const collection = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme`;
  harness = new AzureDevOpsHarness(collection);
  return {
    collection,
    harness,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
