import * as api from "../../api/shapes.js";
import { GitsyncError } from "../../core/errors.js";
import { checkLines } from "../../sync/push-report.js";
import type { Route } from "../router.js";

/**
 * The local repositories' pre-receive question: would inbound apply this push? The answer is
 * the same verdict `InboundSync.apply` reaches (it calls the same `check`), read through a
 * provider that sees the pushed objects before git accepts them.
 */
export const localPushCheckRoutes: Route[] = [
  {
    method: "POST",
    path: "/webhooks/local/check",
    access: "public",
    rawBody: true,
    handler: async ({ req, body }, deps) => {
      const local = deps.registry.forWebhook("local");
      if (!local) throw new GitsyncError("not_found", "local webhooks are not configured", { provider: "local" });
      const parsed = await deps.registry.local.parsePushCheck({ headers: req.headers, rawBody: body as Buffer });
      if (!parsed) return { status: 200, body: { accepted: true, lines: [] } satisfies api.PushAnswer };
      const results = await deps.sync.checkPush(parsed.event, parsed.view);
      const accepted = results.every((r) => r.check.verdict !== "refused");
      const lines = results.flatMap((r) => checkLines(r.tenant, parsed.event.branch, r.check));
      return { status: 200, body: { accepted, lines } satisfies api.PushAnswer };
    },
  },
];
