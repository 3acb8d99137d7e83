import type { ApplicationFunction, Context, Probot } from "probot";
import type { ProviderEvent } from "../core/index.js";
import { InstallationClients, normalizeGitHubEvent } from "../providers/github/index.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { SyncService } from "../sync/service.js";
import { CHECK_NAME } from "../sync/verdict.js";

/**
 * The GitHub App's event handlers. Probot has verified the signature before a handler runs,
 * so the payload only needs normalising into the engine's provider-neutral events.
 *
 * A handler stores the event as a durable job and returns: GitHub gives a delivery 10 seconds,
 * and reading a large tree or publishing hundreds of annotations can take longer. A failure to
 * store it answers GitHub with an error, so its "Redeliver" can send it again.
 */

export interface GithubAppOptions {
  sync: SyncService;
  registry: ProviderRegistry;
}

type HandledContext = Context<"push" | "pull_request" | "check_run" | "check_suite">;

const PULL_REQUEST_ACTIONS = ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"] as const;

export function githubApp(options: GithubAppOptions): ApplicationFunction {
  return (app: Probot) => {
    // Tenants whose GitHub connection has no token act through the App's installation.
    const installations = new InstallationClients(app);
    options.registry.useGithubInstallations(installations.octokitFor);
    // The App was installed, uninstalled, suspended or given other repositories: the installation
    // remembered for a repository may be wrong now, so it is looked up again on next use.
    app.on("installation", (context) => {
      installations.forget({ installation: context.payload.installation.id });
    });
    app.on("installation_repositories", (context) => {
      const { repositories_added: added, repositories_removed: removed } = context.payload;
      installations.forget({ installation: context.payload.installation.id, repositories: [...added, ...removed].flatMap((r) => (r.full_name === undefined ? [] : [r.full_name])) });
    });
    const handle = (context: HandledContext): Promise<void> => deliver(options.sync, context);
    app.on("push", handle);
    app.on([...PULL_REQUEST_ACTIONS], handle);
    app.on("check_run.rerequested", (context) => {
      // Only "Re-run" on gitsync's own check (one per tenant when several share a repository).
      const name = context.payload.check_run.name;
      if (name !== CHECK_NAME && !name.startsWith(`${CHECK_NAME}/`)) return;
      return handle(context);
    });
    // "Re-run all checks": GitHub sends an app the re-requests of its own suites only.
    app.on("check_suite.rerequested", handle);
  };
}

/** Normalises and hands the event to the engine; every failure ends in the event's log. */
async function deliver(sync: SyncService, context: HandledContext): Promise<void> {
  const where = {
    event: context.name,
    delivery: context.id,
    repository: context.payload.repository?.full_name ?? null,
  };
  let event: ProviderEvent | null;
  try {
    event = normalizeGitHubEvent({ name: context.name, id: context.id, payload: context.payload });
  } catch (error) {
    context.log.error({ ...where, err: reason(error) }, "GitHub event not understood");
    sync.deps.metrics?.webhook("github", "rejected");
    return;
  }
  if (event === null) {
    context.log.debug(where, "GitHub event ignored");
    sync.deps.metrics?.webhook("github", "ignored");
    return;
  }
  const { duplicate, job } = await sync.receive(event);
  sync.deps.metrics?.webhook("github", "accepted");
  context.log.info({ ...where, job, duplicate }, duplicate ? "GitHub redelivery of handled work ignored" : "GitHub event queued");
}

/**
 * Only the message: provider errors are rebuilt without request details (tokens), and an
 * unexpected error's own fields are not trusted to be safe to log.
 */
function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
