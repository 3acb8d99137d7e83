import { RENAMES, describeUniformBehaviour } from "../uniform-behaviour.js";
import { createLocalHarness, git } from "./harness.js";

/** A real bare repository where one commit renames files (git detects them) across `config`. */
async function renamedUnderConfig() {
  const h = await createLocalHarness();
  try {
    // Contents unlike each other, so git pairs each rename with its own file only.
    const content = (path: string) => Array.from({ length: 8 }, (_, i) => `${path.replace(/\W/g, "_")}_${i}: ${path.length * (i + 3)}`).join("\n");
    const base = await h.seed(Object.fromEntries(RENAMES.map((r) => [r.from, content(r.from)])));
    const renamed = await h.seed(Object.fromEntries(RENAMES.map((r) => [r.to, content(r.from)])));
    // The renamed tree as a child of the first commit: one history, as a push makes it.
    const tree = git(h.gitDir, ["rev-parse", `${renamed}^{tree}`]).trim();
    const head = git(h.gitDir, ["commit-tree", tree, "-p", base, "-m", "renames"]).trim();
    return await h.provider.changedFiles(h.repo, base, head, "config");
  } finally {
    await h.cleanup();
  }
}

describeUniformBehaviour("local", () => createLocalHarness(), renamedUnderConfig);
