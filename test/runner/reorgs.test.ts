import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { deployCluster, launchParams, navParams, ethers, SHARE, type Deployment } from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { query } from "../helpers/graphql";
import { builtSubgraph } from "../helpers/subgraphBuild";
import { startRunner, type Runner, type RunnerOptions } from "../../runner/src/runner";
import { expectFiguresMatchChain } from "./chainFigures";

/**
 * Reorgs made with evm_snapshot / evm_revert on a Hardhat node: the runner indexes one branch, the node switches
 * to another with different events (shorter, longer, or deeper than the runner's history), and the runner's
 * answers must then equal the new branch's, at the head and at every past block it keeps.
 */
describe("the runner through chain reorganisations, and time-travel queries", () => {
  let node: Awaited<ReturnType<typeof startRpcNode>>;
  let d: Deployment;
  let buildDir: string;
  let accounts: string[];
  let runner: Runner;
  const logs: string[] = [];
  const extraRunners: Runner[] = [];

  const send = (method: string, params: unknown[] = []) => ethers.provider.send(method, params);
  /** One block per call: a transfer and a rent payment that differ with `seed`, so each branch has its own events. */
  async function blocks(count: number, seed: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      if (i % 2 === 0) await d.token.connect(d.holders[0]).transfer(d.holders[1 + ((seed + i) % 3)].address, BigInt(seed * 10 + i + 1) * SHARE);
      else await d.vault.connect(d.renter).payRent(BigInt(seed * 100 + i) * d.unit, ethers.id(`rent ${seed} ${i}`));
    }
  }
  async function startOther(options: Partial<RunnerOptions>): Promise<Runner> {
    const other = await startRunner({ buildDir, rpcUrl: node.url, port: 0, retry: { baseMs: 1, maxMs: 5, attempts: 3 }, ...options });
    extraRunners.push(other);
    return other;
  }

  beforeAll(async () => {
    node = await startRpcNode();
    d = await deployCluster();
    accounts = d.holders.slice(0, 4).map((h) => h.address);
    await blocks(4, 1);
    buildDir = builtSubgraph({ network: "hardhat", factory: await d.factory.getAddress(), startBlock: 0 });
    runner = await startRunner({
      buildDir, rpcUrl: node.url, port: 0, retry: { baseMs: 1, maxMs: 5, attempts: 3 },
      onLog: (level, message, source) => logs.push(`${level} ${source}: ${message}`),
    });
    await runner.sync();
  }, 600_000);

  afterAll(async () => {
    for (const other of extraRunners) await other.close();
    await runner?.close();
    await node?.close();
  });

  it("rolls back to the common ancestor and indexes a shorter branch with other events", async () => {
    const fork = await send("evm_snapshot");
    const ancestor = await ethers.provider.getBlockNumber();
    await blocks(4, 2);
    await runner.sync();
    await expectFiguresMatchChain(runner.url!, d, accounts);
    const orphanedHead = runner.indexer.indexedBlock!;

    await send("evm_revert", [fork]);
    await blocks(2, 3);
    await runner.sync();
    expect(logs).toContainEqual(`3 runner: chain reorganised: reverted blocks ${ancestor + 1}..${orphanedHead.number} to common ancestor ${ancestor} ` +
      `(${(await ethers.provider.getBlock(ancestor))!.hash})`);
    expect(runner.indexer.indexedBlock!.number).toBe(ancestor + 2);
    await expectFiguresMatchChain(runner.url!, d, accounts);
    // The orphaned head is gone from the history: its hash no longer selects a block.
    const byOrphanedHash = await fetch(runner.url!, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ clusters(block: { hash: "${orphanedHead.hash}" }) { id } }` }),
    });
    expect((await byOrphanedHash.json()).errors[0].message).toBe("Failed to decode `block.hash` value: `no block with that hash found`");
  });

  it("removes the data sources an orphaned block created and indexes a longer branch", async () => {
    const fork = await send("evm_snapshot");
    const clustersBefore = await d.factory.clusterCount();
    // The orphaned branch launches a second cluster and pays rent to it.
    await d.factory.connect(d.operator).launch(launchParams({
      stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(), keeper: d.keeper.address,
      initialHolder: d.holders[2].address, initialShares: 500n * SHARE, nav: navParams({ hardwareCost: 500n * d.unit }),
    }));
    const { contracts } = await d.factory.cluster(clustersBefore);
    await blocks(1, 4);
    await runner.sync();
    expect(runner.indexer.dataSources.map((s) => s.address)).toContain(contracts.token.toLowerCase());
    await expectFiguresMatchChain(runner.url!, d, accounts);

    await send("evm_revert", [fork]);
    await blocks(5, 5);
    await runner.sync();
    expect(await d.factory.clusterCount()).toBe(clustersBefore);
    expect(runner.indexer.dataSources.map((s) => s.address)).not.toContain(contracts.token.toLowerCase());
    await expectFiguresMatchChain(runner.url!, d, accounts);
  });

  it("answers queries at past blocks from its history exactly as at that block", async () => {
    await blocks(3, 6);
    await runner.sync();
    const head = await ethers.provider.getBlockNumber();
    for (let number = head - 8; number <= head; number += 2) await expectFiguresMatchChain(runner.url!, d, accounts, number);

    const past = (await ethers.provider.getBlock(head - 3))!;
    const id = d.clusterId.toString();
    const cluster = `{ rentPaid totalSupply holders }`;
    const answers = await query(runner.url!, `{
      byNumber: cluster(id: "${id}", block: { number: ${past.number} }) ${cluster}
      byHash: cluster(id: "${id}", block: { hash: "${past.hash}" }) ${cluster}
      latest: cluster(id: "${id}") ${cluster}
      atLeast: cluster(id: "${id}", block: { number_gte: ${past.number} }) ${cluster}
      pastMeta: _meta(block: { hash: "${past.hash}" }) { block { number hash parentHash timestamp } }
      meta: _meta { block { number hash parentHash timestamp } }
    }`);
    expect(answers.byHash).toEqual(answers.byNumber);
    expect(BigInt(answers.byNumber.rentPaid)).toBe(await d.vault.totalRentPaid({ blockTag: past.number }));
    expect(answers.atLeast).toEqual(answers.latest);
    expect(BigInt(answers.latest.rentPaid)).toBe(await d.vault.totalRentPaid());
    expect(answers.latest).not.toEqual(answers.byNumber);
    expect(answers.pastMeta.block).toEqual({ number: past.number, hash: past.hash, parentHash: past.parentHash, timestamp: past.timestamp });
    const latest = (await ethers.provider.getBlock(head))!;
    expect(answers.meta.block).toEqual({ number: head, hash: latest.hash, parentHash: latest.parentHash, timestamp: latest.timestamp });
  });

  it("refuses blocks beyond the head and before its history with graph-node's messages", async () => {
    const short = await startOther({ reorgThreshold: 3 });
    await short.sync();
    const head = short.indexer.indexedBlock!.number;
    const meta = await query(short.url!, "{ _meta { deployment } }");
    const errorOf = async (text: string): Promise<string> => {
      const response = await fetch(short.url!, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: text }) });
      return (await response.json()).errors[0].message;
    };
    const subgraph = meta._meta.deployment;
    expect(await errorOf(`{ clusters(block: { number: ${head - 3} }) { id } }`)).toBe(
      `Failed to decode \`block.number\` value: \`subgraph ${subgraph} only has data starting at block number ${head - 2} ` +
        `and data for block number ${head - 3} is therefore not available\``,
    );
    expect(await errorOf(`{ clusters(block: { number_gte: ${head + 1} }) { id } }`)).toBe(
      `Failed to decode \`block.number_gte\` value: \`subgraph ${subgraph} has only indexed up to block number ${head} ` +
        `and data for block number ${head + 1} is therefore not yet available\``,
    );
    expect(await errorOf(`{ _meta(block: { number: ${head + 5} }) { block { number } } }`)).toMatch(/has only indexed up to block number/);
    expect((await query(short.url!, `{ clusters(block: { number: ${head - 2} }) { id } }`)).clusters).toHaveLength(1);
  });

  it("reports a reorg deeper than its history and keeps the branch it had", async () => {
    const shallow = await startOther({ reorgThreshold: 3 });
    const fork = await send("evm_snapshot");
    await blocks(4, 7);
    await shallow.sync();
    const before = shallow.indexer.indexedBlock!;
    await send("evm_revert", [fork]);
    await blocks(6, 8);
    await expect(shallow.sync()).rejects.toThrow(/the reorg is deeper than the retained history of 3 blocks/);
    expect(shallow.status().nodeFailure).toMatchObject({ attempts: 3, persistent: true });
    expect(shallow.indexer.indexedBlock).toEqual(before);
    // The main runner, with graph-node's default history, follows the same reorg.
    await runner.sync();
    await expectFiguresMatchChain(runner.url!, d, accounts);
  });
});
