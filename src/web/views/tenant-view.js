import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { atLeast } from "../format.js";
import { Title } from "./common.js";
import { History } from "./history.js";
import { Import } from "./import.js";
import { Overview } from "./overview.js";
import { PullView, Pulls } from "./pulls.js";
import { ResourcePage } from "./resource.js";
import { Settings } from "./settings.js";
/** @import { Place } from "../route.js" */
/** @import { Ctx } from "./common.js" */

/** @param {{ what: string }} props */
function AdminsOnly({ what }) {
  return html`<${Title}>${what}<//><p role="status">Only admins can see ${what.toLowerCase()}. Ask an admin for access.</p>`;
}

/**
 * The views inside one tenant. `round` bumps after a sync or merge so the overview reloads.
 * @param {{ ctx: Ctx, place: Exclude<Place, { view: "home" } | { view: "missing" }> }} props
 */
export function TenantView({ ctx, place }) {
  const [round, setRound] = useState(0);
  const changed = () => setRound((r) => r + 1);
  const admin = atLeast(ctx.role, "admin");
  switch (place.view) {
    case "overview":
      return html`<${Overview} ctx=${ctx} tenant=${place.tenant} round=${round} onChanged=${changed} />`;
    case "history":
      return html`<${History} ctx=${ctx} tenant=${place.tenant} query=${place.query} />`;
    case "pulls":
      return html`<${Pulls} ctx=${ctx} tenant=${place.tenant} />`;
    case "pull":
      return html`<${PullView} ctx=${ctx} tenant=${place.tenant} number=${place.number} onMerged=${changed} />`;
    case "resource":
      return html`<${ResourcePage} ctx=${ctx} tenant=${place.tenant} kind=${place.kind} name=${place.name} key=${`${place.kind}/${place.name}`} />`;
    case "import":
      return admin ? html`<${Import} ctx=${ctx} tenant=${place.tenant} />` : html`<${AdminsOnly} what="Import" />`;
    case "settings":
      return admin ? html`<${Settings} ctx=${ctx} tenant=${place.tenant} />` : html`<${AdminsOnly} what="Git settings" />`;
  }
}
