/**
 * Indexing benchmark: the local subgraph runner indexing a busy cluster from a JSON-RPC node, against fetching
 * the very same logs with eth_getLogs alone. Writes bench/indexing.json: { events, fetchMs, indexMs, ratio }.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { closeEpochAt, deployCluster, ethers, SHARE, type Deployment } from "../../test/helpers/fixtures";
import { startRpcNode } from "../../test/helpers/rpcNode";
import { buildSubgraph } from "../subgraph/build";
import { JsonRpcClient } from "../../runner/src/chain/rpc";
import { startRunner } from "../../runner/src/runner";

export interface IndexingRow {
  events: number;
  fetchMs: number;
  indexMs: number;
  ratio: number;
  goal: number;
}

const MIN_EVENTS = 5_000;
const TRANSACTIONS_PER_BLOCK = 100;
const BLOCK_RANGE = 2_000;
const GOAL = 3;

/** Builds a history of at least MIN_EVENTS handled events, indexes it, and times both. */
export async function indexingRow(reportFile: string): Promise<IndexingRow> {
  const node = await startRpcNode();
  try {
    const d = await deployCluster();
    await generateHistory(d);
    const buildDir = dirname(buildSubgraph(
      { network: "hardhat", factory: await d.factory.getAddress(), startBlock: 0 },
      mkdtempSync(join(tmpdir(), "clustershare-bench-subgraph-")),
    ));
    const head = await ethers.provider.getBlockNumber();

    const runner = await startRunner({ buildDir, rpcUrl: node.url, blockRange: BLOCK_RANGE });
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
    for (let run = 0; run < 3; run++) fetches.push(await timeLogFetch(node.url, addresses, head));
    const fetchMs = fetches.sort((a, b) => a - b)[1];
    const row = { events, fetchMs: round(fetchMs), indexMs: round(indexMs), ratio: round(indexMs / fetchMs, 3), goal: GOAL };
    writeFileSync(reportFile, JSON.stringify({ events: row.events, fetchMs: row.fetchMs, indexMs: row.indexMs, ratio: row.ratio }, null, 2) + "\n");
    return row;
  } finally {
    await node.close();
  }
}

/**
 * A year of a busy cluster: holders trading shares every block, rent paid and epochs closed, yield claimed,
 * redemptions requested and cancelled. Blocks carry many transactions, as on a real chain.
 */
async function generateHistory(d: Deployment): Promise<void> {
  const holders = d.holders.slice(0, 10);
  for (const h of holders.slice(1)) await d.token.connect(holders[0]).transfer(h.address, 50_000n * SHARE);
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    let billed = 0n;
    const requestIds = new Map<string, bigint>();
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < TRANSACTIONS_PER_BLOCK; i++) {
        const from = holders[(round + i) % holders.length];
        const to = holders[(round + 3 * i + 1) % holders.length];
        if (from !== to) await d.token.connect(from).transfer(to.address, SHARE + BigInt(i));
      }
      await d.vault.connect(d.renter).payRent(10_000n * d.unit, ethers.id(`invoice ${round}`));
      const requester = holders[round % holders.length];
      // One request per controller at a time: a matured one still pending is cancelled before the next.
      const previous = requestIds.get(requester.address);
      if (previous !== undefined && (await d.queue.pendingRedeemRequest(previous, requester.address)) > 0n) {
        await d.queue.connect(requester).cancelRedeemRequest(previous, requester.address);
      }
      requestIds.set(requester.address, (await d.queue.queueState()).q.freshEra);
      await d.queue.connect(requester).requestRedeem(SHARE, requester.address, requester.address);
      await ethers.provider.send("evm_mine", []);
      if (round % 5 === 4) {
        billed += 50_000n * d.unit;
        await closeEpochAt(d, billed);
        await ethers.provider.send("evm_mine", []);
        for (const h of holders.slice(0, 3)) await d.token.connect(h).claim(h.address);
        await d.queue.connect(requester).cancelRedeemRequest(requestIds.get(requester.address)!, requester.address);
        await ethers.provider.send("evm_mine", []);
      }
    }
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
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
