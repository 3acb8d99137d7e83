import { Type } from "@sinclair/typebox";
import { direction, findings, nullableString, status } from "./common.js";
import { component, nullable, type Static } from "./kit.js";

/** Verdicts: the whole-tenant check, the newest push, what became of a commit, the local push check. */

export const IntegrityReport = component(
  "IntegrityReport",
  nullable(Type.Object({ valid: Type.Boolean(), checkedAt: Type.String(), ...findings() }), {
    description: "The whole-tenant check made at start; null until it ran. An invalid tenant is checked again after each change",
  }),
);
export type IntegrityReport = Static<typeof IntegrityReport>;

export const LastPush = component(
  "LastPush",
  nullable(
    Type.Object({
      logId: Type.Integer(),
      commitSha: nullableString(),
      status: status(),
      refused: Type.Boolean(),
      error: nullableString(),
      ...findings(),
      at: Type.String(),
    }),
    { description: "The newest push's outcome; `refused` stays true until a later push applies" },
  ),
);
export type LastPush = Static<typeof LastPush>;

export const CommitCheck = component(
  "CommitCheck",
  Type.Object({
    sha: Type.String(),
    verdict: Type.String({ description: "applied, refused, applied-with-conflicts, or the entry's status" }),
    logId: Type.Integer(),
    direction: direction(),
    status: status(),
    error: nullableString(),
    ...findings(),
    createdAt: Type.String(),
  }),
);
export type CommitCheck = Static<typeof CommitCheck>;

export const PushAnswer = component(
  "PushAnswer",
  Type.Object({
    accepted: Type.Boolean(),
    delivery: Type.Optional(Type.String()),
    lines: Type.Array(Type.String(), { description: "What the hook prints; findings as `file:line:col: severity code: message`" }),
  }),
);
export type PushAnswer = Static<typeof PushAnswer>;
