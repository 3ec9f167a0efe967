/**
 * Gas benchmark: measures ClusterShare's everyday transactions against baselines deployed in the same run on the
 * in-process Hardhat network, prints a table and writes bench/gas.json; then the indexing benchmark
 * (bench/indexing.json), then the demo's year (bench/demo.json). Exits 0 even when a goal is missed (the
 * table says which); exits non-zero only when the benchmark itself fails.
 *
 * Run with `npx ts-node --transpile-only scripts/bench/index.ts` on compiled contracts.
 */
import path from "node:path";
import hre from "hardhat";
import { formatTable, meetsGoal, writeReport, type BenchRow } from "./measure";
import { claimRow, closeEpochRows, launchRow, payRentRow, transferRows } from "./scenarios";
import { buyRow, redemptionRows, settleRows } from "./investorScenarios";
import { indexingRow } from "./indexing";
import { sdkFigures } from "./sdk";
import { demoRow } from "./demo";

const REPORT_FILE = path.join(hre.config.paths.root, "bench", "gas.json");
const INDEXING_FILE = path.join(hre.config.paths.root, "bench", "indexing.json");
const SDK_FILE = path.join(hre.config.paths.root, "bench", "sdk.json");
const DEMO_FILE = path.join(hre.config.paths.root, "bench", "demo.json");

async function main(): Promise<void> {
  const rows: BenchRow[] = [
    ...(await transferRows()),
    await claimRow(),
    ...(await closeEpochRows()),
    await launchRow(),
    await payRentRow(),
    await buyRow(),
    ...(await redemptionRows()),
    ...(await settleRows()),
  ];
  console.log(formatTable(rows));
  writeReport(rows, REPORT_FILE);
  console.log(`\nwrote ${path.relative(process.cwd(), REPORT_FILE)}`);

  const indexing = await indexingRow(INDEXING_FILE);
  const figures = [["node in this process", indexing], ["node in a separate process", indexing.separateNode]] as const;
  for (const [where, figure] of figures) {
    console.log(
      `\nindexing (${where}): ${figure.events} events, eth_getLogs alone ${figure.fetchMs} ms, runner ${figure.indexMs} ms, ` +
        `ratio ${figure.ratio} (goal <= ${indexing.goal})`,
    );
  }
  console.log(`-> ${path.relative(process.cwd(), INDEXING_FILE)}`);

  const sdk = await sdkFigures(SDK_FILE);
  for (const f of sdk) console.log(`sdk: ${f.figure} ${f.value} ${f.unit} (goal <= ${f.goal})`);
  const sdkMissed = sdk.filter((f) => f.value > f.goal);
  for (const f of sdkMissed) console.log(`GOAL MISSED: ${f.figure} ${f.value} > ${f.goal}`);

  // Last: it resets the in-process chain.
  const demo = await demoRow(DEMO_FILE);
  console.log(`\ndemo: ${demo.months} months of ${demo.clusters} clusters in ${demo.durationMs} ms (goal <= ${demo.goalMs}) -> ${path.relative(process.cwd(), DEMO_FILE)}`);
  if (demo.durationMs > demo.goalMs) console.log(`GOAL MISSED: demo ${demo.durationMs} ms > ${demo.goalMs}`);

  const missed = rows.filter((row) => !meetsGoal(row));
  const indexingMissed = figures.filter(([, figure]) => figure.ratio > indexing.goal);
  for (const [where, figure] of indexingMissed) console.log(`GOAL MISSED: indexing ratio (${where}) ${figure.ratio} > ${indexing.goal}`);
  if (missed.length === 0 && sdkMissed.length === 0 && indexingMissed.length === 0 && demo.durationMs <= demo.goalMs) {
    console.log("all goals met");
  } else {
    for (const row of missed) console.log(`GOAL MISSED: ${row.action} ratio ${row.ratio} > ${row.goal}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
