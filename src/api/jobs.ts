import { Type } from "@sinclair/typebox";
import { JOB_KINDS, JOB_STATES } from "../core/jobs.js";
import { nullableString } from "./common.js";
import { component, enumOf, jsonObject, ref, type Static } from "./kit.js";

/** Durable background jobs, as the tenant's list shows them. */

export const Job = component(
  "Job",
  Type.Object({
    id: Type.String({ description: "A number on SQLite, a UUID on PostgreSQL (pg-boss)" }),
    kind: enumOf(JOB_KINDS, { type: "string" }),
    tenant: nullableString(),
    lane: Type.String({ description: "Jobs of one lane run one at a time, in order" }),
    state: enumOf(JOB_STATES, { type: "string" }),
    payload: jsonObject({ description: "What the job works on (a webhook's event, a snapshot's log entry)" }),
    attempts: Type.Integer({ minimum: 0 }),
    error: nullableString("The last failure, secrets redacted"),
    createdAt: Type.String({ description: "ISO 8601" }),
    runAt: Type.String({ description: "When it runs next (queued) or ran last (ISO 8601)" }),
    finishedAt: nullableString(),
  }),
);
export type Job = Static<typeof Job>;

export const DEFAULT_JOB_LIMIT = 50;

export const JobQuery = component(
  "JobQuery",
  Type.Object({
    state: Type.Optional(enumOf(JOB_STATES, { type: "string", description: "Only jobs in this state" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_JOB_LIMIT, description: "At most this many" })),
  }),
);
export type JobQuery = Static<typeof JobQuery>;

export const JobList = component("JobList", Type.Object({ items: Type.Array(ref(Job)) }));
export type JobList = Static<typeof JobList>;
