/**
 * npm run subgraph:serve -- --rpc <url> [--build subgraph/build]
 *                           [--factory <address> [--start-block N] [--network hardhat] | --deployment <file>]
 *                           [--port 8000] [--host 127.0.0.1] [--name clustershare]
 *
 * Serves a built subgraph (`graph build`'s output; `npm run subgraph:build` writes subgraph/build). With
 * --factory, or --deployment (a JSON file { network, factory, startBlock }), the build indexes that deployment
 * without being rebuilt. Query limits come from graph-node's environment variables (GRAPH_GRAPHQL_MAX_DEPTH, ...;
 * see the README).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { retargetBuild, type SubgraphDeployment } from "./deployment";
import { startRunner } from "./runner";

const LOG_LEVELS = ["critical", "error", "warning", "info", "debug"];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rpc: { type: "string", default: "http://127.0.0.1:8545" },
      port: { type: "string", default: "8000" },
      host: { type: "string", default: "127.0.0.1" },
      name: { type: "string", default: "clustershare" },
      build: { type: "string", default: "subgraph/build" },
      deployment: { type: "string" },
      factory: { type: "string" },
      network: { type: "string", default: "hardhat" },
      "start-block": { type: "string", default: "0" },
    },
  });
  const deployment: SubgraphDeployment | undefined = values.deployment
    ? JSON.parse(readFileSync(values.deployment, "utf8"))
    : values.factory
      ? { network: values.network!, factory: values.factory, startBlock: Number(values["start-block"]) }
      : undefined;
  let buildDir = resolve(values.build!);
  if (deployment) buildDir = retargetBuild(buildDir, deployment);
  else console.log(`serving ${buildDir} as built; pass --factory <address> (or --deployment <file>) to index a deployment`);
  const runner = await startRunner({
    buildDir,
    rpcUrl: values.rpc!,
    name: values.name,
    port: Number(values.port),
    host: values.host,
    pollMs: 1_000,
    onLog: (level, message, source) => console.log(`[${LOG_LEVELS[level]}] ${source}: ${message}`),
  });
  console.log(`indexing ${values.rpc}; GraphQL (and GraphiQL in a browser) at ${runner.url}`);
  const stop = async () => {
    await runner.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
