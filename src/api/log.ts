import { Type } from "@sinclair/typebox";
import { direction, findings, nullableString, status } from "./common.js";
import { component, nullable, ref, type Static } from "./kit.js";

/** The sync log: what gitsync did, in which direction, with a refused sync's findings. */

export const SyncLogEntry = component(
  "SyncLogEntry",
  Type.Object({
    id: Type.Integer(),
    tenant: Type.String(),
    direction: direction(),
    status: status(),
    commitSha: nullableString(),
    branch: nullableString(),
    prUrl: nullableString(),
    author: nullableString(),
    files: Type.Array(Type.String()),
    resources: Type.Array(Type.String()),
    error: nullableString(),
    ...findings(),
    note: Type.Optional(nullableString("A branch reset, or how a merge's applied plan compares with its check")),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  }),
);
export type SyncLogEntry = Static<typeof SyncLogEntry>;

export const SyncLogPage = component(
  "SyncLogPage",
  Type.Object({
    items: Type.Array(ref(SyncLogEntry)),
    next: nullable(Type.Integer(), { description: "Pass as `before` for the next (older) page" }),
  }),
);
export type SyncLogPage = Static<typeof SyncLogPage>;

export const DEFAULT_LOG_LIMIT = 50;

export const SyncLogQuery = component(
  "SyncLogQuery",
  Type.Object(
    {
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LOG_LIMIT })),
      before: Type.Optional(Type.Integer({ minimum: 1 })),
      direction: Type.Optional(direction()),
      status: Type.Optional(status()),
    },
    { additionalProperties: false },
  ),
);
export type SyncLogQuery = Static<typeof SyncLogQuery>;
