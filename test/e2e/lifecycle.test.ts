import { describe, it, expect } from "vitest";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  closeEpochAt, settleUntilFirstEraFills, deployCluster, increaseTime, ethers, DAY, EPOCH, PROTOCOL_FEE_BPS, SHARE, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";

const PRICE = 2n; // stablecoins per share in the raise
const RAISE = { price: PRICE, softCap: 400_000n, hardCap: 1_000_000n, duration: 30 * DAY };
const BPS = 10_000n;

/** Gives `investor` stablecoin and buys `amount` (whole stablecoins) of shares in the raise. */
async function invest(d: Deployment, investor: HardhatEthersSigner, amount: bigint): Promise<void> {
  await d.stable.mint(investor.address, amount * d.unit);
  await d.stable.connect(investor).approve(d.offering.target, ethers.MaxUint256);
  await d.offering.connect(investor).buy(amount * d.unit, investor.address);
}

/** Invariants 2, 3, 4 and 5, read from chain state (the property tests check them against a model). */
async function expectInvariants(d: Deployment, holders: HardhatEthersSigner[]): Promise<void> {
  const v = d.vault;
  const [escrow, distributed, fees, reserveFunded, rent] = await Promise.all([
    v.escrow(), v.distributedToHolders(), v.totalFees(), v.reserveFunded(), v.totalRentPaid(),
  ]);
  expect(escrow + distributed + fees + reserveFunded).toBe(rent); // 4
  expect(await v.reserve()).toBe(reserveFunded + (await v.reserveFromIssuance()) - (await v.reservePaidOut()));
  let claimable = 0n;
  for (const h of holders) claimable += await d.token.earned(h.address);
  expect(claimable).toBeLessThanOrEqual(await d.stable.balanceOf(d.token.target)); // 2
  expect(await d.token.earned(d.queue.target)).toBe(0n); // 3: escrow earns nothing
  const escrowed = await d.token.balanceOf(d.queue.target);
  expect(await d.token.eligibleSupply()).toBe((await d.token.totalSupply()) - escrowed);
  expect(await d.queue.assetsFilled()).toBeLessThanOrEqual(await v.reserveFunded() + (await v.reserveFromIssuance())); // 5
}

