/**
 * npm run subgraph:serve -- --rpc <url> [--port 8000] [--name clustershare] [--build subgraph/build]
 *                           [--deployment deployment.json]
 *
 * With --deployment ({ network, factory, startBlock }, as the deploy script writes it) the subgraph is first
 * built for that deployment; otherwise the existing build is served as it is.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { buildSubgraph } from "../../../scripts/subgraph/build";
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
    },
  });
  let buildDir = resolve(values.build ?? join(__dirname, "../../build"));
  if (values.deployment) {
    const deployment = JSON.parse(readFileSync(values.deployment, "utf8"));
    buildDir = dirname(buildSubgraph(deployment, mkdtempSync(join(tmpdir(), "clustershare-subgraph-"))));
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
