import type { IncomingMessage, ServerResponse } from "node:http";
import { GitsyncError } from "../core/errors.js";
import { dropUnreadBody, errorBody, readRawBody, sendJson } from "./http.js";

/**
 * GitHub caps a webhook delivery at 25 MB; nothing larger can be a real delivery. Probot would
 * read any body into memory before checking its signature, so the body is read here first, up
 * to this limit, and handed to Probot already read.
 */
export const GITHUB_WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;

export function isGithubWebhook(req: IncomingMessage, webhookPath: string): boolean {
  const path = new URL(req.url ?? "/", "http://server.invalid").pathname.replace(/\/+$/, "");
  return req.method === "POST" && path === webhookPath.replace(/\/+$/, "");
}

function refuse(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const { status, body } = errorBody(error);
  dropUnreadBody(req, res);
  sendJson(res, status, body);
}

/**
 * Reads a GitHub delivery's body (413 over the limit) and leaves it where @octokit/webhooks
 * looks for a body read before it (`rawBody`), so the signature is checked over these bytes.
 * Returns false when it has answered the request itself.
 */
export async function preReadGithubDelivery(req: IncomingMessage, res: ServerResponse, limit: number): Promise<boolean> {
  try {
    const rawBody = await readRawBody(req, limit);
    Object.assign(req, { body: {}, rawBody });
    return true;
  } catch (error) {
    refuse(req, res, error);
    return false;
  }
}

/** With no GitHub App there is no receiver: 413 over the limit as with one, else 404 unread. */
export function refuseWithoutApp(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const declared = Number(req.headers["content-length"] ?? "0");
  const error =
    declared > limit
      ? new GitsyncError("payload_too_large", `request body is larger than ${limit} bytes`, { limit })
      : new GitsyncError("not_found", "no GitHub App is configured: GitHub webhooks are not received");
  refuse(req, res, error);
}
