/**
 * The block `gitsync serve` prints when it starts, in place of Probot's setup-mode banner
 * (which pointed at this server's sign-in page as if it were Probot's setup). It goes to the
 * terminal, never to the log: on a first start it holds the admin token.
 */
export interface BannerInput {
  url: string;
  dataDir: string;
  /** A token generated on this start, shown this once; null when none was generated. */
  generatedToken: string | null;
  /** True when GITSYNC_ADMIN_TOKEN is set. */
  adminTokenFromEnv: boolean;
  githubMode: "app" | "setup" | "unavailable";
  gitlab: boolean;
  bitbucket: boolean;
  /** Where the metrics are served without auth, or null for `<url>/metrics` to admins. */
  metricsUrl: string | null;
}

function tokenLines(input: BannerInput): string[] {
  if (input.generatedToken !== null) {
    return [
      "Sign in with this admin token. It is shown this once and not kept in clear anywhere: save it now.",
      "",
      `    ${input.generatedToken}`,
      "",
    ];
  }
  if (input.adminTokenFromEnv) return ["Sign in with the admin token in GITSYNC_ADMIN_TOKEN.", ""];
  return [
    "Sign in with the admin token printed at the first start (or an API token made since).",
    "Lost it? Restart with GITSYNC_ADMIN_TOKEN=<16+ characters> to add one for the first admin.",
    "",
  ];
}

function providerLines(input: BannerInput): string[] {
  const github =
    input.githubMode === "app"
      ? "GitHub: the GitHub App is configured; install it on a repository, then point a tenant at owner/name."
      : input.githubMode === "setup"
        ? `GitHub: register the GitHub App at ${input.url}/probot (writes APP_ID, PRIVATE_KEY, WEBHOOK_SECRET to .env; then restart), or give a tenant a token.`
        : "GitHub: set APP_ID and PRIVATE_KEY for the GitHub App, or give a tenant's git connection a token.";
  const gitlab = input.gitlab
    ? `GitLab: webhooks are received at ${input.url}/webhooks/gitlab.`
    : `GitLab: set GITLAB_WEBHOOK_SECRET, add a webhook to ${input.url}/webhooks/gitlab with it, and give the tenant a token.`;
  const bitbucket = input.bitbucket
    ? `Bitbucket: webhooks are received at ${input.url}/webhooks/bitbucket.`
    : `Bitbucket: set BITBUCKET_WEBHOOK_SECRET, add a webhook to ${input.url}/webhooks/bitbucket with it, and give the tenant a token.`;
  return [
    "Each tenant starts on a local git repository. To use a forge, open the tenant's git settings",
    "in the UI (or PUT /api/v1/tenants/<tenant>/git):",
    `  - ${github}`,
    `  - ${gitlab}`,
    `  - ${bitbucket}`,
  ];
}

/** The line above and below the banner. */
const BANNER_RULE = "-".repeat(72);

/** True once `output` (what the process wrote to stderr) holds the whole banner: the start is over. */
export function bannerComplete(output: string): boolean {
  return output.split(`${BANNER_RULE}\n`).length > 2;
}

export function startBanner(input: BannerInput): string {
  return [
    "",
    BANNER_RULE,
    `gitsync is running. Open ${input.url}/ in a browser.`,
    "",
    ...tokenLines(input),
    `Data (database, credential key, local repositories): ${input.dataDir}`,
    `Local repositories: ${input.dataDir}/repos/<tenant>.git (git clone and git push work directly)`,
    `Metrics: ${input.metricsUrl ?? `${input.url}/metrics (admin token)`}`,
    "",
    ...providerLines(input),
    BANNER_RULE,
    "",
  ].join("\n");
}
