import { Type } from "@sinclair/typebox";
import type { DriftDirection } from "../core/types.js";
import { nullableString } from "./common.js";
import { component, enumOf, ref, type Static } from "./kit.js";

/** Drift: what differs between a tenant and its branch. */

export const DriftItem = component(
  "DriftItem",
  Type.Object(
    {
      kind: Type.String(),
      name: Type.String(),
      project: nullableString(),
      direction: enumOf(["git-only", "app-only", "differs"] as const satisfies readonly DriftDirection[], {
        description: "git-only: in the branch, not in the tenant; app-only: in the tenant, not in the branch; differs: in both, not the same",
      }),
    },
    { additionalProperties: false },
  ),
);

export type DriftItem = Static<typeof DriftItem>;

export const DriftQuery = component(
  "DriftQuery",
  Type.Object({ recorded: Type.Optional(enumOf(["true", "false"], { description: "Answer the last recorded drift" })) }),
);

export const TenantDrift = component(
  "TenantDrift",
  Type.Object(
    {
      head: nullableString("The branch head compared with; null when the branch does not exist"),
      lastAppliedSha: nullableString("The last commit applied to the tenant when it was compared"),
      inSync: Type.Boolean({ description: "True when no exportable resource differs" }),
      items: Type.Array(ref(DriftItem)),
      checkedAt: Type.String({ description: "When it was compared (ISO 8601)" }),
    },
    { additionalProperties: false },
  ),
);
export type TenantDrift = Static<typeof TenantDrift>;
