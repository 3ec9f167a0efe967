/**
 * The indexing benchmark alone (scripts/bench/indexing.ts), without the gas, SDK and demo figures that
 * scripts/bench/index.ts measures around it: `npx ts-node --transpile-only scripts/bench/indexingOnly.ts [file]`
 * on compiled contracts and a built subgraph. Writes bench/indexing.json unless given another file.
 */
import path from "node:path";
import hre from "hardhat";
import { indexingRow } from "./indexing";

async function main(): Promise<void> {
  const file = process.argv[2] ?? path.join(hre.config.paths.root, "bench", "indexing.json");
  const row = await indexingRow(file);
  for (const [where, figure] of [["node in this process", row], ["node in a separate process", row.separateNode]] as const) {
    console.log(
      `indexing (${where}): ${figure.events} events, eth_getLogs alone ${figure.fetchMs} ms, runner ${figure.indexMs} ms, ` +
        `ratio ${figure.ratio} (goal <= ${row.goal})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
