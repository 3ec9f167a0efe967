/**
 * Indexes the demo's chain with the local subgraph runner: serves the in-process network over JSON-RPC (what
 * `hardhat node` serves), points the built subgraph at the demo's factory, and runs the runner up to the head,
 * serving The Graph's query API on a free port.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import hre from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { retargetBuild } from "../../runner/src/deployment";
import { startRunner, type Runner } from "../../runner/src/runner";
import { buildSubgraph } from "../subgraph/build";

const ROOT = resolve(__dirname, "../..");
/** `npm run subgraph:build`'s output: the mappings do not depend on addresses, only the manifest does. */
const BUILT_SUBGRAPH = join(ROOT, "subgraph/build");
/** What the build is made from: rebuilt when any of it is newer than the built manifest. */
const SUBGRAPH_SOURCES = ["subgraph/schema.graphql", "subgraph/src", "artifacts/contracts"].map((p) => join(ROOT, p));

/** Builds the subgraph (`graph build`, about 30 s) unless the last build is newer than its sources. */
export function ensureSubgraphBuilt(): boolean {
  const manifest = join(BUILT_SUBGRAPH, "subgraph.yaml");
  if (existsSync(manifest) && SUBGRAPH_SOURCES.every((source) => newestChange(source) <= statSync(manifest).mtimeMs)) return false;
  buildSubgraph();
  return true;
}

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestChange(join(path, entry))), stat.mtimeMs);
}

export interface IndexedChain {
  rpcUrl: string;
  subgraphUrl: string;
  runner: Runner;
  close(): Promise<void>;
}

/** Where the chain and the runner listen (0: any free port), and whether the runner keeps following new blocks. */
export interface IndexChainOptions {
  rpcPort?: number;
  graphqlPort?: number;
  /** Poll the node for new blocks this often (the dev stack); 0 (default): index up to the head only. */
  pollMs?: number;
}

/** Serves the chain, indexes it from `startBlock` for `factory`, and resolves once the runner has reached the head. */
export async function indexChain(factory: string, startBlock: number, options: IndexChainOptions = {}): Promise<IndexedChain> {
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: options.rpcPort ?? 0, provider: hre.network.provider });
  const { address, port } = await server.listen();
  const rpcUrl = `http://${address}:${port}`;
  const buildDir = retargetBuild(BUILT_SUBGRAPH, { network: "hardhat", factory, startBlock });
  let runner: Runner | undefined;
  try {
    runner = await startRunner({ buildDir, rpcUrl, port: options.graphqlPort ?? 0, blockRange: 5_000, pollMs: options.pollMs });
    await runner.sync(await hre.ethers.provider.getBlockNumber());
    const failure = runner.indexer.error;
    if (failure) throw new Error(`indexing stopped at block ${failure.block}: ${failure.dataSource}.${failure.handler}: ${failure.message}`);
  } catch (error) {
    await runner?.close();
    await server.close();
    rmSync(buildDir, { recursive: true, force: true });
    throw error;
  }
  const started = runner;
  return {
    rpcUrl,
    subgraphUrl: started.url!,
    runner: started,
    async close() {
      await started.close();
      await server.close();
      rmSync(buildDir, { recursive: true, force: true });
    },
  };
}

