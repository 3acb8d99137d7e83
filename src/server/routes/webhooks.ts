import * as api from "../../api/shapes.js";
import { GitsyncError } from "../../core/errors.js";
import type { ProviderName } from "../../core/types.js";
import type { InboundOutcome } from "../../sync/inbound.js";
import { resultLines } from "../../sync/push-report.js";
import type { Route } from "../router.js";

/**
 * Webhooks of GitLab, Bitbucket and the local repositories' post-receive hook (GitHub's come
 * through Probot). Each is verified by its provider first, over the exact bytes received; the
 * work then runs as a durable job so the sender gets its answer at once.
 */

const SECRET_VARIABLE: Record<Exclude<ProviderName, "github" | "git">, string> = {
  gitlab: "GITLAB_WEBHOOK_SECRET",
  bitbucket: "BITBUCKET_WEBHOOK_SECRET",
  local: "LOCAL_WEBHOOK_SECRET",
  "azure-devops": "AZURE_DEVOPS_WEBHOOK_USER and AZURE_DEVOPS_WEBHOOK_PASSWORD",
};

/** Longer than the hook waits for an answer: the inline run has finished (or died) by then. */
const SAFETY_NET_MS = 5 * 60_000;

export const webhookRoutes: Route[] = (["gitlab", "bitbucket", "local", "azure-devops"] as const).map((provider) => ({
  method: "POST",
  path: `/webhooks/${provider}`,
  access: "public",
  rawBody: true,
  handler: async ({ req, body }, deps) => {
    const receiver = deps.registry.forWebhook(provider);
    if (!receiver) {
      throw new GitsyncError("not_found", `${provider} webhooks are not configured: set ${SECRET_VARIABLE[provider]}`, { provider });
    }
    const count = (outcome: string) => deps.sync.deps.metrics?.webhook(provider, outcome);
    const event = await receiver.parseWebhook({ headers: req.headers, rawBody: body as Buffer }).catch((error: unknown) => {
      count("rejected");
      throw error;
    });
    if (!event) {
      count("ignored");
      return { status: 202, body: { accepted: false, reason: "event not handled by gitsync" } satisfies api.WebhookAccepted };
    }
    count("accepted");
    // The local post-receive hook waits for the result, to print it to the pusher.
    // Stored first with a delayed job, as a safety net: if this process dies before the work
    // commits, the job runs it after the restart (or on another instance); otherwise the job
    // finds the delivery handled and does nothing.
    if (provider === "local" && req.headers["x-gitsync-wait"] === "1" && event.kind === "push") {
      const { duplicate, job } = await deps.sync.receive(event, { delayMs: SAFETY_NET_MS });
      const results = duplicate ? [] : await deps.sync.handleEvent(event);
      // Done and recorded: the safety net has nothing left to guard.
      if (job !== null) await deps.sync.deps.jobs.discard(job);
      const lines = results.flatMap((r) => resultLines(r.tenant, r.outcome as InboundOutcome));
      return { status: 200, body: { accepted: true, delivery: event.deliveryId, lines } satisfies api.PushAnswer };
    }
    // Stored (delivery and job) before the answer: a crash after the 202 loses nothing.
    const { duplicate, job } = await deps.sync.receive(event);
    return { status: 202, body: { accepted: true, delivery: event.deliveryId, duplicate, job } };
  },
}));
