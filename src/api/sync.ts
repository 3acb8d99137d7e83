import { Type } from "@sinclair/typebox";
import { Diagnostic, TENANT_SLUG_PATTERN, nullableString, sha } from "./common.js";
import { GitConnection } from "./git.js";
import { IntegrityReport, LastPush } from "./integrity.js";
import { component, enumOf, jsonObject, nullable, ref, type Static } from "./kit.js";
import { SyncLogEntry } from "./log.js";

/** What drives git by hand: status, sync now, imports with their plan, resync, webhook answers. */

export const TenantStatus = component(
  "TenantStatus",
  Type.Object({
    git: ref(GitConnection),
    lastAppliedSha: nullableString("The last commit the tenant was reconciled with"),
    lastCommittedSha: nullableString(),
    lastCommitAt: nullableString(),
    waiting: Type.Integer({ minimum: 0, description: "App changes not yet committed" }),
    lastPush: Type.Optional(ref(LastPush)),
    integrity: Type.Optional(ref(IntegrityReport)),
    poll: Type.Optional(
      Type.Object(
        { lastPollAt: nullableString(), head: nullableString(), error: nullableString("Why the last poll failed") },
        { description: "Provider git: the last poll of the server" },
      ),
    ),
  }),
);
export type TenantStatus = Static<typeof TenantStatus>;

export const SyncNowOutcome = component(
  "SyncNowOutcome",
  Type.Union([
    Type.Object({ status: Type.Literal("committed"), sha: sha(), logId: Type.Integer() }),
    Type.Object({ status: Type.Literal("noop"), reason: Type.String() }),
  ]),
);
export type SyncNowOutcome = Static<typeof SyncNowOutcome>;

export const ImportInput = component(
  "ImportInput",
  Type.Object(
    {
      ref: Type.String({ minLength: 1, maxLength: 255 }),
      source: Type.Optional(Type.String({ pattern: TENANT_SLUG_PATTERN, description: "The tenant whose repository holds the ref (default: this one)" })),
      prune: Type.Optional(Type.Boolean({ description: "Archive resources the source does not have" })),
      dryRun: Type.Optional(Type.Boolean({ description: "Only compute the plan" })),
    },
    { additionalProperties: false },
  ),
);
export type ImportInput = Static<typeof ImportInput>;

export const PLAN_ACTIONS = ["create", "update", "delete", "archive", "keep"] as const;

export const PlanItem = component(
  "PlanItem",
  Type.Object({
    action: enumOf(PLAN_ACTIONS),
    kind: Type.String(),
    name: Type.String(),
    project: nullableString(),
    body: Type.Optional(jsonObject()),
    fields: Type.Optional(Type.Array(Type.String())),
    restored: Type.Optional(Type.Boolean()),
    path: Type.Optional(Type.String()),
  }),
);
export type PlanItem = Static<typeof PlanItem>;

const count = () => Type.Integer({ minimum: 0 });
export const Plan = component(
  "Plan",
  Type.Object({
    items: Type.Array(ref(PlanItem)),
    counts: Type.Object({ create: count(), update: count(), delete: count(), archive: count(), keep: count() }),
  }),
);
export type Plan = Static<typeof Plan>;

export const ImportOutcome = component(
  "ImportOutcome",
  Type.Object({
    status: enumOf(["planned", "applied", "invalid", "missing-connections"]),
    sha: sha(),
    logId: nullable(Type.Integer()),
    plan: Type.Optional(ref(Plan)),
    diagnostics: Type.Optional(Type.Array(ref(Diagnostic))),
    missing: Type.Optional(Type.Array(Type.String(), { description: "Connections the source needs and this tenant lacks" })),
  }),
);
export type ImportOutcome = Static<typeof ImportOutcome>;

export const ResyncInput = component(
  "ResyncInput",
  Type.Object({ direction: enumOf(["to-git", "from-git"]) }, { additionalProperties: false }),
);
export type ResyncInput = Static<typeof ResyncInput>;

export const ResyncOutcome = component(
  "ResyncOutcome",
  Type.Object({
    status: enumOf(["done", "invalid"]),
    entry: ref(SyncLogEntry),
    diagnostics: Type.Optional(Type.Array(ref(Diagnostic))),
  }),
);

export type ResyncOutcome = Static<typeof ResyncOutcome>;

export const WebhookAccepted = component(
  "WebhookAccepted",
  Type.Object({ accepted: Type.Boolean(), delivery: Type.Optional(Type.String()), reason: Type.Optional(Type.String()) }),
);
export type WebhookAccepted = Static<typeof WebhookAccepted>;
