import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { seg } from "../api.js";
import { KINDS } from "../constants.js";
import { shortSha } from "../format.js";
import { useLoad } from "../hooks.js";
import { href } from "../route.js";
import { ErrorBox, Loading, Title } from "./common.js";
import { VersionDiff, VersionHistory } from "./resource-history.js";
import { RestorePanel } from "./restore.js";
/** @import { ResourceFile, ResourceHistory } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/**
 * The resource's file exactly as git has it at one commit; base64 bytes are said, not shown.
 * @param {{ file: ResourceFile }} props
 */
function FileView({ file }) {
  return html`<p class="muted"><code>${file.path}</code> at <code>${shortSha(file.sha)}</code></p>
    ${file.binary
      ? html`<p>This file is not UTF-8 text; it cannot be shown.</p>`
      : html`<pre class="file-content" data-testid="file-content" aria-label=${`${file.path} at ${shortSha(file.sha)}`}>${file.content}</pre>`}`;
}

/** @param {{ ctx: Ctx, base: string, at: string | null }} props */
function FilePanel({ ctx, base, at }) {
  const file = useLoad(
    () => /** @type {Promise<ResourceFile>} */ (ctx.api.get(`${base}/file${at ? `?ref=${encodeURIComponent(at)}` : ""}`)),
    [base, at],
  );
  return html`<section class="panel" aria-labelledby="file-title">
    <h2 id="file-title">${at ? html`File at <code>${shortSha(at)}</code>` : "File in git, at the branch head"}</h2>
    ${file.error
      ? html`<${ErrorBox} error=${file.error} doing="reading the file from git" />`
      : !file.data
        ? html`<${Loading} what="the file" />`
        : html`<${FileView} file=${file.data} />`}
  </section>`;
}

/**
 * A resource's page: its file in git, its history, a diff between two versions, and restore.
 * @param {{ ctx: Ctx, tenant: string, kind: string, name: string }} props
 */
export function ResourcePage({ ctx, tenant, kind, name }) {
  const base = `/tenants/${seg(tenant)}/resources/${seg(kind)}/${seg(name)}`;
  const [round, setRound] = useState(0);
  const history = useLoad(() => /** @type {Promise<ResourceHistory>} */ (ctx.api.get(`${base}/history`)), [base, round]);
  const [viewing, setViewing] = useState(/** @type {string | null} */ (null));
  const [pair, setPair] = useState(/** @type {[string, string] | null} */ (null));
  const [restoring, setRestoring] = useState(/** @type {string | null} */ (null));
  const title = KINDS.find((k) => k.folder === kind)?.title ?? kind;
  return html`<${Title}>${title}: ${name}<//>
    <p><a href=${href(tenant)}>Back to the tenant</a></p>
    <${FilePanel} ctx=${ctx} base=${base} at=${viewing} />
    <section class="panel" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      ${history.error
        ? html`<${ErrorBox} error=${history.error} doing="loading the history" />`
        : !history.data
          ? html`<${Loading} what="the history" />`
          : html`<${VersionHistory}
              ctx=${ctx}
              tenant=${tenant}
              history=${history.data}
              onView=${setViewing}
              onCompare=${setPair}
              onRestore=${setRestoring}
            />`}
    </section>
    ${pair ? html`<${VersionDiff} ctx=${ctx} base=${base} from=${pair[0]} to=${pair[1]} />` : null}
    ${restoring
      ? html`<${RestorePanel}
          ctx=${ctx}
          tenant=${tenant}
          resource=${{ kind, name }}
          at=${restoring}
          onDone=${() => {
            setRestoring(null);
            setRound((r) => r + 1);
          }}
        />`
      : null}`;
}
