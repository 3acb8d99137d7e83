/**
 * `npm run bench -- validate [--files N]`: how fast `gitsync validate` checks a large checkout as
 * a command (start-up included), side by side in the same run with ajv-cli and with a plain
 * script (read each file with the `yaml` package, validate it with ajv: no positions, no
 * cross-file rules), and with the command built without its plain-subset YAML reader. The
 * generated tree lives under bench/.work/ (git-ignored) and is reused. The built command is timed
 * as users run it (`npm run build` first).
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { Catalog } from "../src/catalog/catalog.js";
import { isCronExpression } from "../src/catalog/cron.js";
import { packageRoot } from "../src/catalog/package-root.js";
import { PRECOMPILED_FILE } from "../src/catalog/precompiled-stamp.js";
import { readConfigTree, validateTree } from "../src/validation/index.js";
import { buildVariants } from "./validate-variants.js";
import { type Figure, inTurn, timed } from "./measure.js";

/** `gitsync validate` of the default 10,000 files, as a command, start-up included. */
const TARGET_MS = 500;
const RUNS = 3;
/** Commands are short: more runs steady their median on a shared machine. */
const COMMAND_RUNS = 7;
const CONNECTIONS = ["warehouse", "crm", "erp", "lake", "hubspot"];

export async function run(args: string[]): Promise<void> {
  const count = Number(args[args.indexOf("--files") + 1] ?? 10_000) || 10_000;
  const root = packageRoot();
  const tree = join(root, "bench", ".work", `validate-${count}`);
  await generate(tree, count);
  const catalog = await Catalog.load();
  const connectionsFile = join(tree, "..", "connections.json");
  await writeFile(connectionsFile, JSON.stringify(CONNECTIONS));

  const inProcess = async () => {
    const files = readConfigTree(tree, catalog);
    const result = validateTree({ catalog, files, connections: CONNECTIONS, resources: false });
    if (result.files !== count || result.diagnostics.length > 0) {
      throw new Error(`expected ${count} clean files, got ${result.files} files and ${result.diagnostics.length} diagnostics`);
    }
  };
  const [ours] = (await inTurn(RUNS, [timed(inProcess)])) as [Figure];
  const [baseline] = (await inTurn(RUNS, [timed(() => baselineValidate(tree))])) as [Figure];

  const compiled = join(root, "dist", "src", "cli", "main.js");
  const validateArgs = [tree, "--format", "json", "--connections", connectionsFile];
  const variants = await buildVariants(root);
  const commands: [string, string[]][] = [
    ...(existsSync(compiled) ? ([["gitsync validate (built)", [compiled, "validate", ...validateArgs]]] as [string, string[]][]) : []),
    ...Object.entries(variants).map(([name, entry]): [string, string[]] => [`gitsync validate, ${name}`, [entry, ...validateArgs]]),
    ["ajv-cli, one run per kind", ["--input-type=module", "-e", AJV_CLI_SCRIPT, tree, createRequire(import.meta.url).resolve("ajv-cli/dist/index.js")]],
    ["baseline script (yaml + ajv)", ["--input-type=module", "-e", BASELINE_SCRIPT, tree]],
    ["node -e 0", ["-e", "0"]],
  ];
  // Node reads every certificate of NODE_EXTRA_CA_CERTS before it runs any code: set on some
  // machines for a TLS-inspecting proxy, it is a cost of that machine's every Node process, not
  // of a command, so the commands run without it (Node's start-up with it is shown apart).
  const env = { ...process.env };
  delete env["NODE_EXTRA_CA_CERTS"];
  if (process.env["NODE_EXTRA_CA_CERTS"]) commands.push(["node -e 0, with NODE_EXTRA_CA_CERTS", ["-e", "0"]]);
  // Interleaved, one run of each in turn: a shared machine's speed drifts within a minute.
  const figures = await inTurn(
    COMMAND_RUNS,
    commands.map(([label, args]) => () => child(root, args, label.endsWith("NODE_EXTRA_CA_CERTS") ? process.env : env)),
  );

  const rate = (f: Figure) => Math.round((count / f.ms) * 1000);
  const line = (label: string, f: Figure) =>
    `  ${label.padEnd(40)} ${rate(f).toLocaleString("en").padStart(7)} files/s  ${f.ms.toFixed(0).padStart(6)} ms` +
    `${f.maxRss ? `  ${(f.maxRss / 1024).toFixed(0)} MiB peak RSS` : ""}  (load ${f.load.toFixed(2)}${f.steal === undefined ? "" : `, steal ${f.steal.toFixed(0)}%`})`;
  console.log(`tree: ${count} files across ${catalog.kinds().filter((k) => k.exported).length} kinds (${tree}); ${availableParallelism()} cores`);
  console.log(`in-process, median of ${RUNS} (read + validate):`);
  console.log(line("gitsync validate", ours));
  console.log(line("baseline yaml+ajv", baseline));
  console.log(`as a command, median of ${COMMAND_RUNS} in turn (wall time includes start-up):`);
  commands.forEach(([label], i) => console.log(line(label, figures[i] as Figure)));
  if (!existsSync(compiled)) console.log("  built CLI not found: run `npm run build` first");
  else if (!existsSync(join(root, "dist", "src", "catalog", PRECOMPILED_FILE))) {
    console.log("  (kind validators not precompiled: the commands compiled them at start-up; run `npm run build`)");
  }
  const cli = existsSync(compiled) ? (figures[0] as Figure) : null;
  console.log(`target ${TARGET_MS} ms as a command: ${cli ? (cli.ms <= TARGET_MS ? "met" : "NOT met") : "not run"}`);
}

