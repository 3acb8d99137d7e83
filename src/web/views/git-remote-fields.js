import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { seg } from "../api.js";
import { ErrorBox } from "./common.js";
/** @import { GitConnection, GitRemoteSettings } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/**
 * The `git` provider's own fields (any server over HTTPS or SSH) and the host key acceptance
 * that its Test connection offers. The secret itself is the connection's token field, labelled
 * per sign-in kind by `secretLabel`.
 */

/** @typedef {{ auth: string, username: string, pollIntervalSeconds: string, compareUrlTemplate: string, hostKey: string | null }} RemoteForm */

/** @param {GitRemoteSettings | undefined} remote @returns {RemoteForm} */
export function toRemoteForm(remote) {
  return {
    auth: remote?.auth ?? "token",
    username: remote?.username ?? "",
    pollIntervalSeconds: String(remote?.pollIntervalSeconds ?? 60),
    compareUrlTemplate: remote?.compareUrlTemplate ?? "",
    hostKey: remote?.hostKey ?? null,
  };
}

/** @param {RemoteForm} form */
export function remoteBody(form) {
  const poll = Number(form.pollIntervalSeconds);
  return {
    auth: form.auth,
    username: form.username.trim() === "" ? null : form.username.trim(),
    pollIntervalSeconds: form.pollIntervalSeconds.trim() !== "" && Number.isInteger(poll) ? poll : form.pollIntervalSeconds,
    compareUrlTemplate: form.compareUrlTemplate.trim() === "" ? null : form.compareUrlTemplate.trim(),
    hostKey: form.hostKey,
  };
}

/** What the token field holds for each sign-in kind. @param {string} auth */
export function secretLabel(auth) {
  return auth === "ssh-key" ? "Private key (OpenSSH or PEM)" : auth === "password" ? "Password" : "Access token";
}

/**
 * @param {{ form: RemoteForm, onChange: (form: RemoteForm) => void, fields: Record<string, string>,
 *   webhookSecret: string, onWebhookSecret: (value: string) => void, hasWebhookSecret: boolean }} props
 */
export function RemoteFields({ form, onChange, fields, webhookSecret, onWebhookSecret, hasWebhookSecret }) {
  /** @param {keyof RemoteForm} key */
  const set = (key) => (/** @type {Event} */ e) => onChange({ ...form, [key]: /** @type {HTMLInputElement} */ (e.target).value });
  /** @param {keyof RemoteForm} key @param {string} label @param {string} hint @param {Record<string, unknown>} [extra] */
  const input = (key, label, hint, extra = {}) => {
    const problem = fields[`remote.${key}`];
    return html`<div class="field">
      <label for=${`git-remote-${key}`}>${label}</label>
      <input id=${`git-remote-${key}`} name=${key} value=${form[key] ?? ""} onInput=${set(key)} autocomplete="off"
        aria-invalid=${problem ? "true" : "false"} aria-describedby=${`remote-${key}-hint`} ...${extra} />
      <p class="hint" id=${`remote-${key}-hint`}>${hint}</p>
      ${problem ? html`<p class="field-error">${label} ${problem}</p>` : null}
    </div>`;
  };
  return html`<fieldset class="remote">
    <legend>Git server</legend>
    <div class="field">
      <label for="git-remote-auth">Sign-in</label>
      <select id="git-remote-auth" name="auth" value=${form.auth} onChange=${set("auth")} aria-invalid=${fields["remote.auth"] ? "true" : "false"}>
        <option value="token">HTTPS with an access token</option>
        <option value="password">HTTPS with a user name and password</option>
        <option value="ssh-key">SSH with a private key</option>
      </select>
      ${fields["remote.auth"] ? html`<p class="field-error">Sign-in ${fields["remote.auth"]}</p>` : null}
    </div>
    ${form.auth !== "ssh-key" ? input("username", "User name", "Required with a password; with a token, the account it belongs to (servers that ignore it accept any).") : null}
    ${input("pollIntervalSeconds", "Poll interval (s)", "How often gitsync fetches the branch; 0 turns polling off (webhook only).", { inputmode: "numeric" })}
    ${input("compareUrlTemplate", "Compare link", "Optional: a page showing a pushed branch, with {repository}, {base} and {head}, e.g. https://git.example.com/{repository}/compare/{base}...{head}", { type: "url" })}
    <p class="hint">Host key: ${form.hostKey ? html`<code>${form.hostKey.slice(0, 40)}…</code> accepted` : "none accepted yet (SSH: run Test connection and accept it)"}</p>
    <div class="field">
      <label for="git-webhook-secret">Webhook secret</label>
      <input id="git-webhook-secret" name="webhookSecret" type="password" autocomplete="new-password" value=${webhookSecret}
        placeholder=${hasWebhookSecret ? "A secret is stored: leave empty to keep it" : "No secret stored"}
        onInput=${(/** @type {Event} */ e) => onWebhookSecret(/** @type {HTMLInputElement} */ (e.target).value)} aria-describedby="webhook-secret-hint" />
      <p class="hint" id="webhook-secret-hint">Write-only, at least 16 characters. Your server signs POST /webhooks/git/{tenant} with it (HMAC-SHA256 in X-Gitsync-Signature-256).</p>
      ${fields.webhookSecret ? html`<p class="field-error">Webhook secret ${fields.webhookSecret}</p>` : null}
    </div>
  </fieldset>`;
}

/**
 * "Accept this host key": pins the key Test connection showed, keeping everything else.
 * @param {{ ctx: Ctx, tenant: string, hostKey: { key: string, fingerprint: string }, onAccepted: () => void }} props
 */
export function AcceptHostKey({ ctx, tenant, hostKey, onAccepted }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const accept = async () => {
    if (!confirm(`Trust the server's host key ${hostKey.fingerprint}? Compare it with the one your server's admin gives you.`)) return;
    setBusy(true);
    setError(null);
    try {
      const git = /** @type {GitConnection} */ (await ctx.api.get(`/tenants/${seg(tenant)}/git`));
      await ctx.api.put(`/tenants/${seg(tenant)}/git`, { ...git, remote: { ...git.remote, hostKey: hostKey.key } });
      onAccepted();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return html`<span>
    <button type="button" class="secondary" disabled=${busy} onClick=${accept}>Accept host key ${hostKey.fingerprint}</button>
    ${error ? html`<${ErrorBox} error=${error} doing="accepting the host key" />` : null}
  </span>`;
}
