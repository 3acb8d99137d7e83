#!/usr/bin/env node
/**
 * The `gitsync` command. Each subcommand lives in its own module and is loaded on demand, so
 * `gitsync validate` never pays for the server's dependencies.
 */
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  validate: () => import("./validate.js"),
  serve: () => import("./serve.js"),
  sync: () => import("./sync.js"),
  snapshot: () => import("./snapshot.js"),
  import: () => import("./import.js"),
  resync: () => import("./resync.js"),
  restore: () => import("./restore.js"),
  status: () => import("./status.js"),
  jobs: () => import("./jobs.js"),
};

const usage = `usage: gitsync <command> [options]

commands:
  serve                 run the server (web UI, REST API, webhooks)
  validate [dir]        validate a checkout offline (--format text|json, --connections file)

commands that call a running server (--url, --token, --tenant, --json; see <command> --help):
  sync                  commit the tenant's waiting app changes now
  snapshot [--no-wait]  "Sync changes": snapshot branch and pull request, followed to the end
  import --ref REF      import a branch or commit (--source tenant, --prune, --dry-run)
  resync --direction D  full resync: to-git (branch from tenant) or from-git (tenant from branch)
  restore [T] --ref SHA  restore the tenant, or --resource kind/name ..., as at a commit (--dry-run)
  status                git connection, waiting changes, pending per project, recent sync log
  jobs [list|retry ID]  background jobs (--state failed, ...); retry a failed one
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`gitsync: unknown command '${name}'\n${usage}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gitsync: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
