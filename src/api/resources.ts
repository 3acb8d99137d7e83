import { Type } from "@sinclair/typebox";
import type { JsonObject } from "../core/types.js";
import { nullableString } from "./common.js";
import { component, jsonObject, ref, type Static } from "./kit.js";

/** Resources and the projects that group them. */

export const Resource = component(
  "Resource",
  Type.Object(
    {
      kind: Type.String(),
      name: Type.String(),
      body: jsonObject<JsonObject>({ description: "The file's content as JSON" }),
      version: Type.Integer({ minimum: 1 }),
      project: nullableString(),
      archived: Type.Boolean(),
      updatedBy: Type.String(),
      updatedAt: Type.String(),
    },
    { additionalProperties: false },
  ),
);
export type Resource = Static<typeof Resource>;

export const ResourceBody = component(
  "ResourceBody",
  jsonObject<JsonObject>({
    description:
      "The file's content as JSON; `project` names its project. A resource exactly as a GET returns it is taken as its `body` (the other fields are ignored). Secret fields left out keep their stored values.",
  }),
);

export type ResourceBody = Static<typeof ResourceBody>;

export const ResourceList = component("ResourceList", Type.Object({ items: Type.Array(ref(Resource)) }));
export type ResourceList = Static<typeof ResourceList>;

export const PendingChanges = component(
  "PendingChanges",
  Type.Object(
    {
      created: Type.Integer({ minimum: 0 }),
      updated: Type.Integer({ minimum: 0 }),
      deleted: Type.Integer({ minimum: 0 }),
    },
    { additionalProperties: false },
  ),
);
export type PendingChanges = Static<typeof PendingChanges>;

export const Project = component(
  "Project",
  Type.Object(
    {
      name: nullableString("null gathers the resources without a project"),
      resources: Type.Integer({ minimum: 0 }),
      pendingChanges: ref(PendingChanges),
    },
    { additionalProperties: false },
  ),
);
export type Project = Static<typeof Project>;

export const ProjectList = component(
  "ProjectList",
  Type.Object({
    items: Type.Array(ref(Project)),
    pendingError: nullableString("Why the pending changes could not be counted (they show as 0)"),
  }),
);
export type ProjectList = Static<typeof ProjectList>;
