/**
 * Demo benchmark: `npm run demo`'s default year (12 months, 2 clusters, seed 1) on a fresh in-process chain —
 * deployment, simulation, indexing by the runner and the reads through the SDK — against its 90 s goal. Writes
 * bench/demo.json: { months, clusters, weeks, eventsIndexed, durationMs, goalMs }.
 *
 *   npx ts-node --transpile-only scripts/bench/demo.ts   (on compiled contracts and a built subgraph)
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { runDemo } from "../demo/index";

export interface DemoRow {
  months: number;
  clusters: number;
  weeks: number;
  eventsIndexed: number;
  durationMs: number;
  goalMs: number;
}

const GOAL_MS = 90_000;

/** Runs the default demo on a reset chain (the scenario's clock starts in 2030) and writes `reportFile`. */
export async function demoRow(reportFile: string): Promise<DemoRow> {
  await hre.network.provider.send("hardhat_reset");
  const { summary, durationMs } = await runDemo();
  const row = {
    months: summary.months,
    clusters: summary.clusters.filter((c) => c.state === "Active").length,
    weeks: summary.weeks,
    eventsIndexed: summary.eventsIndexed,
    durationMs: Math.round(durationMs),
    goalMs: GOAL_MS,
  };
  writeFileSync(reportFile, JSON.stringify(row, null, 2) + "\n");
  return row;
}

if (require.main === module) {
  demoRow(path.join(hre.config.paths.root, "bench", "demo.json"))
    .then((row) => console.log(`demo: ${row.months} months, ${row.clusters} clusters in ${row.durationMs} ms (goal <= ${row.goalMs})`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
