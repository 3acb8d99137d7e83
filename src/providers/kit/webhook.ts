import { ConfigError, type ProviderEvent, type ProviderName, type WebhookReceiver, type WebhookRequest } from "../../core/index.js";

/**
 * Webhook receivers: stateless, holding only the shared secret, separate from API clients (which
 * hold a tenant's token). The server verifies every delivery with a receiver; an API client built
 * without a secret refuses to parse deliveries instead of verifying them with a made-up one.
 */

type Parse = (request: WebhookRequest, secret: string) => ProviderEvent | null | Promise<ProviderEvent | null>;

/** A provider's receiver; an empty secret is a configuration mistake, named as such. */
export function webhookReceiver(name: ProviderName, secret: string, parse: Parse): WebhookReceiver {
  if (typeof secret !== "string" || secret === "") {
    throw new ConfigError(`${name} webhooks: webhookSecret must not be empty (deliveries are verified with it)`, { field: "webhookSecret" });
  }
  return { name, parseWebhook: async (request) => parse(request, secret) };
}

/** What an API client built without a secret answers when asked to parse a delivery. */
export function noWebhookReceiver(name: ProviderName): WebhookReceiver {
  return {
    name,
    parseWebhook: () =>
      Promise.reject(new ConfigError(`this ${name} client has no webhook secret: deliveries are parsed by the server's ${name} webhook receiver`, { field: "webhookSecret" })),
  };
}
