import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Wallet } from "ethers";
import {
  closeEpochAt, settleUntilFirstEraFills, deployCluster, increaseTime, latestTimestamp, launchParams, navParams, ethers, DAY, SHARE,
  type Deployment,
} from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { query } from "../helpers/graphql";
import { builtSubgraph } from "../helpers/subgraphBuild";
import { startRunner, type Runner } from "../../runner/src/runner";
import { cloneEntity, ValueKind } from "../../runner/src/values";
import {
  ClusterOffering__factory, ClusterShareToken__factory, MockTransferPolicy__factory, type ClusterOffering, type ClusterShareToken,
} from "../../sdk/src/types";
import { deployUniswap } from "../helpers/uniswap";


const PRICE = 2n;
const RAISE = { price: PRICE, softCap: 400_000n, hardCap: 1_000_000n, duration: 30 * DAY };


async function invest(d: Deployment, offering: ClusterOffering, investor: HardhatEthersSigner, amount: bigint) {
  await d.stable.mint(investor.address, amount * d.unit);
  await d.stable.connect(investor).approve(offering.target, ethers.MaxUint256);
  await offering.connect(investor).buy(amount * d.unit, investor.address);
}

/** Launches a second cluster with a raise from the same factory (the subgraph indexes one factory). */
async function launchRaise(d: Deployment, softCap: bigint): Promise<{ id: bigint; offering: ClusterOffering; token: ClusterShareToken }> {
  const id = await d.factory.clusterCount();
  await d.factory.connect(d.operator).launch(launchParams({
    name: "A100 Cluster Oslo",
    symbol: "csA100OSL",
    stablecoin: await d.stable.getAddress(),
    revenueFeed: await d.feed.getAddress(),
    keeper: d.keeper.address,
    offering: {
      pricePerShare: PRICE * d.unit, softCap: softCap * d.unit, hardCap: 2n * softCap * d.unit,
      deadline: (await latestTimestamp()) + BigInt(RAISE.duration), minPerAccount: 0n, maxPerAccount: 0n,
    },
    nav: navParams(),
  }));
  const { contracts } = await d.factory.cluster(id);
  return {
    id,
    offering: ClusterOffering__factory.connect(contracts.offering, d.admin),
    token: ClusterShareToken__factory.connect(contracts.token, d.admin),
  };
}

