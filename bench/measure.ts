/**
 * Figures shared by the benchmarks: wall times taken in turn (a shared machine's speed drifts
 * within a minute), their median, and the load and CPU steal each was taken under.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";

export interface Figure {
  ms: number;
  /** One-minute load average when the run ended: other jobs share the machine. */
  load: number;
  /** Share of CPU time the hypervisor gave to other machines during the run (Linux), in percent. */
  steal?: number;
  maxRss?: number;
}

/** Steal and total CPU time so far (Linux /proc/stat), for the steal share of a run; null elsewhere. */
export function cpuTimes(): { steal: number; total: number } | null {
  try {
    const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
    return { steal: fields[7] ?? 0, total: fields.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

export function stealSince(before: { steal: number; total: number } | null): number | undefined {
  const after = cpuTimes();
  if (!before || !after || after.total === before.total) return undefined;
  return (100 * (after.steal - before.steal)) / (after.total - before.total);
}

/** The median of `runs` runs of each measurement, taken in turn. */
export async function inTurn(runs: number, measures: (() => Promise<Figure>)[]): Promise<Figure[]> {
  const figures: Figure[][] = measures.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, measure] of measures.entries()) {
      const cpu = cpuTimes();
      const figure = await measure();
      figures[k]?.push({ ...figure, steal: stealSince(cpu) });
    }
  }
  return figures.map(middle);
}

/** A measurement of fn's wall time in this process. */
export function timed(fn: () => Promise<void>): () => Promise<Figure> {
  return async () => {
    const start = performance.now();
    await fn();
    return { ms: performance.now() - start, load: loadavg()[0] ?? 0 };
  };
}

export function middle(runs: Figure[]): Figure {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)] as Figure;
}
