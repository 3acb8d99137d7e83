import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { seg } from "../api.js";
import { explain, fieldErrors } from "../errors.js";
import { useLoad } from "../hooks.js";
import { ErrorBox, Loading, Title } from "./common.js";
import { AcceptHostKey, RemoteFields, remoteBody, secretLabel, toRemoteForm } from "./git-remote-fields.js";
/** @import { GitConnection, TestResult } from "../types.js" */
/** @import { Ctx } from "./common.js" */

/** @typedef {Omit<GitConnection, "hasToken" | "hasWebhookSecret" | "baseUrl" | "debounceMs" | "remote"> & { baseUrl: string, debounceMs: string }} Form */

/** Each select's options: value and words. */
const CHOICES = /** @type {const} */ ({
  provider: [
    ["local", "Local repository (embedded)"],
    ["github", "GitHub"],
    ["gitlab", "GitLab"],
    ["bitbucket", "Bitbucket"],
    ["azure-devops", "Azure DevOps"],
    ["git", "Any git server (HTTPS or SSH)"],
  ],
  format: [
    ["yaml", "YAML"],
    ["json", "JSON"],
  ],
  outbound: [
    ["direct", "Direct: commit to the branch"],
    ["pull-request", "Pull request: snapshot branch and pull request"],
  ],
  deletions: [
    ["archive", "Archive (restorable)"],
    ["keep", "Keep"],
    ["delete", "Delete"],
  ],
});

/** @type {Record<string, string>} */
const HINTS = {
  repository:
    "owner/name on GitHub, group/project on GitLab, workspace/slug on Bitbucket, organization/project/repository on Azure DevOps; for any git server its URL (https://… or ssh://user@host/path or user@host:path); ignored for a local repository.",
  path: "Folder inside the repository; empty for the root.",
  debounceMs: "How long to gather app changes into one commit, in milliseconds.",
  baseUrl:
    "Only for GitHub Enterprise Server, a self-managed GitLab or Bitbucket, or Azure DevOps Server (its collection URL, e.g. https://tfs.example.com/tfs/DefaultCollection); empty for the public service.",
};

/** @param {GitConnection} git @returns {Form} */
function toForm(git) {
  // The git provider's own settings and the secret's flag are edited apart from the form.
  const rest = { ...git };
  delete rest.remote;
  delete rest.hasWebhookSecret;
  return { ...rest, baseUrl: git.baseUrl ?? "", debounceMs: String(git.debounceMs) };
}

/**
 * The git connection (admins only), Test connection and full resync.
 * @param {{ ctx: Ctx, tenant: string }} props
 */
export function Settings({ ctx, tenant }) {
  const git = useLoad(() => /** @type {Promise<GitConnection>} */ (ctx.api.get(`/tenants/${seg(tenant)}/git`)), [tenant]);
  if (git.error) return html`<${Title}>Git settings<//><${ErrorBox} error=${git.error} doing="loading the git connection" />`;
  if (!git.data) return html`<${Title}>Git settings<//><${Loading} what="the git connection" />`;
  return html`<${Title}>Git settings<//>
    <${SettingsForm} ctx=${ctx} tenant=${tenant} git=${git.data} />
    <${ConnectionTest} ctx=${ctx} tenant=${tenant} />
    <${Resync} ctx=${ctx} tenant=${tenant} />`;
}

