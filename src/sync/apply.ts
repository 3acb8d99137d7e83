import type { Actor, Store } from "../core/index.js";
import type { Plan } from "./plan.js";

/**
 * Applies a plan through a Store (call it with a transaction's Store so the whole plan lands
 * together). `outbox` is true for changes that must flow on to git (imports), false for
 * changes that came from git (inbound), which must not be committed back.
 */
export async function applyPlan(tx: Store, tenant: string, plan: Plan, actor: Actor, options: { outbox: boolean }): Promise<void> {
  for (const item of plan.items) {
    switch (item.action) {
      case "create":
      case "update":
        if (!item.body) throw new Error(`plan item ${item.kind}/${item.name} has no body`);
        await tx.putResource(tenant, {
          kind: item.kind,
          name: item.name,
          body: item.body,
          project: item.project,
          actor,
          outbox: options.outbox,
        });
        break;
      case "archive":
      case "delete":
        await tx.deleteResource(tenant, { kind: item.kind, name: item.name, actor, outbox: options.outbox, mode: item.action });
        break;
      case "keep":
        break;
    }
  }
}
