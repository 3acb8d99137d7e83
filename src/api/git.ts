import { Type, type TSchema } from "@sinclair/typebox";
import {
  DEFAULT_GIT_CONNECTION,
  DEFAULT_GIT_REMOTE,
  PROVIDERS,
  type DeletionPolicy,
  type FileFormat,
  type GitRemoteAuth,
  type OutboundMode,
} from "../core/types.js";
import { readOnly } from "./common.js";
import { component, enumOf, nullable, type Static } from "./kit.js";

/** The tenant's git connection: what a GET shows, and what a PUT takes (with its defaults). */

const AUTH_VALUES = ["token", "password", "ssh-key"] as const satisfies readonly GitRemoteAuth[];

const remote = () =>
  Type.Object(
    {
      auth: Type.Optional(enumOf(AUTH_VALUES, { default: DEFAULT_GIT_REMOTE.auth })),
      username: Type.Optional(nullable(Type.String({ maxLength: 200 }), { default: DEFAULT_GIT_REMOTE.username })),
      hostKey: Type.Optional(
        nullable(Type.String({ maxLength: 2000 }), {
          default: DEFAULT_GIT_REMOTE.hostKey,
          description: "The accepted SSH host key, `<type> <base64>`, as Test connection shows it",
        }),
      ),
      pollIntervalSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, default: DEFAULT_GIT_REMOTE.pollIntervalSeconds, description: "0: no polling" })),
      compareUrlTemplate: Type.Optional(
        nullable(Type.String({ maxLength: 500 }), {
          default: DEFAULT_GIT_REMOTE.compareUrlTemplate,
          description: "Link for a pushed branch with {repository}, {base} and {head}",
        }),
      ),
    },
    {
      additionalProperties: false,
      description: "Only for provider git; the connection's token holds the token, the password or the private key (PEM), as `auth` says",
    },
  );

/**
 * A connection's fields; with `defaults`, what a request body may leave out and what it then
 * means (the store's own defaults, so the document says what the server does).
 */
function fields(defaults: boolean) {
  const d = (key: keyof typeof DEFAULT_GIT_CONNECTION) => (defaults ? { default: DEFAULT_GIT_CONNECTION[key] } : {});
  return {
    provider: enumOf(PROVIDERS),
    repository: Type.String({ maxLength: 300, ...d("repository") }),
    branch: Type.String({ minLength: 1, maxLength: 255, ...d("branch") }),
    path: Type.String({ maxLength: 500, ...d("path") }),
    format: enumOf(["yaml", "json"] as const satisfies readonly FileFormat[], d("format")),
    outbound: enumOf(["direct", "pull-request"] as const satisfies readonly OutboundMode[], d("outbound")),
    debounceMs: Type.Integer({ minimum: 0, maximum: 3_600_000, ...d("debounceMs") }),
    deletions: enumOf(["keep", "archive", "delete"] as const satisfies readonly DeletionPolicy[], d("deletions")),
    baseUrl: nullable(Type.String({ pattern: "^https?://[^\\s]+$" }), d("baseUrl")),
    remote: Type.Optional(remote()),
  };
}

export const GitConnection = component(
  "GitConnection",
  Type.Object(
    { ...fields(false), hasToken: Type.Boolean(), hasWebhookSecret: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
);
export type GitConnection = Static<typeof GitConnection>;

const optional = <T extends Record<string, TSchema>>(properties: T) => Type.Partial(Type.Object(properties)).properties;

export const GitConnectionInput = component(
  "GitConnectionInput",
  Type.Object(
    {
      ...optional(fields(true)),
      provider: fields(true).provider,
      token: Type.Optional(
        nullable(Type.String(), {
          writeOnly: true,
          description:
            "Write-only provider token; omit to keep the stored one (dropped when provider, baseUrl or repository change), null to clear it",
        }),
      ),
      hasToken: Type.Optional(Type.Boolean(readOnly("Whether a token is stored"))),
      webhookSecret: Type.Optional(
        nullable(Type.String({ minLength: 16, maxLength: 200 }), {
          writeOnly: true,
          description: "Write-only, provider git: the HMAC-SHA256 secret of POST /webhooks/git/{tenant}; omit to keep, null to clear",
        }),
      ),
      hasWebhookSecret: Type.Optional(Type.Boolean(readOnly("Whether a webhook secret is stored (provider git)"))),
    },
    {
      description: "Only provider is required (and repository where the provider needs one); the rest take their defaults.",
      additionalProperties: false,
    },
  ),
);
export type GitConnectionInput = Static<typeof GitConnectionInput>;

export const GitTestResults = component(
  "GitTestResults",
  Type.Object({
    results: Type.Array(
      Type.Object({
        check: Type.String(),
        ok: Type.Boolean(),
        message: Type.String(),
        code: Type.Optional(Type.String({ description: "A failed step's error code, e.g. `unauthorized` for a revoked or wrong token" })),
        hostKey: Type.Optional(
          Type.Object(
            { key: Type.Optional(Type.String()), fingerprint: Type.Optional(Type.String()) },
            { description: "Provider git over SSH: the key the server shows, to accept as remote.hostKey" },
          ),
        ),
      }),
    ),
  }),
);
export type GitTestResults = Static<typeof GitTestResults>;
