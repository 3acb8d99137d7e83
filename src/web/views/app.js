import { html } from "htm/preact";
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { Api, ApiError } from "../api.js";
import { effectiveRole } from "../format.js";
import { useLoad } from "../hooks.js";
import { href, parsePlace } from "../route.js";
import { session } from "../session.js";
import { ErrorBox, Loading, Title } from "./common.js";
import { Layout } from "./layout.js";
import { Notices } from "./notices.js";
import { SignIn } from "./sign-in.js";
import { TenantView } from "./tenant-view.js";
/** @import { ComponentChildren } from "preact" */
/** @import { Place } from "../route.js" */
/** @import { Me, Tenant } from "../types.js" */
/** @import { Ctx, NoticeInput } from "./common.js" */
/** @import { Notice } from "./notices.js" */

/** @returns {Place} */
function usePlace() {
  const [place, setPlace] = useState(() => parsePlace(location.hash));
  useEffect(() => {
    const update = () => setPlace(parsePlace(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return place;
}

/** The whole page: sign-in until a token is known, then the tenant views. */
export function App() {
  const [token, setToken] = useState(() => session.token());
  const [me, setMe] = useState(/** @type {Me | null} */ (null));
  const [reason, setReason] = useState(/** @type {string | null} */ (null));
  const [notices, setNotices] = useState(/** @type {Notice[]} */ ([]));
  const place = usePlace();

  const signOut = useCallback((/** @type {string | null} */ why) => {
    session.clear();
    setToken(null);
    setMe(null);
    setNotices([]);
    setReason(why);
  }, []);

  const api = useMemo(
    () => (token === null ? null : new Api(token, () => signOut("Your token is no longer accepted. Sign in again."))),
    [token, signOut],
  );

  // A token kept from earlier in this tab: ask who it belongs to.
  useEffect(() => {
    if (api === null || me !== null) return;
    api.get("/me").then(
      (who) => setMe(/** @type {Me} */ (who)),
      (error) => signOut(error instanceof ApiError && error.status === 401 ? "Sign in again." : "Could not check your token. Sign in again."),
    );
  }, [api, me, signOut]);

  const notify = useCallback((/** @type {NoticeInput} */ notice) => {
    setNotices((list) => [...list.slice(-3), { ...notice, id: Date.now() + Math.random() }]);
  }, []);
  const dismiss = useCallback((/** @type {number} */ id) => setNotices((list) => list.filter((n) => n.id !== id)), []);

  if (api === null) {
    return html`<${SignIn}
      reason=${reason}
      onSignedIn=${(/** @type {string} */ value, /** @type {Me} */ who) => {
        session.save(value);
        setReason(null);
        setToken(value);
        setMe(who);
      }}
    />`;
  }
  if (me === null) return html`<main id="main"><${Loading} what="your account" /></main>`;

  // A scoped token's role depends on the tenant: Signed takes it from the tenant list.
  /** @type {Ctx} */
  const ctx = { api, me, role: me.token.serverWide === false ? "viewer" : effectiveRole(me.user.role, me.token.role), notify };
  return html`<${Signed} ctx=${ctx} place=${place} onSignOut=${() => signOut("You are signed out.")}>
    <${Notices} notices=${notices} onDismiss=${dismiss} />
  <//>`;
}

/** @param {{ ctx: Ctx, place: Place, onSignOut: () => void, children: ComponentChildren }} props */
function Signed({ ctx, place, onSignOut, children }) {
  const tenants = useLoad(async () => /** @type {{ items: Tenant[] }} */ (await ctx.api.get("/tenants")).items, [ctx.api]);
  const list = tenants.data ?? [];
  // The role this token acts with in the tenant shown (a scoped token differs per tenant).
  const shown = place.view !== "home" && place.view !== "missing" ? list.find((t) => t.slug === place.tenant) : undefined;
  const here = shown?.role ? { ...ctx, role: shown.role } : ctx;

  useEffect(() => {
    const first = list[0];
    if (place.view === "home" && first) location.replace(href(first.slug));
  }, [place.view, list]);

  let body;
  if (place.view === "missing") {
    body = html`<${Title}>Page not found<//><p>There is no page at this address. <a href="#/">Go to the start</a>.</p>`;
  } else if (place.view !== "home") {
    body = html`<${TenantView} ctx=${here} place=${place} key=${place.tenant} />`;
  } else if (tenants.error) {
    body = html`<${Title}>gitsync<//><${ErrorBox} error=${tenants.error} doing="loading the tenants" />`;
  } else if (tenants.loading) {
    body = html`<${Loading} what="tenants" />`;
  } else {
    body = html`<${Title}>No tenants yet<//><p>An admin creates tenants through the API (<code>POST /api/v1/tenants</code>).</p>`;
  }
  return html`<${Layout} ctx=${here} place=${place} tenants=${list} onSignOut=${onSignOut}>${children}${body}<//>`;
}
