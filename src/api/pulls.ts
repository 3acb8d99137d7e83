import { Type } from "@sinclair/typebox";
import { nullableString, severity, sha } from "./common.js";
import { component, enumOf, ref, type Static } from "./kit.js";
import { FileDiff } from "./review.js";

/** The local provider's pull requests: opening, reading with their checks, merging. */

export const PullInput = component(
  "PullInput",
  Type.Object(
    {
      head: Type.String({ minLength: 1 }),
      base: Type.Optional(Type.String({ minLength: 1 })),
      title: Type.Optional(Type.String({ maxLength: 300 })),
    },
    { additionalProperties: false },
  ),
);
export type PullInput = Static<typeof PullInput>;

export const LocalPull = component(
  "LocalPull",
  Type.Object({
    repository: Type.String(),
    number: Type.Integer({ minimum: 1 }),
    title: Type.String(),
    body: Type.String(),
    head: Type.String(),
    base: Type.String(),
    headSha: sha(),
    state: enumOf(["open", "merged", "closed"]),
    mergeCommitSha: nullableString(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  }),
);
export type LocalPull = Static<typeof LocalPull>;

export const LocalPullList = component("LocalPullList", Type.Object({ items: Type.Array(ref(LocalPull)) }));
export type LocalPullList = Static<typeof LocalPullList>;

export const LocalPullOne = component("LocalPullOne", Type.Object({ pull: ref(LocalPull) }));
export type LocalPullOne = Static<typeof LocalPullOne>;

const annotation = () =>
  Type.Object({
    path: Type.String(),
    line: Type.Integer(),
    column: Type.Integer(),
    code: Type.String(),
    severity: severity(),
    message: Type.String(),
  });

const check = () =>
  Type.Object({
    name: Type.String(),
    status: enumOf(["queued", "in_progress", "completed"]),
    conclusion: enumOf(["success", "failure", "neutral", null]),
    title: Type.String(),
    summary: Type.String({ description: "Markdown: the plan and the findings" }),
    annotations: Type.Array(annotation()),
  });

export const LocalPullDetail = component(
  "LocalPullDetail",
  Type.Object({
    pull: ref(LocalPull),
    checks: Type.Array(check()),
    comment: nullableString(),
    merge: Type.Object(
      { allowed: Type.Boolean(), reasons: Type.Array(Type.String()) },
      { description: "Whether it may be merged now; the reasons why not (a failed, running or stale check)" },
    ),
    files: Type.Array(ref(FileDiff), { description: "The changed files under the path, as unified-diff hunks" }),
  }),
);
export type LocalPullDetail = Static<typeof LocalPullDetail>;
