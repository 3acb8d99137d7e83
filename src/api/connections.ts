import { Type } from "@sinclair/typebox";
import type { JsonObject } from "../core/types.js";
import { RESOURCE_NAME_PATTERN, nullableString, readOnly } from "./common.js";
import { component, nullable, ref, type Static } from "./kit.js";

/** A tenant's connections (databases and the like); credentials go in, never out. */

const fields = () => ({
  type: Type.String({ minLength: 1, maxLength: 100 }),
  role: nullableString(),
  host: nullableString(),
  port: nullable(Type.Integer({ minimum: 1, maximum: 65535 })),
  database: nullableString(),
  username: nullableString(),
});
const optionalFields = () => Type.Partial(Type.Object(fields())).properties;
const name = () => Type.String({ pattern: RESOURCE_NAME_PATTERN });


const writable = () => ({
  ...optionalFields(),
  type: fields().type,
  credentials: Type.Optional(
    Type.Unsafe<JsonObject | null>({
      type: ["object", "null"],
      writeOnly: true,
      description:
        "Write-only: stored encrypted, never returned. Omit to keep the stored ones (dropped when type, host or port change); null clears them.",
    }),
  ),
  needsCredentials: Type.Optional(Type.Boolean(readOnly("Set by the server"))),
  version: Type.Optional(Type.Integer(readOnly("The version; use If-Match to write only over it"))),
  updatedAt: Type.Optional(Type.String(readOnly("Set by the server"))),
});

export const Connection = component(
  "Connection",
  Type.Object(
    {
      name: Type.String(),
      ...fields(),
      needsCredentials: Type.Boolean(),
      version: Type.Integer(),
      updatedAt: Type.String(),
    },
    { additionalProperties: false },
  ),
);
export type Connection = Static<typeof Connection>;

export const ConnectionList = component("ConnectionList", Type.Object({ items: Type.Array(ref(Connection)) }));
export type ConnectionList = Static<typeof ConnectionList>;

export const ConnectionInput = component(
  "ConnectionInput",
  Type.Object({ name: name(), ...writable() }, { additionalProperties: false }),
);
export type ConnectionInput = Static<typeof ConnectionInput>;

export const ConnectionUpdate = component(
  "ConnectionUpdate",
  Type.Object({ name: Type.Optional(name()), ...writable() }, { additionalProperties: false }),
);
export type ConnectionUpdate = Static<typeof ConnectionUpdate>;

export const ConnectionExportItem = component(
  "ConnectionExportItem",
  Type.Object({ name: name(), ...optionalFields(), type: fields().type }, { additionalProperties: false }),
);
export type ConnectionExportItem = Static<typeof ConnectionExportItem>;

export const ConnectionExport = component(
  "ConnectionExport",
  Type.Object({ connections: Type.Array(ref(ConnectionExportItem), { maxItems: 1000 }) }, { additionalProperties: false }),
);
export type ConnectionExport = Static<typeof ConnectionExport>;

export const ConnectionImportResult = component(
  "ConnectionImportResult",
  Type.Object({ created: Type.Array(Type.String()), updated: Type.Array(Type.String()) }),
);
export type ConnectionImportResult = Static<typeof ConnectionImportResult>;