/** @param {{ ctx: Ctx, tenant: string, git: GitConnection }} props */
function SettingsForm({ ctx, tenant, git }) {
  const [form, setForm] = useState(() => toForm(git));
  const [hasToken, setHasToken] = useState(git.hasToken);
  const [token, setToken] = useState("");
  const [clearToken, setClearToken] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [saved, setSaved] = useState(false);
  const [remote, setRemote] = useState(() => toRemoteForm(git.remote));
  const [webhookSecret, setWebhookSecret] = useState("");
  const [hasWebhookSecret, setHasWebhookSecret] = useState(git.hasWebhookSecret === true);
  const fields = fieldErrors(error);
  const plainGit = form.provider === "git";

  /** @param {keyof Form} key */
  const set = (key) => (/** @type {Event} */ event) => {
    setSaved(false);
    setForm({ ...form, [key]: /** @type {HTMLInputElement} */ (event.target).value });
  };

  /** @param {Event} event */
  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const debounce = Number(form.debounceMs);
      const body = {
        provider: form.provider,
        repository: form.repository.trim(),
        branch: form.branch.trim(),
        path: form.path.trim(),
        format: form.format,
        outbound: form.outbound,
        debounceMs: form.debounceMs.trim() !== "" && Number.isInteger(debounce) ? debounce : form.debounceMs,
        deletions: form.deletions,
        baseUrl: form.baseUrl.trim() === "" ? null : form.baseUrl.trim(),
        // Write-only: sent only when typed (or cleared on purpose); never read back.
        ...(clearToken ? { token: null } : token !== "" ? { token } : {}),
        ...(plainGit ? { remote: remoteBody(remote), ...(webhookSecret !== "" ? { webhookSecret } : {}) } : {}),
      };
      const result = /** @type {GitConnection} */ (await ctx.api.put(`/tenants/${seg(tenant)}/git`, body));
      setForm(toForm(result));
      setHasToken(result.hasToken);
      setRemote(toRemoteForm(result.remote));
      setHasWebhookSecret(result.hasWebhookSecret === true);
      setWebhookSecret("");
      setToken("");
      setClearToken(false);
      setSaved(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  /**
   * @param {"repository" | "branch" | "path" | "debounceMs" | "baseUrl"} key
   * @param {string} label
   * @param {Record<string, unknown>} [extra]
   */
  const input = (key, label, extra = {}) => {
    const hint = HINTS[key];
    const problem = fields[key];
    const described = [hint ? `${key}-hint` : null, problem ? `${key}-error` : null].filter(Boolean).join(" ");
    return html`<div class="field">
      <label for=${`git-${key}`}>${label}</label>
      <input
        id=${`git-${key}`}
        name=${key}
        value=${form[key]}
        onInput=${set(key)}
        aria-invalid=${problem ? "true" : "false"}
        aria-describedby=${described || undefined}
        ...${extra}
      />
      ${hint ? html`<p class="hint" id=${`${key}-hint`}>${hint}</p>` : null}
      ${problem ? html`<p class="field-error" id=${`${key}-error`}>${label} ${problem}</p>` : null}
    </div>`;
  };

  /** @param {keyof typeof CHOICES} key @param {string} label */
  const select = (key, label) => html`<div class="field">
    <label for=${`git-${key}`}>${label}</label>
    <select id=${`git-${key}`} name=${key} value=${form[key]} onChange=${set(key)} aria-invalid=${fields[key] ? "true" : "false"}>
      ${CHOICES[key].map(([value, text]) => html`<option value=${value}>${text}</option>`)}
    </select>
    ${fields[key] ? html`<p class="field-error">${label} ${fields[key]}</p>` : null}
  </div>`;

  return html`<form class="panel settings" onSubmit=${save} aria-labelledby="git-form-title" novalidate>
    <h2 id="git-form-title">Git connection</h2>
    ${select("provider", "Provider")} ${input("repository", "Repository", { autocomplete: "off" })}
    ${input("branch", "Branch", { required: true, autocomplete: "off" })} ${input("path", "Path", { autocomplete: "off" })}
    ${select("format", "File format")} ${select("outbound", "Outbound mode")}
    ${input("debounceMs", "Debounce (ms)", { inputmode: "numeric" })} ${select("deletions", "Deletion policy")}
    ${plainGit ? null : input("baseUrl", "Base URL", { type: "url", autocomplete: "off" })}
    ${plainGit
      ? html`<${RemoteFields} form=${remote} onChange=${(/** @type {typeof remote} */ r) => { setSaved(false); setRemote(r); }} fields=${fields}
          webhookSecret=${webhookSecret} onWebhookSecret=${setWebhookSecret} hasWebhookSecret=${hasWebhookSecret} />`
      : null}
    <div class="field">
      <label for="git-token">${plainGit ? secretLabel(remote.auth) : "Provider token"}</label>
      <${plainGit && remote.auth === "ssh-key" ? "textarea" : "input"}
        id="git-token"
        name="token"
        type="password"
        autocomplete="new-password"
        value=${token}
        disabled=${clearToken}
        placeholder=${hasToken ? "A token is stored: leave empty to keep it" : "No token stored"}
        onInput=${(/** @type {Event} */ e) => {
          setSaved(false);
          setToken(/** @type {HTMLInputElement} */ (e.target).value);
        }}
        aria-describedby="token-hint"
      />
      <p class="hint" id="token-hint">Write-only: a stored token is never shown again.${hasToken ? " A token is stored." : " No token is stored."}${form.provider === "azure-devops" ? " Azure DevOps: a personal access token with Code (Read & write) and Code (Status)." : ""}</p>
      ${hasToken
        ? html`<label class="check"
            ><input type="checkbox" checked=${clearToken} onChange=${(/** @type {Event} */ e) => setClearToken(/** @type {HTMLInputElement} */ (e.target).checked)} />
            Remove the stored token</label
          >`
        : null}
    </div>
    ${error ? html`<${ErrorBox} error=${error} doing="saving the git connection" />` : null}
    <div class="actions">
      <button type="submit" disabled=${busy}>${busy ? "Saving…" : "Save"}</button>
      ${saved ? html`<span role="status" class="ok">Saved.</span>` : null}
    </div>
  </form>`;
}

/** @param {{ ctx: Ctx, tenant: string }} props */
function ConnectionTest({ ctx, tenant }) {
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState(/** @type {TestResult[] | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const run = async () => {
    setBusy(true);
    setError(null);
    setResults(null);
    try {
      setResults(/** @type {{ results: TestResult[] }} */ (await ctx.api.post(`/tenants/${seg(tenant)}/git/test`)).results);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="panel" aria-labelledby="test-title">
    <h2 id="test-title">Test connection</h2>
    <p class="hint">Checks the saved connection: what gitsync can and cannot do with it.</p>
    <button type="button" onClick=${run} disabled=${busy}>${busy ? "Testing…" : "Test connection"}</button>
    <div aria-live="polite">
      ${error ? html`<${ErrorBox} error=${error} doing="testing the connection" />` : null}
      ${results
        ? html`<ul class="checks">
            ${results.map(
              (r) => html`<li class=${r.ok ? "ok" : "bad"}>
                <span aria-hidden="true">${r.ok ? "✓" : "✗"}</span>
                <strong>${r.check}</strong> <span class="sr-only">${r.ok ? "works" : "fails"}</span>: ${r.message}
                ${r.hostKey ? html` <${AcceptHostKey} ctx=${ctx} tenant=${tenant} hostKey=${r.hostKey} onAccepted=${run} />` : null}
              </li>`,
            )}
          </ul>`
        : null}
    </div>
  </section>`;
}

/** @param {{ ctx: Ctx, tenant: string }} props */
function Resync({ ctx, tenant }) {
  const [busy, setBusy] = useState(false);
  /** @param {"to-git" | "from-git"} direction */
  const run = async (direction) => {
    const what = direction === "to-git" ? "write the whole tenant to git" : "replace the tenant with what git has";
    if (!confirm(`Full resync: ${what}?`)) return;
    setBusy(true);
    try {
      const result = /** @type {{ status: string, entry?: { error: string | null } }} */ (await ctx.api.post(`/tenants/${seg(tenant)}/resync`, { direction }));
      ctx.notify({
        kind: result.status === "failed" ? "error" : "success",
        text: `Resync ${direction === "to-git" ? "to git" : "from git"}: ${result.status}${result.entry?.error ? ` (${result.entry.error})` : ""}.`,
      });
    } catch (error) {
      const { summary, lines } = explain(error, "the resync");
      ctx.notify({ kind: "error", text: summary, lines });
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="panel" aria-labelledby="resync-title">
    <h2 id="resync-title">Full resync</h2>
    <p class="hint">For recovery: rewrites one side from the other.</p>
    <div class="actions">
      <button type="button" class="secondary" disabled=${busy} onClick=${() => run("to-git")}>Resync to git</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${() => run("from-git")}>Resync from git</button>
    </div>
  </section>`;
}
