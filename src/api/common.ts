import { Type } from "@sinclair/typebox";
import { RESOURCE_NAME, ROLES, TENANT_SLUG, type Severity, type SyncDirection, type SyncStatus } from "../core/types.js";
import { component, enumOf, nullable, ref, type Static } from "./kit.js";

/** Shapes every part of the API shares: the error body, a finding, health, and the enums. */

const DIRECTION_VALUES = ["INBOUND", "OUTBOUND", "SNAPSHOT", "IMPORT"] as const satisfies readonly SyncDirection[];
const STATUS_VALUES = ["queued", "syncing", "done", "failed", "skipped", "conflict"] as const satisfies readonly SyncStatus[];
const SEVERITY_VALUES = ["error", "warning"] as const satisfies readonly Severity[];

export const role = (description?: string) => enumOf(ROLES, description ? { description } : {});
export const direction = () => enumOf(DIRECTION_VALUES);
export const status = () => enumOf(STATUS_VALUES);
export const severity = () => enumOf(SEVERITY_VALUES);
export const nullableString = (description?: string) => nullable(Type.String(), description ? { description } : {});
export const TENANT_SLUG_PATTERN = TENANT_SLUG.source;
export const RESOURCE_NAME_PATTERN = RESOURCE_NAME.source;
/** A field a GET shows that a PUT may echo back: accepted and ignored. */
export const readOnly = (description: string) => ({ readOnly: true, description: `${description}; accepted and ignored in a request` });
export const sha = () => Type.String({ pattern: "^[0-9a-f]{7,64}$" });

export const ErrorBody = component(
  "Error",
  Type.Object(
    {
      error: Type.Object(
        { code: Type.String(), message: Type.String(), details: Type.Unknown() },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
);
export type ErrorBody = Static<typeof ErrorBody>;

export const Diagnostic = component(
  "Diagnostic",
  Type.Object({
    file: Type.String(),
    line: Type.Integer({ minimum: 0 }),
    column: Type.Integer({ minimum: 0 }),
    code: Type.String(),
    severity: severity(),
    message: Type.String(),
  }),
);
export type Diagnostic = Static<typeof Diagnostic>;

export const Health = component(
  "Health",
  Type.Object({ status: enumOf(["ok", "starting", "unavailable"]), database: enumOf(["up", "down"]) }),
);

export type Health = Static<typeof Health>;

/** Findings a sync log entry or a verdict carries: the first ones, and how many in all. */
export const findings = () => ({
  diagnostics: Type.Array(ref(Diagnostic), { description: "The first 100 findings, errors first" }),
  diagnosticCount: Type.Integer({ minimum: 0, description: "How many findings there were in all" }),
});
