import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { attest, deployCluster, increaseTime, ethers, DAY, EPOCH, SHARE, type Deployment } from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { query } from "../helpers/graphql";
import { builtSubgraph } from "../helpers/subgraphBuild";
import { startRunner, type Runner } from "../../runner/src/runner";
import { MockV3Aggregator__factory } from "../../sdk/src/types";



describe("the subgraph through a vault outage, catch-up closes and a revenue feed migration", () => {
  let node: Awaited<ReturnType<typeof startRpcNode>>;
  let runner: Runner;
  let d: Deployment;
  let weekly: bigint;

  beforeAll(async () => {
    node = await startRpcNode();
    d = await deployCluster({ maxRevenuePerEpoch: 15_000n * 10n ** 6n });
    weekly = 10_000n * d.unit;
    const buildDir = builtSubgraph({ network: "hardhat", factory: await d.factory.getAddress(), startBlock: 0 });
    runner = await startRunner({ buildDir, rpcUrl: node.url, port: 0, blockRange: 50 });
  }, 600_000);

  afterAll(async () => {
    await runner?.close();
    await node?.close();
  });

  it("answers what the chain says after each step", async () => {
    const id = d.clusterId.toString();
    const [holder] = d.holders;
    await d.token.connect(holder).transfer(d.holders[1].address, 100_000n * SHARE);
    // Three weeks without a keeper while billing runs, then one catch-up close.
    let billed = 0n;
    for (let week = 0; week < 3; week++) {
      await d.vault.connect(d.renter).payRent(weekly, ethers.id(`week ${week}`));
      await increaseTime(EPOCH);
      billed += weekly;
      await attest(d, billed);
    }
    await d.vault.closeEpoch();
    // A prepayment billed at once, above the bound: part of it is carried to the next close.
    await d.vault.connect(d.renter).payRent(4n * weekly, ethers.id("prepaid"));
    await increaseTime(EPOCH);
    billed += 4n * weekly;
    await attest(d, billed);
    await d.vault.closeEpoch();
    expect(await d.vault.carriedRevenue()).toBeGreaterThan(0n);
    await runner.sync();
    await expectClusterMatches(id);

    // A migration proposed and vetoed, then another proposed and applied mid-epoch.
    const vetoed = await new MockV3Aggregator__factory(d.admin).deploy(8, 0n);
    await d.vault.connect(d.admin).proposeRevenueFeed(await vetoed.getAddress(), 2 * DAY, 0n, 0n);
    await d.vault.connect(d.guardian).cancelRevenueFeedChange();
    const next = await new MockV3Aggregator__factory(d.admin).deploy(18, 123n * SHARE);
    // The new aggregator carries on the same billing from its own origin: 123 stands for the old feed's mark.
    await d.vault.connect(d.admin).proposeRevenueFeed(await next.getAddress(), 2 * DAY, 123n * d.unit, await d.vault.carriedRevenue());
    await runner.sync();
    const proposed = await query(runner.url!, `{ cluster(id: "${id}") { pendingRevenueFeed pendingRevenueFeedReadyAt } }`);
    const pending = await d.vault.pendingRevenueFeed();
    expect(proposed.cluster).toEqual({
      pendingRevenueFeed: String(pending.aggregator).toLowerCase(), pendingRevenueFeedReadyAt: pending.readyAt.toString(),
    });
    await d.vault.connect(d.renter).payRent(weekly, ethers.id("during the migration"));
    await increaseTime(3 * DAY);
    billed += weekly / 2n;
    await attest(d, billed);
    await next.updateAnswer(123n * SHARE);
    await d.vault.applyRevenueFeedChange();
    await increaseTime(4 * DAY);
    await next.updateAnswer(123n * SHARE + 5_000n * SHARE);
    await d.vault.closeEpoch();
    // Stablecoin sent to the vault outside payRent, swept into the reserve.
    await d.stable.connect(d.renter).transfer(d.vault.target, 777n * d.unit);
    await d.vault.connect(d.stranger).sweepDonations();
    await runner.sync();
    await expectClusterMatches(id);

    // Exclusions: the protocol's own accounts from launch, and an account that excluded itself.
    await d.token.connect(d.holders[1]).excludeSelf();
    await runner.sync();
    const { positions } = await query(runner.url!, `{ positions(where: { excluded: true }, orderBy: id) { account { id } } }`);
    const excluded = [d.token.target, d.vault.target, d.queue.target, d.holders[1].address].map((a) => String(a).toLowerCase());
    expect(positions.map((p: { account: { id: string } }) => p.account.id).sort()).toEqual(excluded.sort());
    for (const account of excluded) expect(await d.token.isExcluded(account)).toBe(true);

    const { revenueFeedChanges } = await query(runner.url!, `{
      revenueFeedChanges(orderBy: blockNumber) { kind aggregator previous decimals baseline carried by }
    }`);
    expect(revenueFeedChanges).toEqual([
      { kind: "Proposed", aggregator: String(vetoed.target).toLowerCase(), previous: null, decimals: null, baseline: "0", carried: null, by: null },
      { kind: "Cancelled", aggregator: String(vetoed.target).toLowerCase(), previous: null, decimals: null, baseline: null, carried: null, by: d.guardian.address.toLowerCase() },
      { kind: "Proposed", aggregator: String(next.target).toLowerCase(), previous: null, decimals: null, baseline: (123n * d.unit).toString(), carried: null, by: null },
      {
        kind: "Applied", aggregator: String(next.target).toLowerCase(), previous: String(d.feed.target).toLowerCase(), decimals: 18,
        baseline: (123n * d.unit).toString(), carried: expect.any(String), by: null,
      },
    ]);
  });

  /** The cluster's revenue figures in the subgraph equal the vault's. */
  async function expectClusterMatches(id: string): Promise<void> {
    expect(runner.indexer.error).toBeNull();
    const { cluster: c } = await query(runner.url!, `{ cluster(id: "${id}") {
      rentPaid revenueAttested shortfall distributed reserve epochsClosed feedHighWater carriedRevenue revenueFeed
      pendingRevenueFeed
    } }`);
    const v = d.vault;
    const pending = (await v.pendingRevenueFeed()).aggregator;
    expect(c).toEqual({
      rentPaid: (await v.totalRentPaid()).toString(),
      revenueAttested: (await v.attestedRevenue()).toString(),
      shortfall: (await v.shortfall()).toString(),
      distributed: (await v.distributedToHolders()).toString(),
      reserve: (await v.reserve()).toString(),
      epochsClosed: Number(await v.currentEpoch()) - 1,
      feedHighWater: (await v.feedHighWater()).toString(),
      carriedRevenue: (await v.carriedRevenue()).toString(),
      revenueFeed: String((await v.revenueFeed()).aggregator).toLowerCase(),
      pendingRevenueFeed: pending === ethers.ZeroAddress ? null : String(pending).toLowerCase(),
    });
  }
});
