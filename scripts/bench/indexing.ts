/**
 * Indexing benchmark: the local subgraph runner indexing a busy cluster from a JSON-RPC node, against fetching
 * the very same logs with eth_getLogs alone, twice: with the node in this process (the in-process Hardhat
 * network served over HTTP, so node and handlers share one thread) and with the node in a separate process
 * (scripts/bench/indexingNode.ts), where the node's work overlaps the handlers (the runner prefetches the next
 * range's logs and the blocks ahead while handlers run). Writes bench/indexing.json:
 * { events, fetchMs, indexMs, ratio, separateNode: { events, fetchMs, indexMs, ratio } }.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { deployCluster, ethers } from "../../test/helpers/fixtures";
import { startRpcNode } from "../../test/helpers/rpcNode";
import { JsonRpcClient } from "../../runner/src/chain/rpc";
import { retargetBuild } from "../../runner/src/deployment";
import { startRunner } from "../../runner/src/runner";
import { generateHistory } from "./indexingHistory";

/** One way of running the node: what indexing cost against the bare log fetch. */
export interface IndexingFigure {
  events: number;
  fetchMs: number;
  indexMs: number;
  ratio: number;
}

export interface IndexingRow extends IndexingFigure {
  /** The same history indexed from a node in its own process. */
  separateNode: IndexingFigure;
  goal: number;
}

const MIN_EVENTS = 5_000;
const BLOCK_RANGE = 2_000;
const GOAL = 3;
/** `npm run subgraph:build`'s output, which `npm run bench` writes before it measures. */
const BUILT_SUBGRAPH = join(__dirname, "../../subgraph/build");

/** Builds a history of at least MIN_EVENTS handled events, indexes it from both nodes, and times both. */
export async function indexingRow(reportFile: string): Promise<IndexingRow> {
  const inProcess = await inProcessFigure();
  const separateNode = await separateNodeFigure();
  const row = { ...inProcess, separateNode, goal: GOAL };
  writeFileSync(reportFile, JSON.stringify({ ...inProcess, separateNode }, null, 2) + "\n");
  return row;
}

async function inProcessFigure(): Promise<IndexingFigure> {
  const node = await startRpcNode();
  try {
    const d = await deployCluster();
    await generateHistory(d);
    return await measure(node.url, await d.factory.getAddress(), await ethers.provider.getBlockNumber());
  } finally {
    await node.close();
  }
}

async function separateNodeFigure(): Promise<IndexingFigure> {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, "indexingNode.ts")], {
    cwd: join(__dirname, "../.."), stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const { url, factory, head } = await firstLine(child);
    return await measure(url, factory, head);
  } finally {
    child.kill();
  }
}

/** Indexes the history up to `head` from the node at `url`, then times the bare log fetch of the same ranges. */
async function measure(url: string, factory: string, head: number): Promise<IndexingFigure> {
  // `npm run bench` built the subgraph; only the manifest depends on the factory (no second `graph build`).
  const buildDir = retargetBuild(BUILT_SUBGRAPH, { network: "hardhat", factory, startBlock: 0 });
  const runner = await startRunner({ buildDir, rpcUrl: url, blockRange: BLOCK_RANGE });
  const started = performance.now();
  await runner.sync(head);
  const indexMs = performance.now() - started;
  const events = runner.indexer.stats.triggers;
  const addresses = runner.indexer.dataSources.map((s) => s.address);
  if (runner.indexer.error) throw new Error(`indexing failed: ${JSON.stringify(runner.indexer.error)}`);
  await runner.close();
  if (events < MIN_EVENTS) throw new Error(`only ${events} events indexed`);

  // The log fetch alone is short and noisy: the median of three runs.
  const fetches = [];
  for (let run = 0; run < 3; run++) fetches.push(await timeLogFetch(url, addresses, head));
  const fetchMs = fetches.sort((a, b) => a - b)[1];
  return { events, fetchMs: round(fetchMs), indexMs: round(indexMs), ratio: round(indexMs / fetchMs, 3) };
}

/** The `{ url, factory, head }` line the node process prints once it serves. */
function firstLine(child: ChildProcess): Promise<{ url: string; factory: string; head: number }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`the benchmark node exited (${code}) before serving`)));
  });
}

/**
 * Fetches the logs the runner indexed (same addresses, same block ranges), with eth_getLogs alone, through the
 * runner's own JSON-RPC client so that both figures pay the same transport.
 */
async function timeLogFetch(url: string, addresses: string[], head: number): Promise<number> {
  const rpc = new JsonRpcClient(url);
  const started = performance.now();
  for (let from = 0; from <= head; from += BLOCK_RANGE) {
    const to = Math.min(head, from + BLOCK_RANGE - 1);
    await rpc.call("eth_getLogs", [{ address: addresses, fromBlock: "0x" + from.toString(16), toBlock: "0x" + to.toString(16) }]);
  }
  return performance.now() - started;
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
