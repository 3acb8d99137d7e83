/**
 * `npm run bench -- <name>`: runs one benchmark (or all) and prints its figures. Targets live
 * here, never in timed tests.
 */
const benches: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  validate: () => import("./validate.js"),
  commit: () => import("./commit.js"),
  sync: () => import("./sync.js"),
  integrity: () => import("./integrity.js"),
  requests: () => import("./requests.js"),
  scale: () => import("./scale.js"),
  start: () => import("./start.js"),
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const names = name ? [name] : Object.keys(benches);
  for (const n of names) {
    const load = benches[n];
    if (!load) {
      console.error(`unknown benchmark '${n}'; known: ${Object.keys(benches).join(", ")}`);
      process.exitCode = 2;
      return;
    }
    console.log(`\n== bench ${n} ==`);
    await (await load()).run(args);
  }
}

await main();