/** The plain script: sequential synchronous reads, yaml.parse, one compiled ajv validator per folder. */
async function baselineValidate(tree: string): Promise<void> {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat("cron", { type: "string", validate: isCronExpression });
  const kindsDir = join(packageRoot(), "src", "catalog", "kinds");
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  for (const file of readdirSync(kindsDir)) {
    const schema = JSON.parse(readFileSync(join(kindsDir, file), "utf8")) as Record<string, unknown>;
    validators.set(schema["x-gitsync-folder"] as string, ajv.compile(schema));
  }
  let invalid = 0;
  for (const folder of readdirSync(tree)) {
    const validate = validators.get(folder);
    if (!validate) continue;
    for (const name of readdirSync(join(tree, folder))) {
      if (!validate(parse(readFileSync(join(tree, folder, name), "utf8")))) invalid++;
    }
  }
  if (invalid > 0) throw new Error(`baseline found ${invalid} invalid files`);
}

/** The same baseline as a stand-alone script, run as its own process for wall time and RSS. */
const BASELINE_SCRIPT = `
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { Cron } from "croner";
const tree = process.argv[1];
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addFormat("cron", { type: "string", validate: (e) => { try { return e.trim().split(/\\s+/).length === 5 && !!new Cron(e, { paused: true }); } catch { return false; } } });
const validators = new Map();
for (const f of readdirSync("src/catalog/kinds")) {
  const schema = JSON.parse(readFileSync(join("src/catalog/kinds", f), "utf8"));
  validators.set(schema["x-gitsync-folder"], ajv.compile(schema));
}
let invalid = 0;
for (const folder of readdirSync(tree)) {
  const validate = validators.get(folder);
  if (!validate) continue;
  for (const name of readdirSync(join(tree, folder))) if (!validate(parse(readFileSync(join(tree, folder, name), "utf8")))) invalid++;
}
process.exitCode = invalid > 0 ? 1 : 0;
`;

/**
 * ajv-cli, as a user would run it on the same tree: one `ajv validate` per kind folder, each with
 * that kind's schema (unknown keywords and the cron format ignored: `--strict=false`).
 */
const AJV_CLI_SCRIPT = `
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
const [tree, ajvCli] = process.argv.slice(1);
for (const f of readdirSync("src/catalog/kinds")) {
  const schema = join("src/catalog/kinds", f);
  const folder = JSON.parse(readFileSync(schema, "utf8"))["x-gitsync-folder"];
  if (!readdirSync(tree).includes(folder)) continue;
  execFileSync(process.execPath, [ajvCli, "validate", "--spec=draft2020", "--strict=false", "-s", schema, "-d", join(tree, folder, "*.yaml")], { stdio: "ignore" });
}
`;