describe("cluster lifecycle, end to end", () => {
  it("raise succeeds, rent streams to holders, redemptions fill partly then fully and are claimed", async () => {
    const d = await deployCluster({ raise: RAISE, reserveBps: 2_000n });
    const [alice, bob, carol] = d.holders;
    const investors = [alice, bob, carol];

    // Raise: three investors; the hard cap is reached before the deadline.
    await invest(d, alice, 500_000n);
    await invest(d, bob, 300_000n);
    await expectRevert(d.offering.finalize(), d.offering, "OfferingStillOpen");
    await expectRevert(d.token.connect(alice).transfer(bob.address, SHARE), d.token, "SharesLocked");
    await invest(d, carol, 200_000n);
    expect((await d.offering.raiseState()).raised).toBe(1_000_000n * d.unit);
    await d.offering.finalize();
    const fee = (1_000_000n * d.unit * PROTOCOL_FEE_BPS) / BPS;
    expect(await d.offering.proceedsOwed()).toBe(1_000_000n * d.unit - fee);
    await d.offering.connect(d.operator).withdrawProceeds(d.operator.address);
    expect(await d.stable.balanceOf(d.operator.address)).toBe(1_000_000n * d.unit - fee);
    expect(await d.token.balanceOf(alice.address)).toBe((500_000n / PRICE) * SHARE);
    expect(await d.token.totalSupply()).toBe((1_000_000n / PRICE) * SHARE);
    expect(await d.token.locked()).toBe(false);
    await d.token.connect(alice).transfer(bob.address, SHARE); // shares move now

    // Rent for two epochs; every epoch closes against the attested revenue.
    let billed = 0n;
    for (const rent of [80_000n, 120_000n]) {
      await d.vault.connect(d.renter).payRent(rent * d.unit, ethers.id(`invoice ${rent}`));
      billed += rent * d.unit;
      await closeEpochAt(d, billed);
    }
    await increaseTime(EPOCH); // the last stream runs out
    await expectInvariants(d, investors);

    // Yield: every holder claims what it earned, in proportion to its shares.
    const claimed = new Map<string, bigint>();
    for (const investor of investors) {
      const before = await d.stable.balanceOf(investor.address);
      await d.token.connect(investor).claim(investor.address);
      claimed.set(investor.address, (await d.stable.balanceOf(investor.address)) - before);
    }
    const toHolders = await d.vault.distributedToHolders();
    const totalClaimed = [...claimed.values()].reduce((x, y) => x + y, 0n);
    expect(totalClaimed).toBeLessThanOrEqual(toHolders);
    expect(toHolders - totalClaimed).toBeLessThanOrEqual(10n); // rounding dust only
    expect(claimed.get(alice.address)!).toBeGreaterThan(claimed.get(carol.address)!);

    // Redemption: carol and bob request; the reserve fills part, the next epoch's reserve the rest.
    await d.nav.update();
    const carolShares = await d.token.balanceOf(carol.address);
    await d.queue.connect(carol).requestRedeem(carolShares, carol.address, carol.address);
    await d.queue.connect(bob).requestRedeem(50_000n * SHARE, bob.address, bob.address);
    const pendingTotal = carolShares + 50_000n * SHARE;
    await d.vault.connect(d.renter).payRent(100_000n * d.unit, ethers.id("invoice 3"));
    billed += 100_000n * d.unit;
    await closeEpochAt(d, billed);
    await d.nav.update();
    await d.queue.settle();
    const afterFirst = await d.queue.eraOf(1);
    expect(afterFirst.settled && !afterFirst.finished).toBe(true);
    expect(afterFirst.pending).toBeGreaterThan(0n);
    expect(afterFirst.pending).toBeLessThan(pendingTotal);
    const carolPending = await d.queue.pendingRedeemRequest(1, carol.address);
    const bobPending = await d.queue.pendingRedeemRequest(1, bob.address);
    // Same fraction for both, up to a share unit.
    expect(carolPending * 50_000n * SHARE - bobPending * carolShares).toBeLessThanOrEqual(carolShares + 50_000n * SHARE);
    await expectInvariants(d, investors);

    await settleUntilFirstEraFills(d, billed);
    expect(await d.token.balanceOf(d.queue.target)).toBe(0n);
    expect(await d.token.totalSupply()).toBe((1_000_000n / PRICE) * SHARE - pendingTotal);

    let paid = 0n;
    for (const [holder, requested] of [[carol, carolShares], [bob, 50_000n * SHARE]] as const) {
      const [shares, assets] = await d.queue.claimable(holder.address);
      expect(shares).toBe(requested);
      const before = await d.stable.balanceOf(holder.address);
      await d.queue.connect(holder).redeem(shares, holder.address, holder.address);
      expect((await d.stable.balanceOf(holder.address)) - before).toBe(assets);
      paid += assets;
    }
    expect(paid).toBeLessThanOrEqual(await d.vault.reservePaidOut());
    expect((await d.vault.reservePaidOut()) - paid).toBeLessThanOrEqual(4n);
    expect(await d.token.balanceOf(carol.address)).toBe(0n); // carol redeemed everything: no share dust
    await expectInvariants(d, investors);
  });

  it("raise misses its soft cap: every buyer is refunded in full and the shares are burned", async () => {
    const d = await deployCluster({ raise: RAISE });
    const [alice, bob] = d.holders;
    await invest(d, alice, 150_000n);
    await invest(d, bob, 100_001n);
    const paidByBob = 100_001n * d.unit;
    await increaseTime(RAISE.duration + 1);
    await expectRevert(d.offering.connect(alice).buy(d.unit * 2n, alice.address), d.offering, "OfferingClosed");
    await expectRevert(d.vault.connect(d.renter).payRent(d.unit, ethers.id("x")), d.vault, "ClusterNotActive");
    expect(await d.offering.phase()).toBe(2n); // Failed
    await d.offering.finalize();
    await expectRevert(d.token.connect(alice).transfer(bob.address, SHARE), d.token, "SharesLocked");

    await d.offering.connect(alice).refund(alice.address);
    await d.offering.connect(bob).refund(d.stranger.address); // a refund can go elsewhere
    expect(await d.stable.balanceOf(alice.address)).toBe(150_000n * d.unit);
    expect(await d.stable.balanceOf(d.stranger.address)).toBe(paidByBob);
    expect(await d.token.totalSupply()).toBe(0n);
    expect(await d.stable.balanceOf(d.offering.target)).toBe(0n);
    await expectRevert(d.offering.connect(alice).refund(alice.address), d.offering, "NothingToRefund");
    await expectRevert(d.nav.update(), d.nav, "NoSharesOutstanding");
  });
});
