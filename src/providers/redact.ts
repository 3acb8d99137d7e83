import type { GitProvider, WebhookReceiver } from "../core/index.js";

/**
 * A provider's error message is the forge's own text, and a forge may quote what it was sent:
 * a token in a URL, a header echoed back. Every error leaving a provider is cleaned here, once,
 * before it can reach an API answer, the sync log, a check or the server log.
 */

export const REDACTED = "[redacted]";

/** Shorter values would match ordinary words; no real token or secret is this short. */
const MIN_SECRET_LENGTH = 6;

/** Credential shapes worth hiding even when the value is not known (an installation token). */
const CREDENTIAL_PATTERNS: RegExp[] = [
  /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|ATBB[A-Za-z0-9_-]{20,})/g,
  // user:password@ in a URL.
  /(?<=\/\/)[^/\s:@]+:[^/\s@]+(?=@)/g,
  // Authorization values quoted back.
  /(?<=\b(?:Bearer|Basic|token)\s+)[A-Za-z0-9._~+/=-]{16,}/gi,
];

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (depth > 5 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, secrets, depth + 1)]));
}

/** The same error (its class, code and fields kept), with every secret taken out of its text. */
export function redactError(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? redactText(error, secrets) : error;
  error.message = redactText(error.message, secrets);
  if (error.stack !== undefined) error.stack = redactText(error.stack, secrets);
  // Its own fields too (details, a forge's message kept aside): loggers print them all.
  for (const key of Object.keys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor && "value" in descriptor && (descriptor.writable || descriptor.configurable)) {
      Object.defineProperty(error, key, { ...descriptor, value: redactValue(descriptor.value, secrets) });
    }
  }
  // A raw error's cause may be a request that carries its headers: it is dropped.
  if ("cause" in error) delete (error as { cause?: unknown }).cause;
  return error;
}

/** `provider` with every failure of every method passed through redactError. */
export function redactingProvider<P extends GitProvider | WebhookReceiver>(provider: P, secrets: readonly string[]): P {
  return new Proxy(provider, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = Reflect.apply(value, target, args);
          if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(redactError(error, secrets)));
          return result;
        } catch (error) {
          throw redactError(error, secrets);
        }
      };
    },
  });
}