describe("the subgraph, run by the local runner against a JSON-RPC node", () => {
  let node: Awaited<ReturnType<typeof startRpcNode>>;
  let runner: Runner;
  let buildDir: string;
  let d: Deployment;
  let failed: Awaited<ReturnType<typeof launchRaise>>;
  let alice: HardhatEthersSigner, bob: HardhatEthersSigner, carol: HardhatEthersSigner, dave: HardhatEthersSigner;
  let erin: HardhatEthersSigner, frank: HardhatEthersSigner;
  /** Where each holder's yield claims go: their stablecoin balance is what the subgraph must call claimed. */
  const claimTo = new Map<string, string>();

  beforeAll(async () => {
    node = await startRpcNode();
    d = await deployCluster({ raise: RAISE, reserveBps: 2_000n });
    [alice, bob, carol, dave, erin, frank] = d.holders;
    for (const h of [alice, bob, carol, dave]) claimTo.set(h.address, Wallet.createRandom().address);
    failed = await launchRaise(d, 100_000n);
    buildDir = builtSubgraph({ network: "hardhat", factory: await d.factory.getAddress(), startBlock: 0 });
    runner = await startRunner({ buildDir, rpcUrl: node.url, port: 0, blockRange: 50 });
  }, 600_000);

  afterAll(async () => {
    await runner?.close();
    await node?.close();
  });

  /** The on-chain holder count among `accounts`: those with shares that earn, not excluded ones (the queue's escrow). */
  async function holdersOnChain(token: ClusterShareToken, accounts: string[]): Promise<number> {
    let count = 0;
    for (const account of accounts) if ((await token.balanceOf(account)) > 0n && !(await token.isExcluded(account))) count += 1;
    return count;
  }

  it("indexes the raise, a failed raise with refunds, rent, a shortfall, epochs, claims, transfers and redemptions", async () => {
    const id = d.clusterId.toString();
    // Raises: the first cluster sells out; the second gets two buyers and will miss its soft cap.
    await invest(d, d.offering, alice, 500_000n);
    await invest(d, d.offering, bob, 300_000n);
    await invest(d, d.offering, carol, 200_000n);
    await d.offering.finalize();
    await invest(d, failed.offering, alice, 10_000n);
    await invest(d, failed.offering, bob, 5_000n);
    await d.token.connect(alice).transfer(dave.address, 1_000n * SHARE);

    // Rent: the second epoch bills more than was paid (a shortfall), the third catches up.
    let billed = 0n;
    for (const [paid, attested] of [[80_000n, 80_000n], [100_000n, 150_000n], [120_000n, 100_000n]]) {
      await d.vault.connect(d.renter).payRent(paid * d.unit, ethers.id(`invoice ${billed}`));
      billed += attested * d.unit;
      await closeEpochAt(d, billed);
    }
    await increaseTime(DAY);
    for (const h of [alice, bob, dave]) await d.token.connect(h).claim(claimTo.get(h.address)!);

    // Redemptions: carol and bob request; a settlement fills part; the runner catches up mid-way.
    await d.nav.update();
    await d.queue.connect(carol).requestRedeem(await d.token.balanceOf(carol.address), carol.address, carol.address);
    await d.queue.connect(bob).requestRedeem(50_000n * SHARE, bob.address, bob.address);
    await d.queue.connect(dave).requestRedeem(500n * SHARE, dave.address, dave.address);
    await d.vault.connect(d.renter).payRent(100_000n * d.unit, ethers.id("invoice 4"));
    billed += 100_000n * d.unit;
    await closeEpochAt(d, billed);
    await d.nav.update();
    await d.queue.settle();
    await runner.sync();
    expect(runner.indexer.error).toBeNull();
    await expectRequestsMatch(1n, [carol, bob, dave]);
    const mid = await query(runner.url!, `{ redemptionRequests(orderBy: createdAt) { status } cluster(id: "${id}") { holders } }`);
    expect(mid.redemptionRequests.map((r: { status: string }) => r.status)).toEqual(["PartiallyFilled", "PartiallyFilled", "PartiallyFilled"]);
    // The queue escrows the pending shares and is excluded: it holds shares here and is not a holder.
    const everyone = [alice, bob, carol, dave, erin, frank].map((h) => h.address.toLowerCase()).concat([String(d.queue.target).toLowerCase()]);
    expect(await d.token.balanceOf(d.queue.target)).toBeGreaterThan(0n);
    expect(mid.cluster.holders).toBe(await holdersOnChain(d.token, everyone));
    const withShares = (await Promise.all(everyone.map((a) => d.token.balanceOf(a)))).filter((balance) => balance > 0n).length;
    expect(mid.cluster.holders).toBe(withShares - 1);

    // Bob takes back what is still pending; the rest fills over the next epochs; carol claims in two parts.
    await d.queue.connect(bob).cancelRedeemRequest(1n, bob.address);

    // Later requests wait in eras of their own: alice's (era 2) matures behind the partly filled era 1, and erin's
    // (era 3, made after the next epoch closed) merges into era 2 when its own epoch closes.
    await d.token.connect(alice).transfer(erin.address, 2_000n * SHARE);
    await d.queue.connect(alice).requestRedeem(20_000n * SHARE, alice.address, alice.address);
    for (const [i, requester] of [erin, null].entries()) {
      await d.vault.connect(d.renter).payRent(10_000n * d.unit, ethers.id(`invoice small ${i}`));
      billed += 10_000n * d.unit;
      await closeEpochAt(d, billed);
      await d.nav.update();
      if (requester) await d.queue.connect(requester).requestRedeem(1_000n * SHARE, requester.address, requester.address);
      await d.queue.settle();
    }
    expect((await d.queue.eraOf(3)).aliasOf).toBe(2n);
    expect((await d.queue.eraOf(1)).finished).toBe(false);
    await runner.sync();
    expect(runner.indexer.error).toBeNull();
    await expectRequestsMatch(1n, [carol, bob, dave]);
    await expectRequestsMatch(2n, [alice]);
    await expectRequestsMatch(3n, [erin]);
    const eras = await query(runner.url!, `{ redemptionEras(orderBy: number) { number pending matured mergedInto { number } } }`);
    expect(eras.redemptionEras.slice(1, 3)).toEqual([
      { number: "2", pending: (await d.queue.eraOf(2)).pending.toString(), matured: true, mergedInto: null },
      { number: "3", pending: "0", matured: true, mergedInto: { number: "2" } },
    ]);

    // Erin takes her shares back from the matured era, and alice's fresh request of this epoch is cancelled too.
    await d.queue.connect(erin).cancelRedeemRequest(3n, erin.address);
    await d.token.connect(alice).transfer(frank.address, 500n * SHARE);
    const frankId = (await d.queue.queueState()).q.freshEra;
    await d.queue.connect(frank).requestRedeem(500n * SHARE, frank.address, frank.address);
    await d.queue.connect(frank).cancelRedeemRequest(frankId, frank.address);
    await runner.sync();
    expect(runner.indexer.error).toBeNull();
    await expectRequestsMatch(3n, [erin]);
    await expectRequestsMatch(frankId, [frank]);
    const afterCancels = await query(runner.url!, `{ redemptionEra(id: "${d.clusterId}-2") { pending units } }`);
    expect(afterCancels.redemptionEra).toEqual({ pending: (await d.queue.eraOf(2)).pending.toString(), units: (await d.queue.eraOf(2)).units.toString() });

    await settleUntilFirstEraFills(d, billed);
    const [carolClaimable] = await d.queue.claimable(carol.address);
    await d.queue.connect(carol).redeem(carolClaimable / 3n, carol.address, carol.address);
    const [bobClaimable] = await d.queue.claimable(bob.address);
    await d.queue.connect(bob).redeem(bobClaimable, bob.address, bob.address);

    // The failed raise: refunds, one of them sent elsewhere.
    await increaseTime(RAISE.duration);
    await failed.offering.finalize();
    await failed.offering.connect(alice).refund(alice.address);
    await failed.offering.connect(bob).refund(d.stranger.address);

    await runner.sync();
    expect(runner.indexer.error).toBeNull();
    const head = await ethers.provider.getBlock("latest");
    const data = await query(runner.url!, `{
      _meta { block { number hash timestamp } hasIndexingErrors }
      protocol(id: "protocol") { clusterCount totalRaised totalRentPaid totalDistributed }
      cluster(id: "${id}") {
        state totalSupply holders rentPaid revenueAttested shortfall distributed protocolFees operatorFees reserve
        claimed raised sharesRedeemed assetsRedeemed sharesPendingRedemption navPerShare epochsClosed
        positions(first: 1000) { account { id } balance claimed claimableRedemptionShares claimableRedemptionAssets sharesPendingRedemption }
        epochs(orderBy: number) { number rentPaid closed toHolders shortfall }
      }
      failed: cluster(id: "${failed.id}") { state raised refunded totalSupply holders }
      refunds(orderBy: timestamp) { buyer { id } to assets shares timestamp transactionHash }
    }`);
    expect(data._meta.hasIndexingErrors).toBe(false);
    expect(data._meta.block).toEqual({ number: head!.number, hash: head!.hash, timestamp: head!.timestamp });

    const c = data.cluster;
    const v = d.vault;
    expect(c.state).toBe("Active");
    expect(BigInt(c.totalSupply)).toBe(await d.token.totalSupply());
    expect(BigInt(c.rentPaid)).toBe(await v.totalRentPaid());
    expect(BigInt(c.revenueAttested)).toBe(await v.attestedRevenue());
    expect(BigInt(c.shortfall)).toBe(await v.shortfall());
    expect(BigInt(c.distributed)).toBe(await v.distributedToHolders());
    expect(BigInt(c.protocolFees) + BigInt(c.operatorFees)).toBe(await v.totalFees());
    expect(BigInt(c.reserve)).toBe(await v.reserve());
    expect(BigInt(c.raised)).toBe((await d.offering.raiseState()).raised);
    expect(BigInt(c.claimed)).toBe((await v.distributedToHolders()) - (await d.stable.balanceOf(d.token.target)));
    expect(BigInt(c.sharesRedeemed)).toBe((await d.queue.settings()).sharesFilled);
    expect(BigInt(c.assetsRedeemed)).toBe(await d.queue.assetsFilled());
    expect(BigInt(c.sharesPendingRedemption)).toBe(await d.token.balanceOf(d.queue.target));
    expect(BigInt(c.navPerShare)).toBe((await d.nav.latestRoundData())[1]);
    expect(c.epochsClosed).toBe(Number(await v.currentEpoch()) - 1);
    expect(c.epochs[1]).toMatchObject({ number: "2", closed: true, rentPaid: (100_000n * d.unit).toString(), shortfall: (50_000n * d.unit).toString() });
    expect(BigInt(data.protocol.totalRentPaid)).toBe(await v.totalRentPaid());
    expect(data.protocol.clusterCount).toBe(2);

    expect(c.holders).toBe(await holdersOnChain(d.token, everyone));
    for (const p of c.positions) {
      const account = p.account.id;
      expect(BigInt(p.balance), `balance of ${account}`).toBe(await d.token.balanceOf(account));
      const [shares, assets] = await d.queue.claimable(account);
      expect([BigInt(p.claimableRedemptionShares), BigInt(p.claimableRedemptionAssets)], `claimable of ${account}`).toEqual([shares, assets]);
      const holder = [alice, bob, carol, dave].find((h) => h.address.toLowerCase() === account);
      if (holder) expect(BigInt(p.claimed), `claimed by ${account}`).toBe(await d.stable.balanceOf(claimTo.get(holder.address)!));
    }
    await expectRequestsMatch(1n, [carol, bob, dave]);
    await expectRequestsMatch(2n, [alice]);
    await expectRequestsMatch(3n, [erin]);
    await expectRequestsMatch(frankId, [frank]);
    const requests = await query(runner.url!, `{ redemptionRequests(orderBy: createdAt) { controller { id } status sharesCancelled sharesClaimed } }`);
    expect(requests.redemptionRequests.slice(0, 3).map((r: { status: string }) => r.status)).toEqual(["Claimable", "Cancelled", "Claimable"]);

    expect(data.failed).toEqual({ state: "RaiseFailed", raised: (15_000n * d.unit).toString(), refunded: (15_000n * d.unit).toString(), totalSupply: "0", holders: 0 });
    expect(data.refunds.map(({ timestamp, transactionHash, ...refund }: Record<string, unknown>) => refund)).toEqual([
      { buyer: { id: alice.address.toLowerCase() }, to: alice.address.toLowerCase(), assets: (10_000n * d.unit).toString(), shares: ((10_000n / PRICE) * SHARE).toString() },
      { buyer: { id: bob.address.toLowerCase() }, to: d.stranger.address.toLowerCase(), assets: (5_000n * d.unit).toString(), shares: ((5_000n / PRICE) * SHARE).toString() },
    ]);
    // Timestamp values are microseconds since the epoch, as graph-node stores them: block time × 1,000,000.
    for (const refund of data.refunds) {
      const block = await ethers.provider.getBlock((await ethers.provider.getTransactionReceipt(refund.transactionHash))!.blockNumber);
      expect(refund.timestamp).toBe((BigInt(block!.timestamp) * 1_000_000n).toString());
    }
  });

  it("indexes transfer policy proposals, cancellations and changes, stranded pool yield and swept donations", async () => {
    const id = d.clusterId.toString();
    const cluster = async () =>
      (await query(runner.url!, `{ cluster(id: "${id}") { policy pendingPolicy pendingPolicyExecutableAt returnedToStream } }`)).cluster;
    const policy = await (await new MockTransferPolicy__factory(d.admin).deploy()).getAddress();
    await d.token.connect(d.operator).proposeTransferPolicy(policy);
    const [, executableAt] = await d.token.transferPolicyProposal();
    await runner.sync();
    expect(await cluster()).toMatchObject({ pendingPolicy: policy.toLowerCase(), pendingPolicyExecutableAt: executableAt.toString() });
    await d.token.connect(d.guardian).cancelTransferPolicy();
    await runner.sync();
    expect(await cluster()).toMatchObject({ policy: ethers.ZeroAddress, pendingPolicy: null, pendingPolicyExecutableAt: null });
    await d.token.connect(d.operator).proposeTransferPolicy(policy);
    await increaseTime(2 * DAY);
    await d.token.connect(d.stranger).applyTransferPolicy();

    // A pool that earned before its exclusion, and a donation: both go back to the stream.
    const uni = await deployUniswap(d.admin);
    await d.factory.connect(d.admin).setUniswapV2Factory(await uni.factory.getAddress());
    const stable = await d.stable.getAddress();
    await d.token.connect(alice).transfer(await d.token.poolFor(stable), 1_000n * SHARE);
    await d.vault.connect(d.renter).payRent(10_000n * d.unit, ethers.id("invoice pool"));
    await closeEpochAt(d, (await d.vault.attestedRevenue()) + 10_000n * d.unit);
    await increaseTime(DAY);
    const excluded = (await (await d.token.excludePool(stable)).wait())!;
    const stranded = excluded.logs.map((l) => d.token.interface.parseLog(l)).find((e) => e?.name === "StrandedYieldReturned")!.args.amount;
    expect(stranded).toBeGreaterThan(0n);
    await d.stable.mint(d.token.target, 777n * d.unit);
    await d.token.sweepDonations();
    await runner.sync();
    expect(runner.indexer.error).toBeNull();
    expect(await cluster()).toMatchObject({
      policy: policy.toLowerCase(), pendingPolicy: null, returnedToStream: (stranded + 777n * d.unit).toString(),
    });

    // A lending market's escrow through the admin's delayed path: proposed, cancelled, proposed, applied, lifted.
    const market = await (await new MockTransferPolicy__factory(d.admin).deploy()).getAddress();
    await d.token.connect(alice).transfer(market, 1_000n * SHARE);
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    const [firstReadyAt] = await d.token.escrowExclusion(market);
    await d.token.connect(d.guardian).cancelEscrowExclusion(market);
    await d.token.connect(d.admin).proposeEscrowExclusion(market);
    const [readyAt] = await d.token.escrowExclusion(market);
    await increaseTime(2 * DAY);
    await d.token.connect(d.stranger).applyEscrowExclusion(market);
    await runner.sync();
    const position = async () =>
      (await query(runner.url!, `{ position(id: "${id}-${market.toLowerCase()}") { excluded } }`)).position;
    expect(await position()).toEqual({ excluded: await d.token.isExcluded(market) });
    expect((await position()).excluded).toBe(true);
    // Only the escrow itself can bring itself back (a contract that can call: a wallet named by mistake).
    await ethers.provider.send("hardhat_setBalance", [market, "0xDE0B6B3A7640000"]);
    await d.token.connect(await ethers.getImpersonatedSigner(market)).includeSelf();
    await runner.sync();
    expect(runner.indexer.error).toBeNull();
    expect(await position()).toEqual({ excluded: false });
    const { escrowExclusionChanges, protocol } = await query(runner.url!, `{
      escrowExclusionChanges(orderBy: blockNumber) { kind escrow executableAt by cluster { id } }
      protocol(id: "protocol") { uniswapV2Factory uniswapV3Factory }
    }`);
    const escrow = market.toLowerCase();
    expect(escrowExclusionChanges).toEqual([
      { kind: "Proposed", escrow, executableAt: firstReadyAt.toString(), by: null, cluster: { id } },
      { kind: "Cancelled", escrow, executableAt: null, by: d.guardian.address.toLowerCase(), cluster: { id } },
      { kind: "Proposed", escrow, executableAt: readyAt.toString(), by: null, cluster: { id } },
      { kind: "Applied", escrow, executableAt: null, by: null, cluster: { id } },
      { kind: "Lifted", escrow, executableAt: null, by: null, cluster: { id } },
    ]);
    // The DEX registry the pool exclusions derive addresses from.
    expect(protocol).toEqual({ uniswapV2Factory: (await d.factory.uniswapV2Factory()).toLowerCase(), uniswapV3Factory: null });
  });

  it("reports a failing handler as an indexing error, rolls its block back and keeps serving the blocks before", async () => {
    await runner.sync();
    const paid = await d.vault.connect(d.renter).payRent(1_000n * d.unit, ethers.id("invoice planted"));
    const receipt = (await paid.wait())!;
    const rentPaid = receipt.logs.find((log) => log.address === d.vault.target && log.topics[0] === d.vault.interface.getEvent("RentPaid")!.topicHash)!;
    const plantedId = `${receipt.hash}-${rentPaid.index}`;

    // A second runner whose store already holds a different RentPayment under the id the handler will write:
    // saving an immutable entity with other values is refused, so the handler fails in that block.
    const logs: string[] = [];
    const second = await startRunner({ buildDir, rpcUrl: node.url, port: 0, onLog: (level, message, source) => logs.push(`${level} ${source}: ${message}`) });
    try {
      const planted = cloneEntity(runner.store.all("RentPayment").next().value!);
      planted.set("id", { kind: ValueKind.String, value: plantedId });
      planted.set("amount", { kind: ValueKind.BigInt, value: 1n });
      second.store.set("RentPayment", plantedId, planted);
      await second.sync();

      expect(second.indexer.error).toMatchObject({ block: receipt.blockNumber, dataSource: "RevenueVault", handler: "handleRentPaid" });
      expect(second.indexer.error!.message).toMatch(/RentPayment .* is immutable and cannot be changed/);
      expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^1 runner: indexing stopped at block ${receipt.blockNumber}`)));
      const id = d.clusterId.toString();
      const metaAndCluster = `{ _meta { block { number } hasIndexingErrors } cluster(id: "${id}") { rentPaid } }`;
      const failedView = await query(second.url!, metaAndCluster);
      expect(failedView._meta).toEqual({ block: { number: receipt.blockNumber - 1 }, hasIndexingErrors: true });
      // The failing block's other writes (the cluster's rent total) were rolled back with it.
      const before = await query(runner.url!, metaAndCluster);
      expect(failedView.cluster.rentPaid).toBe(before.cluster.rentPaid);
      await runner.sync();
      const after = await query(runner.url!, metaAndCluster);
      expect(BigInt(after.cluster.rentPaid)).toBe(BigInt(before.cluster.rentPaid) + 1_000n * d.unit);
      expect(after._meta.hasIndexingErrors).toBe(false);
    } finally {
      await second.close();
    }
  });

  /** Every request's pending, filled and claimable figures equal the queue's views. */
  async function expectRequestsMatch(requestId: bigint, controllers: HardhatEthersSigner[]): Promise<void> {
    for (const controller of controllers) {
      const key = `${d.clusterId}-${controller.address.toLowerCase()}-${requestId}`;
      const { redemptionRequest: r } = await query(runner.url!, `{ redemptionRequest(id: "${key}") { sharesPending sharesFilled sharesClaimed } }`);
      expect(BigInt(r.sharesPending), `pending of ${controller.address}`).toBe(await d.queue.pendingRedeemRequest(requestId, controller.address));
      const [claimable] = await d.queue.claimable(controller.address);
      expect(BigInt(r.sharesFilled) - BigInt(r.sharesClaimed), `claimable of ${controller.address}`).toBe(claimable);
    }
  }
});

