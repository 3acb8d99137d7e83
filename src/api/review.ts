import { Type } from "@sinclair/typebox";
import { RESOURCE_NAME_PATTERN, nullableString, sha } from "./common.js";
import { component, enumOf, nullable, ref, type Static } from "./kit.js";
import { Plan } from "./sync.js";

/** Review: changed files as hunks, a resource's file and history, and restoring a commit's state. */

export const FileDiff = component(
  "FileDiff",
  Type.Object({
    path: Type.String(),
    status: enumOf(["added", "modified", "deleted", "renamed"]),
    previousPath: Type.Optional(Type.String()),
    binary: Type.Boolean({ description: "Not UTF-8 text on one side: no hunks" }),
    hunks: Type.Array(
      Type.Object({
        oldStart: Type.Integer({ minimum: 0 }),
        oldLines: Type.Integer({ minimum: 0 }),
        newStart: Type.Integer({ minimum: 0 }),
        newLines: Type.Integer({ minimum: 0 }),
        lines: Type.Array(Type.String(), { description: 'Each starts with " ", "+" or "-"' }),
      }),
    ),
  }),
);
export type FileDiff = Static<typeof FileDiff>;

export const ResourceFile = component(
  "ResourceFile",
  Type.Object({
    path: Type.String(),
    sha: sha(),
    content: Type.String({ description: "The file exactly as committed (base64 when `binary`)" }),
    binary: Type.Boolean(),
  }),
);
export type ResourceFile = Static<typeof ResourceFile>;

const HISTORY_DIRECTIONS = ["app", "git", "INBOUND", "OUTBOUND", "SNAPSHOT", "IMPORT"] as const;

export const ResourceHistory = component(
  "ResourceHistory",
  Type.Object({
    kind: Type.String(),
    name: Type.String(),
    paths: Type.Array(Type.String(), { description: "Where its file may be" }),
    branch: Type.String(),
    head: nullableString(),
    items: Type.Array(
      Type.Object({
        direction: enumOf(HISTORY_DIRECTIONS),
        commitSha: nullableString(),
        author: nullableString(),
        at: Type.String(),
        status: nullable(Type.String()),
        logId: nullable(Type.Integer()),
        subject: nullableString(),
      }),
    ),
  }),
);
export type ResourceHistory = Static<typeof ResourceHistory>;

const resourceRef = () =>
  Type.Object(
    {
      kind: Type.String({ minLength: 1, maxLength: 100, description: "The kind's folder name (models, syncs, ...)" }),
      name: Type.String({ pattern: RESOURCE_NAME_PATTERN }),
    },
    { additionalProperties: false },
  );

export const RestoreInput = component(
  "RestoreInput",
  Type.Object(
    {
      ref: Type.String({ minLength: 1, maxLength: 255, description: "A commit or branch of the tenant's repository" }),
      resources: Type.Optional(Type.Array(resourceRef(), { maxItems: 1000, description: "Only these; the whole tenant when absent" })),
      dryRun: Type.Optional(Type.Boolean({ description: "Only compute the plan" })),
    },
    { additionalProperties: false },
  ),
);
export type RestoreInput = Static<typeof RestoreInput>;

export const RestoreOutcome = component(
  "RestoreOutcome",
  Type.Object({
    status: enumOf(["planned", "applied", "unchanged"]),
    sha: sha(),
    plan: ref(Plan),
    logId: nullable(Type.Integer()),
  }),
);
export type RestoreOutcome = Static<typeof RestoreOutcome>;
