/**
 * npm run subgraph:serve -- --rpc <url> [--factory <address> [--start-block N] [--network hardhat]]
 *                           [--deployment deployment.json] [--port 8000] [--name clustershare] [--build <dir>]
 *
 * With --factory (or --deployment, a JSON file { network, factory, startBlock }) the subgraph is first built for
 * that deployment; otherwise the existing build (`npm run subgraph:build`, which indexes no factory) is served.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { buildSubgraph } from "../../scripts/subgraph/build";
import type { SubgraphDeployment } from "../../scripts/subgraph/manifest";
import { startRunner } from "./runner";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rpc: { type: "string", default: "http://127.0.0.1:8545" },
      port: { type: "string", default: "8000" },
      host: { type: "string", default: "127.0.0.1" },
      name: { type: "string", default: "clustershare" },
      build: { type: "string" },
      deployment: { type: "string" },
      factory: { type: "string" },
      network: { type: "string", default: "hardhat" },
      "start-block": { type: "string", default: "0" },
    },
  });
  let buildDir = resolve(values.build ?? join(__dirname, "../../build"));
  const deployment: SubgraphDeployment | undefined = values.deployment
    ? JSON.parse(readFileSync(values.deployment, "utf8"))
    : values.factory
      ? { network: values.network!, factory: values.factory, startBlock: Number(values["start-block"]) }
      : undefined;
  if (deployment) {
    buildDir = dirname(buildSubgraph(deployment, mkdtempSync(join(tmpdir(), "clustershare-subgraph-"))));
  } else {
    console.log(`serving ${buildDir} as built; pass --factory <address> (or --deployment <file>) to index a deployment`);
  }
  const runner = await startRunner({
    buildDir,
    rpcUrl: values.rpc!,
    name: values.name,
    port: Number(values.port),
    host: values.host,
    pollMs: 1_000,
    onLog: (level, message, source) => console.log(`[${["critical", "error", "warning", "info", "debug"][level]}] ${source}: ${message}`),
  });
  console.log(`indexing ${values.rpc}; GraphQL at ${runner.url}`);
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
