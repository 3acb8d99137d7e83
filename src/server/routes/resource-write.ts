import * as api from "../../api/shapes.js";
import type { Kind } from "../../catalog/kind.js";
import { GitsyncError } from "../../core/errors.js";
import type { JsonObject, JsonValue, Resource } from "../../core/types.js";
import { actorOf, type Principal } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import { resourceDiagnostics } from "./resource-validation.js";

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  value !== null && value !== undefined && typeof value === "object" && !Array.isArray(value);

/**
 * The file's content from a PUT body. A body that is exactly what a GET returns (the resource
 * with its version, project, archived, updatedBy and updatedAt) stands for its `body`: those
 * fields are the server's own and are ignored, but it must be this resource.
 */
export function contentOf(deps: ApiDeps, kind: Kind, name: string, input: JsonObject): JsonObject {
  if (deps.schemas.errors(api.Resource, input).length > 0) return input;
  if (input.kind !== kind.id || input.name !== name) {
    throw new GitsyncError("bad_request", `the body is the ${String(input.kind)} ${String(input.name)}, not the ${kind.id} ${name} of the path`, {
      fields: [{ field: input.kind !== kind.id ? "kind" : "name", message: "must match the path" }],
    });
  }
  return input.body as JsonObject;
}

/** `input` with each field at `path` that it leaves out taken from `stored`. */
function carry(stored: JsonValue | undefined, input: JsonValue, path: readonly string[]): JsonValue {
  const [head, ...rest] = path;
  if (head === undefined) return input;
  if (Array.isArray(stored) && Array.isArray(input)) {
    return head === "*" ? input.map((item, i) => (i < stored.length ? carry(stored[i], item, rest) : item)) : input;
  }
  if (!isObject(stored) || !isObject(input)) return input;
  const out: JsonObject = { ...input };
  for (const key of head === "*" ? Object.keys(stored) : [head]) {
    if (!(key in stored)) continue;
    if (rest.length === 0) {
      if (!(key in out)) out[key] = stored[key]!;
    } else if (key in out) {
      out[key] = carry(stored[key], out[key]!, rest);
    }
  }
  return out;
}

/**
 * Secret fields are write-only: a GET leaves them out, so a body that leaves them out keeps the
 * stored values (a GET then PUT changes nothing). A merge patch with `null` removes one.
 */
export function keepSecrets(kind: Kind, stored: JsonObject | undefined, input: JsonObject): JsonObject {
  let out: JsonValue = input;
  for (const path of kind.secrets) out = carry(stored, out, path);
  return out as JsonObject;
}

export interface ResourceWrite {
  tenant: string;
  kind: Kind;
  name: string;
  content: JsonObject;
  /** A number: only over that version; null: only when none exists; undefined: either. */
  expectedVersion: number | null | undefined;
  principal: Principal | null;
}

/** Validates the content against the tenant as it would be after, then stores it with an outbox entry. */
export async function saveResource(deps: ApiDeps, write: ResourceWrite): Promise<Resource> {
  const { tenant, kind, name, content } = write;
  const diagnostics = await resourceDiagnostics(deps, tenant, kind, name, content);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    throw new GitsyncError("validation_failed", `${kind.id} ${name} is not valid: ${errors[0]!.message}`, { diagnostics });
  }
  if (!write.principal) throw new GitsyncError("unauthorized", "a token is required");
  const actor = actorOf(write.principal);
  const saved = await deps.store.transaction(async (tx) => {
    const stored = await tx.putResource(tenant, {
      kind: kind.id,
      name,
      body: content,
      project: typeof content.project === "string" ? content.project : null,
      ...(write.expectedVersion !== undefined ? { expectedVersion: write.expectedVersion } : {}),
      actor,
      outbox: true,
    });
    await deps.sync.queueFlush(tenant, tx);
    return stored;
  });
  await deps.sync.changed(tenant, { flushQueued: true });
  return saved;
}
