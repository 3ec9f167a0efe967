import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { deployCluster, launchParams, navParams, ethers, SHARE, type Deployment } from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { query } from "../helpers/graphql";
import { RpcProxy, type Fault, type RpcCallBody } from "../helpers/rpcProxy";
import { builtSubgraph } from "../helpers/subgraphBuild";
import { startRunner, type Runner, type RunnerOptions } from "../../runner/src/runner";
import { RevenueVault__factory } from "../../sdk/src/types";
import { expectFiguresMatchChain } from "./chainFigures";

/** Fast retries and a short RPC timeout, so that every fault costs milliseconds. */
const FAST_RETRY: Partial<RunnerOptions> = { retry: { baseMs: 5, maxMs: 40, attempts: 200, persistentAfter: 3 }, rpcTimeoutMs: 400 };

describe("the runner through JSON-RPC faults: retried, resumed, nothing counted twice", () => {
  let node: Awaited<ReturnType<typeof startRpcNode>>;
  let d: Deployment;
  let buildDir: string;
  let accounts: string[];
  /** The second cluster's contracts, created by a handler (template data sources) in its launch block. */
  let launched: { block: number; addresses: string[] };
  const open: { runner?: Runner; proxy?: RpcProxy }[] = [];

  /** Transfers and rent over a few blocks, then a second cluster launched and used. */
  async function activity(rounds: number): Promise<void> {
    const [first, ...others] = d.holders;
    for (let round = 0; round < rounds; round++) {
      await d.token.connect(first).transfer(others[round % 3].address, BigInt(round + 1) * SHARE);
      await d.vault.connect(d.renter).payRent(BigInt(100 + round) * d.unit, ethers.id(`rent ${round}`));
    }
  }

  beforeAll(async () => {
    node = await startRpcNode();
    d = await deployCluster();
    accounts = d.holders.slice(0, 4).map((h) => h.address);
    await activity(6);
    const id = await d.factory.clusterCount();
    const launch = await d.factory.connect(d.operator).launch(launchParams({
      name: "A100 Cluster Oslo", symbol: "csA100OSL", stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(),
      keeper: d.keeper.address, initialHolder: d.holders[1].address, initialShares: 1_000n * SHARE, nav: navParams({ hardwareCost: 1_000n * d.unit }),
    }));
    const { contracts } = await d.factory.cluster(id);
    launched = { block: (await launch.wait())!.blockNumber, addresses: [contracts.token, contracts.vault].map((a) => a.toLowerCase()) };
    await d.stable.connect(d.renter).approve(contracts.vault, ethers.MaxUint256);
    const second = RevenueVault__factory.connect(contracts.vault, d.renter);
    for (let round = 0; round < 3; round++) await second.payRent(BigInt(50 + round) * d.unit, ethers.id(`second ${round}`));
    await activity(4);
    buildDir = builtSubgraph({ network: "hardhat", factory: await d.factory.getAddress(), startBlock: 0 });
  }, 600_000);

  afterAll(async () => {
    for (const { runner, proxy } of open) {
      await runner?.close();
      await proxy?.stop().catch(() => undefined);
    }
    await node?.close();
  });

  /** A runner indexing through a fresh proxy, in small ranges so that a fault lands in the middle of the history. */
  async function runnerThroughProxy(options: Partial<RunnerOptions> = {}): Promise<{ runner: Runner; proxy: RpcProxy; logs: string[] }> {
    const proxy = await RpcProxy.start(node.url);
    const logs: string[] = [];
    const runner = await startRunner({
      buildDir, rpcUrl: proxy.url, port: 0, blockRange: 4, ...FAST_RETRY,
      onLog: (level, message, source) => logs.push(`${level} ${source}: ${message}`), ...options,
    });
    open.push({ runner, proxy });
    return { runner, proxy, logs };
  }

  /** The request that fetches the logs of the data sources the launch created, for the launch block only. */
  const createdSourcesLogs = (calls: RpcCallBody[]): boolean => calls.some((call) => {
    if (call.method !== "eth_getLogs") return false;
    const [filter] = call.params as [{ address: string[]; fromBlock: string }];
    return filter.address.includes(launched.addresses[0]) && Number(filter.fromBlock) === launched.block;
  });

  const faults: [string, Fault, Parameters<RpcProxy["fail"]>[1]][] = [
    ["HTTP 500 on the third eth_getLogs", { kind: "http500" }, { method: "eth_getLogs", skip: 2 }],
    ["a JSON-RPC error on the fourth block fetch, twice", { kind: "rpcError" }, { method: "eth_getBlockByNumber", skip: 3, times: 2 }],
    ["a dropped connection on eth_blockNumber", { kind: "drop" }, { method: "eth_blockNumber" }],
    ["an answer slower than the timeout, in the middle of the history", { kind: "slow", ms: 1_500 }, { method: "eth_getLogs", skip: 4 }],
    ["a failure in the middle of a block: the logs of the data sources it created", { kind: "http500" }, { where: createdSourcesLogs, times: 3 }],
  ];

  it.each(faults)("recovers from %s", async (_name, fault, where) => {
    const { runner, proxy, logs } = await runnerThroughProxy();
    proxy.fail(fault, where);
    await runner.sync();
    expect(proxy.faultsDone, "the fault struck").toBe(true);
    expect(logs).toContainEqual(expect.stringMatching(/^2 runner: indexing attempt failed, retrying/));
    expect(runner.status()).toMatchObject({ health: "healthy", synced: true, nodeFailure: null });
    await expectFiguresMatchChain(runner.url!, d, accounts);
  });

  it("keeps serving and reports the outage while the node refuses connections, then resumes by itself", async () => {
    const { runner, proxy, logs } = await runnerThroughProxy({ pollMs: 20 });
    await waitFor(async () => runner.status().synced);
    await proxy.stop();
    await activity(3);
    await waitFor(async () => runner.status().nodeFailure?.persistent === true);
    expect(logs).toContainEqual(expect.stringMatching(/^1 runner: indexing held up: 3 attempts in a row failed.*ECONNREFUSED/));
    // Queries still answer, from the blocks indexed before the outage, and say why indexing is held up.
    const during = await query(runner.url!, `{ _meta { hasIndexingErrors status { health synced nodeFailure { message attempts persistent } } } }`);
    expect(during._meta.hasIndexingErrors).toBe(false);
    expect(during._meta.status.health).toBe("healthy");
    expect(during._meta.status.nodeFailure).toMatchObject({ message: expect.stringMatching(/ECONNREFUSED/), persistent: true });
    await proxy.start(); // the node is back, on the same port
    const head = await ethers.provider.getBlockNumber();
    await waitFor(async () => runner.indexer.indexedBlock?.number === head);
    expect(runner.status().nodeFailure).toBeNull();
    expect(logs).toContainEqual(expect.stringMatching(/^3 runner: indexing resumed after \d+ failed attempts/));
    await expectFiguresMatchChain(runner.url!, d, accounts);
  });

  it("rejects an explicit sync once its attempts are spent, and indexes on the next", async () => {
    const { runner, proxy } = await runnerThroughProxy({ retry: { baseMs: 1, maxMs: 5, attempts: 4, persistentAfter: 3 } });
    proxy.fail({ kind: "rpcError" }, { times: Infinity });
    await expect(runner.sync()).rejects.toThrow(/eth_blockNumber failed \(-32603\): proxy: internal error/);
    expect(runner.status().nodeFailure).toMatchObject({ attempts: 4, persistent: true });
    expect(runner.indexer.indexedBlock).toBeNull();
    proxy.heal();
    await runner.sync();
    await expectFiguresMatchChain(runner.url!, d, accounts);
  });

  it("never shows part of a block to queries, even while the block waits on the node", async () => {
    const { runner, proxy } = await runnerThroughProxy({ pollMs: 10 });
    await waitFor(async () => runner.status().synced);
    const figures = `{ _meta { block { number } } protocol(id: "protocol") { clusterCount totalRentPaid } rentPayments(first: 1000) { id } }`;
    const observe = async () => {
      const data = await query(runner.url!, figures);
      return { block: data._meta.block.number as number, clusters: data.protocol.clusterCount, rent: data.protocol.totalRentPaid, payments: data.rentPayments.length };
    };
    const before = await observe();

    // One large block: rent paid twenty times, transfers, and a cluster launched, whose new data sources' logs the
    // runner must then fetch for the same block: the proxy holds that answer back while queries poll.
    const factory = (await d.factory.getAddress()).toLowerCase();
    const big = (await ethers.provider.getBlockNumber()) + 1;
    proxy.fail({ kind: "slow", ms: 400 }, {
      where: (calls) => calls.some((call) => {
        if (call.method !== "eth_getLogs") return false;
        const [filter] = call.params as [{ address: string[]; fromBlock: string; toBlock: string }];
        return Number(filter.fromBlock) === big && Number(filter.toBlock) === big && !filter.address.includes(factory);
      }),
    });
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      for (let i = 0; i < 20; i++) {
        await d.vault.connect(d.renter).payRent(BigInt(i + 1) * d.unit, ethers.id(`big ${i}`));
        await d.token.connect(d.holders[0]).transfer(d.holders[1 + (i % 3)].address, SHARE);
      }
      await d.factory.connect(d.operator).launch(launchParams({
        stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(), keeper: d.keeper.address,
        initialHolder: d.holders[3].address, initialShares: 10n * SHARE, nav: navParams({ hardwareCost: 10n * d.unit }),
      }));
      await ethers.provider.send("evm_mine", []);
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    expect((await ethers.provider.getBlock(big))!.transactions).toHaveLength(41);

    const observations = [];
    for (let seen = await observe(); ; seen = await observe()) {
      observations.push(seen);
      if (seen.block >= big) break;
    }
    expect(proxy.faultsDone, "the block waited on the node").toBe(true);
    const whileApplying = observations.filter((o) => o.block < big);
    expect(whileApplying.length, "queries answered while the block was applied").toBeGreaterThan(5);
    for (const o of whileApplying) expect({ ...o, block: before.block }).toEqual(before);
    const after = observations[observations.length - 1];
    expect(after).toMatchObject({ block: big, clusters: before.clusters + 1, payments: before.payments + 20 });
    await expectFiguresMatchChain(runner.url!, d, accounts);
  });

  // Last: it adds blocks every earlier test would otherwise have to index.
  it("indexes through blocks that hardhat_mine reserved (their headers carry a zero parent hash) without seeing a reorg", async () => {
    const { runner } = await runnerThroughProxy();
    await runner.sync();
    await ethers.provider.send("hardhat_mine", ["0x20"]);
    const head = await ethers.provider.getBlockNumber();
    const reserved = await ethers.provider.send("eth_getBlockByNumber", [`0x${(head - 5).toString(16)}`, false]);
    expect(reserved.parentHash).toBe(ethers.ZeroHash);
    await activity(2);
    await runner.sync();
    expect(runner.status()).toMatchObject({ health: "healthy", synced: true, nodeFailure: null });
    await expectFiguresMatchChain(runner.url!, d, accounts);
  });
});

/** Polls `condition` every 10 ms until it holds (the test's timeout bounds the wait). */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}
