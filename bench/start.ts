/**
 * `npm run bench -- start`: how long `gitsync serve` takes from its process starting to its
 * banner (the server answering), on a fresh data folder, with the CPU time that took. The built
 * command (bundled, `npm run build`) is timed side by side with the same build's unbundled
 * modules (tsc's output, one file per module, packages from node_modules), which is what the
 * bundling step has to pay for. Every restart, every instance and every test of the built server
 * pays this.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { packageRoot } from "../src/catalog/package-root.js";
import { bannerComplete } from "../src/server/banner.js";
import { type Figure, inTurn } from "./measure.js";

const RUNS = 7;

interface StartFigure extends Figure {
  /** User + system CPU time of the process when its banner was complete. */
  cpuMs: number;
}

/** CPU time a live process has used so far (Linux /proc), in ms. */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime, the 14th and 15th fields, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function serveOnce(args: string[]): Promise<StartFigure> {
  const dataDir = await mkdtemp(join(tmpdir(), "gitsync-bench-start-"));
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: "0", HOST: "127.0.0.1", GITSYNC_DATA_DIR: dataDir };
  const begin = performance.now();
  const child = spawn(process.execPath, args, { cwd: dataDir, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const figure = await new Promise<StartFigure>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      // The banner is complete once its closing rule is printed.
      if (bannerComplete(stderr)) resolve({ ms: performance.now() - begin, cpuMs: cpuOf(child.pid!), load: loadavg()[0] ?? 0 });
    });
    child.once("exit", (code) => reject(new Error(`gitsync serve exited with ${code}:\n${stderr}`)));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  await rm(dataDir, { recursive: true, force: true });
  return figure;
}

export async function run(): Promise<void> {
  const root = packageRoot();
  const dist = join(root, "dist", "src", "cli");
  if (!existsSync(join(dist, "chunks"))) {
    console.log("built command not found: run `npm run build` first");
    return;
  }
  const unbundled = `import(${JSON.stringify(join(dist, "serve.js"))}).then((m) => m.run([]))`;
  const commands: [string, string[]][] = [
    ["gitsync serve (built, bundled)", [join(dist, "main.js"), "serve"]],
    ["the same build, unbundled modules", ["--input-type=module", "-e", unbundled]],
  ];
  const figures = (await inTurn(RUNS, commands.map(([, args]) => () => serveOnce(args)))) as StartFigure[];
  console.log(`start to banner, fresh data folder, median of ${RUNS} in turn:`);
  commands.forEach(([label], i) => {
    const f = figures[i] as StartFigure;
    console.log(`  ${label.padEnd(36)} ${f.ms.toFixed(0).padStart(6)} ms  ${f.cpuMs.toFixed(0).padStart(6)} ms CPU  (load ${f.load.toFixed(2)})`);
  });
}
