/**
 * `npm run demo`: a year of GPU clusters on the embedded chain. Builds the scenario from the flags, simulates it on
 * the in-process Hardhat network with a progress bar, indexes the chain with the local subgraph runner, reads every
 * figure back through the SDK, prints the tables and writes demo-report.html.
 *
 *   npm run demo -- [--seed 1] [--months 12] [--clusters 2] [--json] [--out demo-report.html]
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { consoleReport } from "./console";
import { bigintsAsStrings, progressBar } from "./format";
import { htmlReport } from "./html";
import { ensureSubgraphBuilt, indexChain } from "./indexing";
import { readSummary, type DemoSummary } from "./reads";
import { buildScenario, type ScenarioOptions } from "./scenario";
import { simulate, type Simulation } from "./simulator";

export interface DemoResult {
  summary: DemoSummary;
  /** Wall-clock time of the run: deployment, simulation, indexing and reads (not a first subgraph build). */
  durationMs: number;
  html: string;
  /** Keeper lines (reverts it logged and retried). */
  keeperLog: string[];
  /** The run itself: accounts, contracts, week ends (what a test reads the chain with). */
  simulation: Simulation;
}

export interface DemoOptions extends ScenarioOptions {
  /** Called after each simulated week (the progress bar). */
  onWeek?: (week: number, weeks: number) => void;
  onStage?: (stage: string) => void;
}

/** Runs the whole demo on the in-process network (fresh: the scenario's clock starts in 2030). */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  // A fresh clone builds the subgraph once (graph build, ~30 s); it is not part of the run's duration.
  if (ensureSubgraphBuilt()) options.onStage?.("built the subgraph");
  const started = performance.now();
  const scenario = buildScenario(options);
  const sim = await simulate(scenario, { onWeek: options.onWeek });
  options.onStage?.("indexing with the subgraph runner");
  const chain = await indexChain(await sim.protocol.factory.getAddress(), 0);
  try {
    options.onStage?.("reading through the SDK");
    const summary = await readSummary(sim, chain.subgraphUrl, chain.rpcUrl, chain.runner.indexer.stats.triggers);
    const durationMs = performance.now() - started;
    return { summary, durationMs, html: htmlReport(summary, durationMs), keeperLog: sim.log, simulation: sim };
  } finally {
    await chain.close();
  }
}

/** The summary as JSON (bigints as decimal strings), for scripts and agents. */
export function summaryJson(result: DemoResult): string {
  return JSON.stringify({ ...result.summary, durationMs: Math.round(result.durationMs), upkeeps: result.simulation.upkeeps, keeperLog: result.keeperLog }, bigintsAsStrings, 2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: "string", default: "1" },
      months: { type: "string", default: "12" },
      clusters: { type: "string", default: "2" },
      json: { type: "boolean", default: false },
      out: { type: "string", default: "demo-report.html" },
    },
  });
  const json = values.json!;
  const progress = (text: string) => { if (!json) process.stderr.write(text); };
  const result = await runDemo({
    seed: Number(values.seed),
    months: Number(values.months),
    clusters: Number(values.clusters),
    onWeek: (week, weeks) => progress(progressBar(week, weeks, `week ${week} of ${weeks}`)),
    onStage: (stage) => progress(`\n${stage}…`),
  });
  progress("\n");
  const out = resolve(values.out!);
  writeFileSync(out, result.html);
  if (json) {
    console.log(summaryJson(result));
    return;
  }
  console.log(consoleReport(result.summary));
  const upkeeps = result.simulation.upkeeps;
  console.log(`Keeper: ${upkeeps.close ?? 0} epochs closed, ${upkeeps.nav ?? 0} NAV rounds published, ${upkeeps.settle ?? 0} queue settlements`);
  for (const line of result.keeperLog) console.log(line);
  console.log(`\nwrote ${out}`);
  console.log(`${result.summary.months} months simulated, indexed and read in ${(result.durationMs / 1000).toFixed(1)} s ` +
    `(${process.uptime().toFixed(1)} s since the process started)`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
