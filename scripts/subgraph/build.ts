/**
 * `graph codegen` and `graph build` for a deployment, offline: writes the ABIs and the manifest from the
 * contracts and the deployment, then compiles the mappings to WASM in `outDir`.
 *
 *   ts-node scripts/subgraph/build.ts [deployment.json] [outDir]
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { BUILD_DEPLOYMENT, writeSubgraphSources, type SubgraphDeployment } from "./manifest";

const SUBGRAPH = resolve(__dirname, "../../subgraph");
const GRAPH_CLI = require.resolve("@graphprotocol/graph-cli/bin/run.js");

/** Builds the subgraph for `deployment` into `outDir` and returns the built manifest's path. */
export function buildSubgraph(deployment: SubgraphDeployment = BUILD_DEPLOYMENT, outDir = join(SUBGRAPH, "build")): string {
  const isDefault = deployment === BUILD_DEPLOYMENT;
  // A deployment's own manifest sits next to subgraph.yaml (graph-cli resolves paths from it) under its own name.
  const manifest = writeSubgraphSources(deployment, isDefault ? "subgraph.yaml" : `subgraph.${deployment.network}-${process.pid}.yaml`);
  const graph = (...args: string[]) =>
    execFileSync(process.execPath, [GRAPH_CLI, ...args], { cwd: SUBGRAPH, stdio: ["ignore", "pipe", "pipe"] });
  try {
    // The generated types do not depend on addresses: a deployment's build reuses them when they exist.
    if (isDefault || !existsSync(join(SUBGRAPH, "generated/schema.ts"))) {
      graph("codegen", basename(manifest), "--output-dir", "generated");
    }
    graph("build", basename(manifest), "--output-dir", outDir);
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`graph build failed:\n${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`);
  } finally {
    if (!isDefault) rmSync(manifest, { force: true });
  }
  return join(outDir, "subgraph.yaml");
}

if (require.main === module) {
  const [file, outDir] = process.argv.slice(2);
  const deployment = file ? (JSON.parse(readFileSync(file, "utf8")) as SubgraphDeployment) : BUILD_DEPLOYMENT;
  console.log(`built ${buildSubgraph(deployment, outDir ? resolve(outDir) : undefined)}`);
}
