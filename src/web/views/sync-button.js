import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { seg } from "../api.js";
import { explain } from "../errors.js";
import { safeUrl } from "../format.js";
import { href } from "../route.js";
/** @import { GitConnection, LogEntry } from "../types.js" */
/** @import { Ctx } from "./common.js" */

const POLL_MS = 500;
const UNSETTLED = new Set(["queued", "syncing"]);

/**
 * The pull request's address: in this UI for the local provider, the provider's page otherwise.
 * @param {string} tenant
 * @param {GitConnection | null} git
 * @param {string | null} prUrl
 * @returns {{ href: string, external: boolean } | null}
 */
export function pullLink(tenant, git, prUrl) {
  if (prUrl === null) return null;
  const number = /(?:pulls?|merge_requests|pull-requests)\/(\d+)\/?$|#(\d+)$/.exec(prUrl);
  if ((git === null || git.provider === "local") && number) {
    return { href: href(tenant, "pulls", number[1] ?? number[2] ?? ""), external: false };
  }
  const web = safeUrl(prUrl);
  return web === null ? null : { href: web, external: true };
}

/**
 * "Sync changes": a snapshot branch and pull request; polls until it settles, then notifies.
 * @param {{ ctx: Ctx, tenant: string, git: GitConnection | null, onSettled: () => void }} props
 */
export function SyncButton({ ctx, tenant, git, onSettled }) {
  const [busy, setBusy] = useState(false);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const run = async () => {
    setBusy(true);
    try {
      let entry = /** @type {LogEntry} */ (await ctx.api.post(`/tenants/${seg(tenant)}/snapshots`));
      while (UNSETTLED.has(entry.status) && alive.current) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        entry = /** @type {LogEntry} */ (await ctx.api.get(`/tenants/${seg(tenant)}/snapshots/${seg(entry.id)}`));
      }
      if (!alive.current) return;
      if (entry.status === "done") {
        const link = pullLink(tenant, git, entry.prUrl);
        ctx.notify({
          kind: "success",
          text: `Changes synced${entry.branch ? ` to branch ${entry.branch}` : ""}.`,
          ...(link ? { link: { href: link.href, label: "Open the pull request", external: link.external } } : {}),
        });
      } else if (entry.status === "skipped") {
        ctx.notify({ kind: "info", text: entry.error ?? "Nothing to sync: the branch already has every change." });
      } else {
        ctx.notify({ kind: "error", text: `Sync changes failed: ${entry.error ?? `it ended as ${entry.status}`}` });
      }
    } catch (error) {
      const { summary, lines } = explain(error, "sync changes");
      if (alive.current) ctx.notify({ kind: "error", text: summary, lines });
    } finally {
      if (alive.current) {
        setBusy(false);
        onSettled();
      }
    }
  };

  return html`<div class="sync-action">
    <button type="button" onClick=${run} disabled=${busy} aria-describedby="sync-help">Sync changes</button>
    <span id="sync-help" class="hint">Pushes this tenant to a new branch and opens a pull request.</span>
    ${busy ? html`<p class="syncing" role="status"><span class="spinner" aria-hidden="true"></span>Syncing changes…</p>` : null}
  </div>`;
}
