import { createPrivateKey } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { GitsyncError } from "../core/errors.js";
import type { Store } from "../core/store.js";
import { authorize } from "./auth.js";

/**
 * Who may use Probot's GitHub App setup pages. They write the App's id, private key and webhook
 * secret (the server trusts those after a restart), so only a gitsync admin may reach them; a
 * browser sends the admin token as the password of HTTP Basic auth (any user name). The one
 * exception is a server with no admin yet, and then only from the machine itself.
 */

/** What a browser is told when it must ask for the token. */
export const SETUP_CHALLENGE = 'Basic realm="gitsync GitHub App setup (password: an admin token)", charset="UTF-8"';

export function isSetupPath(pathname: string): boolean {
  return pathname === "/probot" || pathname.startsWith("/probot/");
}

/** The token a request presents: a Bearer token, or the password of Basic auth. */
function presentedToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== "string") return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1] ?? null;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1] ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const password = colon < 0 ? "" : decoded.slice(colon + 1);
  return password === "" ? null : password;
}

function isLoopback(address: string | undefined): boolean {
  return address === "::1" || address?.startsWith("127.") === true || address?.startsWith("::ffff:127.") === true;
}

/** Resolves when the request may use the setup pages; throws unauthorized or forbidden otherwise. */
export async function checkSetupAccess(store: Store, req: IncomingMessage): Promise<void> {
  const token = presentedToken(req);
  if (token === null) {
    const admins = (await store.listUsers()).filter((user) => user.role === "admin");
    if (admins.length === 0 && isLoopback(req.socket.remoteAddress)) return;
    throw new GitsyncError("unauthorized", "the GitHub App setup pages need a gitsync admin token (Bearer, or as the Basic auth password)");
  }
  // The same check as the API's admin routes, whichever way the token came.
  await authorize(store, { headers: { authorization: `Bearer ${token}` } } as IncomingMessage, "admin");
}

/** Import form fields, by the setting Probot writes from each. */
const FIELD_OF: Record<string, string> = { APP_ID: "appId", PRIVATE_KEY: "pem", WEBHOOK_SECRET: "webhook_secret" };

function invalid(setting: string, message: string): GitsyncError {
  const field = FIELD_OF[setting] ?? setting;
  return new GitsyncError("bad_request", `${field}: ${message}`, { field, setting });
}

/**
 * Refuses App settings that would stop the next start (a key that is no key, an id that is no
 * number) before they are written. Messages never quote the values.
 */
export function checkAppSettings(env: Record<string, string>): void {
  const { APP_ID: appId, PRIVATE_KEY: key, WEBHOOK_SECRET: secret } = env;
  if (appId !== undefined && !/^\d{1,20}$/.test(appId)) throw invalid("APP_ID", "must be the App's numeric id");
  if (secret !== undefined && secret.trim() === "") throw invalid("WEBHOOK_SECRET", "must not be empty");
  if (key !== undefined) {
    // Probot's import quotes the key for the .env file; the key itself is inside the quotes.
    const pem = key.replace(/^"([\s\S]*)"$/, "$1").replace(/\\n/g, "\n");
    try {
      createPrivateKey(pem);
    } catch {
      throw invalid("PRIVATE_KEY", "is not a private key in PEM format");
    }
  }
}