/** Runs node with a preload that reports the process's own peak RSS (kB) on stderr at exit. */
async function child(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Figure> {
  const preload = `data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))`;
  const start = performance.now();
  const { stderr } = await promisify(execFile)(process.execPath, ["--import", preload, ...args], {
    cwd,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  const maxRss = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? 0);
  return { ms, maxRss, load: loadavg()[0] ?? 0 };
}

async function generate(tree: string, count: number): Promise<void> {
  const marker = join(tree, ".complete");
  if (existsSync(marker)) return;
  await rm(tree, { recursive: true, force: true });
  const folders = ["models", "syncs", "jobs", "file-definitions", "cluster-definitions", "python-environments"];
  for (const f of folders) await mkdir(join(tree, f), { recursive: true });
  // Every folder has at least this many files, so references modulo it always resolve.
  const per = Math.floor(count / folders.length);
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const folder = folders[i % folders.length] as string;
    const n = Math.floor(i / folders.length);
    writes.push(writeFile(join(tree, folder, `${folder.slice(0, -1)}-${n}.yaml`), resourceText(folder, n, per)));
    if (writes.length >= 256) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  await writeFile(marker, "");
}

function resourceText(folder: string, n: number, per: number): string {
  const project = `project-${n % 12}`;
  switch (folder) {
    case "models":
      return n % 3 === 0
        ? `name: model-${n}\nsource: warehouse\ntype: raw_sql\ndbtModel: null\nrawSql: |\n  select id, email, country\n  from customers_${n}\n  where active\nisSchema: false\nprimaryKey: id\nproject: ${project}\n`
        : n % 3 === 1
          ? `name: model-${n}\nsource: crm\ntype: table\ndbtModel: null\ntableName: public.table_${n}\nisSchema: false\nprimaryKey: id\nproject: ${project}\n`
          : `name: model-${n}\nsource: warehouse\ntype: dbt_model\ndbtModel: model.analytics.model_${n}\nisSchema: false\nprimaryKey: id\n`;
    case "syncs":
      return `model: model-${n % per}\ndestination: hubspot\nconfig:\n  object: contacts\n  mode: upsert\n  mappings:\n    - from: email\n      to: email\nschedule:\n  type: ${n % 2 ? "interval\n  every: 15m" : 'cron\n  expression: "0 */2 * * *"'}\nschedulePaused: false\nproject: ${project}\n`;
    case "jobs":
      return `name: job-${n}\nproject: ${project}\ndescription: Loads batch ${n}\nenabled: true\nschedule:\n  type: cron\n  expression: "30 1 * * *"\ndependsOn:${n > 0 ? `\n  - job-${n - 1}` : " []"}\ntasks:\n  - name: copy\n    type: data-migration\n    sourceConnection: erp\n    targetConnection: lake\n    fileDefinition: file-definition-${n % per}\n    tables:\n      - name: orders_${n}\n        columns:\n          - name: id\n            type: int\n            key: true\n          - name: total\n            type: decimal\n        configuration:\n          mode: incremental\n  - name: transform\n    type: spark\n    clusterDefinition: cluster-definition-${n % per}\n    pythonEnvironment: python-environment-${n % per}\n    tables: []\n`;
    case "file-definitions":
      return `name: file-definition-${n}\ntype: csv\nfilePath: drops/batch_${n}/*.csv\nextension: .csv\ndelimiter: ","\nhasHeader: true\nencoding: utf-8\n`;
    case "cluster-definitions":
      return `name: cluster-definition-${n}\ntype: databricks\nconfiguration:\n  nodeType: Standard_DS3_v2\n  workers: ${1 + (n % 8)}\n`;
    default:
      return `name: python-environment-${n}\npath: envs/env-${n}\npythonVersion: "3.11"\npackages:\n  - pandas==2.2.2\n  - requests==2.32.3\n`;
  }
}
