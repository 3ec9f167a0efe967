/**
 * `npm run dev`: the local stack for integrators — a JSON-RPC node on 127.0.0.1:8545 seeded with the demo's
 * clusters, GraphQL on 127.0.0.1:8000/subgraphs/name/clustershare, the keeper — until Ctrl-C or SIGTERM.
 *
 *   npm run dev -- [--rpc-port 8545] [--graphql-port 8000] [--months 2] [--seed 1] [--no-seed] [--keeper-interval 15000]
 *
 * Env: RPC_PORT, GRAPHQL_PORT, DEV_MONTHS, DEV_SEED, NO_SEED=1, KEEPER_INTERVAL_MS. Prints a banner, then the line
 * `clustershare dev stack ready` (what scripts and tests wait for).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readDevOptions } from "./options";
import { READY_LINE, startDevStack, type DevStack } from "./stack";

const CLI_BIN = join(__dirname, "../../sdk/dist/cli/index.js");

function banner(stack: DevStack): string {
  const accounts = Object.entries(stack.accounts).map(([role, address]) => `    ${role.padEnd(10)} ${address}`);
  return [
    "",
    "ClusterShare dev stack",
    `  JSON-RPC   ${stack.rpcUrl}  (chain id ${stack.deployment.chainId}; Hardhat's default accounts, unlocked)`,
    `  GraphQL    ${stack.graphqlUrl}`,
    `  factory    ${stack.deployment.factory}`,
    `  multicall3 ${stack.deployment.multicall3}`,
    `  stablecoin ${stack.deployment.stablecoin ?? "(none)"}`,
    `  clusters   ${stack.clusters}`,
    `  deployment ${stack.deploymentFile}`,
    "  accounts",
    ...accounts,
    "",
    // The CLI is the SDK package's bin: it runs from the built package.
    existsSync(CLI_BIN) ? "  try: npx clustershare clusters" : "  the CLI: npm run build -w sdk once, then npx clustershare clusters",
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const options = readDevOptions(process.argv.slice(2), process.env);
  const stack = await startDevStack(
    options,
    (stage) => console.log(`… ${stage}`),
    (entry) => {
      if (entry.kind === "action") console.log(`keeper: cluster ${entry.clusterId} ${entry.step} ${entry.outcome}${entry.error ? `: ${entry.error}` : ""}`);
      else console.log(`keeper: pass failed (${entry.error}), retrying in ${entry.retryInMs} ms`);
    },
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the keeper, the runner and the node`);
    stack.close().then(
      () => {
        console.log("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  console.log(banner(stack));
  console.log(READY_LINE);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
