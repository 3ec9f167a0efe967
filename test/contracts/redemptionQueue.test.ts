import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  attest, closeEpochAt, deployCluster, increaseTime, latestTimestamp, setNextTimestamp, snapshot, ethers, DAY,
  REDEMPTION_FEE_BPS, SHARE, type Deployment,
} from "../helpers/fixtures";
import { MockV3Aggregator__factory } from "../../sdk/src/types";
import { expectRevert } from "../helpers/assertions";

const RENT = 100_000n; // whole stablecoins per funded epoch
// Half of all rent goes to the reserve here: NAV counts the rent still streaming to holders, so a thinner reserve
// would take many epochs to fill a large request completely.
const RESERVE_BPS = 5_000n;
const BPS = 10_000n;

/** Pays and attests one epoch of rent, closes the epoch (funding the reserve) and publishes a NAV round. */
async function fundReserve(d: Deployment, rent = RENT): Promise<void> {
  await d.vault.connect(d.renter).payRent(rent * d.unit, ethers.id("rent"));
  await closeEpochAt(d, (await d.vault.attestedRevenue()) + rent * d.unit);
  await d.nav.update();
}

/**
 * Settles, and returns the price per whole share it used after checking it independently: the live book value
 * (hardware by the schedule at the settlement's block, plus the reserve before it, over the supply before it; no
 * attested rent waits in escrow here) minus the redemption fee, rounded down.
 */
async function settleAndPrice(d: Deployment): Promise<bigint> {
  const receipt = (await (await d.queue.settle()).wait())!;
  const settled = receipt.logs.map((l) => d.queue.interface.parseLog(l)).filter((e) => e?.name === "RedeemSettled");
  const assets = settled.reduce((sum, e) => sum + (e!.args.assets as bigint), 0n);
  const filled = settled.reduce((sum, e) => sum + (e!.args.sharesFilled as bigint), 0n);
  const at = { blockTag: receipt.blockNumber };
  const [hardware, reserve, supply, escrow] = await Promise.all([
    d.nav.scheduledValue(at), d.vault.reserve(at), d.token.totalSupply(at), d.vault.escrow(at),
  ]);
  expect(escrow).toBe(0n);
  const nav = ((hardware + reserve + assets) * SHARE) / (supply + filled);
  expect(settled.map((e) => e!.args.navPerShare)).toEqual(settled.map(() => nav));
  const price = (nav * (BPS - REDEMPTION_FEE_BPS)) / BPS;
  expect(settled.map((e) => e!.args.pricePerShare)).toEqual(settled.map(() => price));
  return price;
}

async function request(d: Deployment, holder: HardhatEthersSigner, shares: bigint) {
  return d.queue.connect(holder).requestRedeem(shares, holder.address, holder.address);
}

describe.each([6, 18])("RedemptionQueue with a %i-decimal stablecoin", (stableDecimals) => {
  let d: Deployment;
  let a: HardhatEthersSigner;
  let b: HardhatEthersSigner;
  let c: HardhatEthersSigner;
  let reset: () => Promise<void>;

  beforeAll(async () => {
    d = await deployCluster({ stableDecimals, reserveBps: RESERVE_BPS });
    [a, b, c] = d.holders;
    // a keeps 700k shares, b gets 200k, c 100k.
    await d.token.connect(a).transfer(b.address, 200_000n * SHARE);
    await d.token.connect(a).transfer(c.address, 100_000n * SHARE);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  describe("requests", () => {
    it("escrows the shares, which stop earning while what they earned stays with the requester", async () => {
      await fundReserve(d); // a stream runs over the next epoch
      await increaseTime(DAY);
      const shares = 100_000n * SHARE;
      const eligibleBefore = await d.token.eligibleSupply();
      const tx = await request(d, c, shares);
      const earnedAtRequest = await d.token.earned(c.address);
      expect(earnedAtRequest).toBeGreaterThan(0n);
      expect(await d.token.balanceOf(c.address)).toBe(0n);
      expect(await d.token.balanceOf(d.queue.target)).toBe(shares);
      expect(await d.token.eligibleSupply()).toBe(eligibleBefore - shares);
      expect(await d.token.earned(d.queue.target)).toBe(0n);
      expect(await d.queue.pendingRedeemRequest(1, c.address)).toBe(shares);
      expect(await d.queue.pendingRedeemRequest(2, c.address)).toBe(0n);
      expect(await d.queue.claimableRedeemRequest(1, c.address)).toBe(0n);
      const receipt = await tx.wait();
      const event = receipt!.logs.map((l) => d.queue.interface.parseLog(l)).find((e) => e?.name === "RedeemRequest")!;
      expect([...event.args]).toEqual([c.address, c.address, 1n, c.address, shares]);

      await increaseTime(DAY);
      // c holds nothing now: its earnings stopped at the request and stay claimable.
      expect(await d.token.earned(c.address)).toBe(earnedAtRequest);
      const paid = await d.stable.balanceOf(c.address);
      await d.token.connect(c).claim(c.address);
      expect((await d.stable.balanceOf(c.address)) - paid).toBe(earnedAtRequest);
    });

    it("lets an approved operator request for the owner, and refuses strangers and bad input", async () => {
      await expectRevert(d.queue.connect(d.stranger).requestRedeem(SHARE, d.stranger.address, a.address), d.queue, "Unauthorized");
      await d.queue.connect(a).setOperator(d.stranger.address, true);
      expect(await d.queue.isOperator(a.address, d.stranger.address)).toBe(true);
      await d.queue.connect(d.stranger).requestRedeem(SHARE, b.address, a.address);
      expect(await d.queue.pendingRedeemRequest(1, b.address)).toBe(SHARE);
      await d.queue.connect(a).setOperator(d.stranger.address, false);
      await expectRevert(d.queue.connect(d.stranger).requestRedeem(SHARE, b.address, a.address), d.queue, "Unauthorized");

      await expectRevert(request(d, a, 0n), d.queue, "ZeroAmount");
      await expectRevert(d.queue.connect(a).requestRedeem(SHARE, ethers.ZeroAddress, a.address), d.queue, "ZeroAddress");
      await expectRevert(request(d, c, 100_001n * SHARE), d.token, "ERC20InsufficientBalance");
      expect(await d.token.balanceOf(d.queue.target)).toBe(SHARE);
    });

    it("takes shares into escrow only as requests", async () => {
      await expectRevert(d.token.connect(a).transfer(d.queue.target, SHARE), d.token, "ERC20InvalidReceiver");
      await expectRevert(d.token.connect(a).moveToEscrow(a.address, SHARE), d.token, "Unauthorized");
      await expectRevert(d.token.connect(a).burn(d.queue.target, 1n), d.token, "Unauthorized");
    });
  });

  describe("settlement", () => {
    it("fills every pending share when the reserve suffices, burns them and pays NAV minus the fee", async () => {
      const shares = [1_000n * SHARE, 2_500n * SHARE];
      await request(d, b, shares[0]);
      await request(d, c, shares[1]);
      await fundReserve(d);
      const reserve = await d.vault.reserve();
      const supply = await d.token.totalSupply();
      const total = shares[0] + shares[1];

      const price = await settleAndPrice(d);
      expect(reserve).toBeGreaterThan((total * price) / SHARE); // enough for a full fill
      const assets = (total * price) / SHARE;
      expect(await d.token.totalSupply()).toBe(supply - total);
      expect(await d.token.balanceOf(d.queue.target)).toBe(0n);
      expect(await d.vault.reserve()).toBe(reserve - assets);
      expect(await d.vault.reservePaidOut()).toBe(assets);
      expect(await d.stable.balanceOf(d.queue.target)).toBe(assets);
      expect((await d.queue.eraOf(1)).finished).toBe(true); // the era closed
      expect((await d.queue.queueState()).q.headEra).toBe(0n);
      expect((await d.queue.settings()).sharesFilled).toBe(total);

      for (const [holder, requested] of [[b, shares[0]], [c, shares[1]]] as const) {
        const [claimableShares, claimableAssets] = await d.queue.claimable(holder.address);
        expect(claimableShares).toBe(requested);
        const exact = (requested * assets) / total;
        expect(exact - claimableAssets).toBeLessThanOrEqual(1n); // floored per claim, never above
        expect(await d.queue.claimableRedeemRequest(1, holder.address)).toBe(requested);
        expect(await d.queue.pendingRedeemRequest(1, holder.address)).toBe(0n);
        const before = await d.stable.balanceOf(d.renter.address);
        await d.queue.connect(holder).redeem(requested, d.renter.address, holder.address);
        expect((await d.stable.balanceOf(d.renter.address)) - before).toBe(claimableAssets);
      }
      // What stays behind is the flooring of two claims.
      expect(await d.stable.balanceOf(d.queue.target)).toBeLessThanOrEqual(2n);
    });

    it("fills every request by the same fraction when the reserve is short, and the rest later", async () => {
      const requested = new Map([[a, 50_000n * SHARE], [b, 30_000n * SHARE], [c, 20_000n * SHARE]]);
      for (const [holder, shares] of requested) await request(d, holder, shares);
      await fundReserve(d);
      const reserve = await d.vault.reserve();
      const price = await settleAndPrice(d);
      const filled = (reserve * SHARE) / price;
      expect(filled).toBeLessThan(100_000n * SHARE); // short: a partial fill
      const era = await d.queue.eraOf(1);
      expect(era.settled && !era.finished).toBe(true);
      expect((await d.queue.queueState()).q.headEra).toBe(1n);
      expect(era.pending).toBe(100_000n * SHARE - filled);
      expect(await d.token.balanceOf(d.queue.target)).toBe(era.pending);

      for (const [holder, shares] of requested) {
        const pending = await d.queue.pendingRedeemRequest(1, holder.address);
        // Same fraction for everyone: pending / requested = era.pending / total, up to one share unit.
        const expected = (shares * era.pending) / (100_000n * SHARE);
        expect(expected - pending).toBeLessThanOrEqual(1n);
        const [claimableShares] = await d.queue.claimable(holder.address);
        expect(claimableShares).toBe(shares - pending);
      }

      // Nothing more until the next epoch closes; then the rest is filled.
      await expectRevert(d.queue.settle(), d.queue, "SettlementNotDue");
      await fundReserve(d, 500_000n);
      await d.queue.settle();
      expect(await d.token.balanceOf(d.queue.target)).toBe(0n);
      expect((await d.queue.eraOf(1)).finished).toBe(true);
      const paidOut = await d.vault.reservePaidOut();
      let claimed = 0n;
      for (const [holder, shares] of requested) {
        const [claimableShares, claimableAssets] = await d.queue.claimable(holder.address);
        expect(claimableShares).toBe(shares);
        // Part at each settlement's price, in proportion to its shares.
        expect(claimableAssets).toBeLessThanOrEqual((paidOut * shares) / (100_000n * SHARE));
        await d.queue.connect(holder).redeem(claimableShares, holder.address, holder.address);
        claimed += claimableAssets;
      }
      // Invariant 5: paid to redeemers <= reserve paid out <= reserve funded; the rest is rounding dust,
      // under a unit per claim and settlement.
      expect(paidOut).toBeLessThanOrEqual(await d.vault.reserveFunded());
      expect(claimed).toBeLessThanOrEqual(paidOut);
      expect(paidOut - claimed).toBeLessThanOrEqual(6n);
      expect(await d.stable.balanceOf(d.queue.target)).toBe(paidOut - claimed);
    });

    it("keeps a later request out of the partly filled era: it waits in a fresh era with no share of the earlier fill", async () => {
      await request(d, a, 100_000n * SHARE);
      await fundReserve(d);
      await d.queue.settle();
      const afterFill = await d.queue.claimable(a.address);
      const pendingA = await d.queue.pendingRedeemRequest(1, a.address);
      await request(d, c, 10_000n * SHARE);
      expect(await d.queue.pendingRedeemRequest(1, c.address)).toBe(0n);
      expect(await d.queue.pendingRedeemRequest(2, c.address)).toBe(10_000n * SHARE);
      expect(await d.queue.claimable(c.address)).toEqual([0n, 0n]);
      expect(await d.queue.claimable(a.address)).toEqual(afterFill);
      expect(await d.queue.pendingRedeemRequest(1, a.address)).toBe(pendingA);
      const state = await d.queue.queueState();
      expect([state.q.headEra, state.q.freshEra, state.freshPending]).toEqual([1n, 2n, 10_000n * SHARE]);
      // a matured request blocks its controller's next one until it is filled or cancelled
      await expectRevert(request(d, a, SHARE), d.queue, "RequestInProgress");
    });

    it("frees a controller for a new request as soon as its matured request is filled completely or cancelled", async () => {
      await request(d, c, 1_000n * SHARE);
      await fundReserve(d);
      await d.queue.settle();
      // c's era was filled completely: no redeem needed first, its claimable stays and the new request starts fresh.
      expect((await d.queue.eraOf(1)).finished).toBe(true);
      const filled = await d.queue.claimable(c.address);
      expect(filled[0]).toBe(1_000n * SHARE);
      await request(d, c, 2_000n * SHARE);
      expect(await d.queue.claimable(c.address)).toEqual(filled);
      expect(await d.queue.pendingRedeemRequest(2, c.address)).toBe(2_000n * SHARE);
      // a's request matures and is only partly filled: it blocks a's next request until a cancels it.
      await request(d, a, 500_000n * SHARE);
      await fundReserve(d);
      await d.queue.settle();
      expect((await d.queue.queueState()).q.headEra).toBe(2n);
      await expectRevert(request(d, a, SHARE), d.queue, "RequestInProgress");
      await d.queue.connect(a).cancelRedeemRequest(2, a.address);
      await request(d, a, SHARE);
      expect(await d.queue.pendingRedeemRequest(3, a.address)).toBe(SHARE);
    });

    it("refuses to settle with named errors, moving nothing", async () => {
      await expectRevert(d.queue.settle(), d.queue, "SettlementNotDue");
      await fundReserve(d);
      await expectRevert(d.queue.settle(), d.queue, "NothingToSettle");
      await request(d, c, SHARE);
      // Requested in the epoch being settled: not matured, nothing to settle yet.
      await expectRevert(d.queue.settle(), d.queue, "NothingToSettle");
      expect((await d.queue.checkUpkeep("0x"))[0]).toBe(false);
      await fundReserve(d);
      const reserve = await d.vault.reserve();
      await d.token.connect(d.guardian).pause();
      await expectRevert(d.queue.settle(), d.queue, "EnforcedPause");
      expect((await d.queue.checkUpkeep("0x"))[0]).toBe(false);
      await d.token.connect(d.guardian).unpause();
      expect((await d.queue.checkUpkeep("0x"))[0]).toBe(true);
      // Rent in escrow and a stale revenue feed: the attested part of NAV is unknown, so no price.
      await d.vault.connect(d.renter).payRent(d.unit, ethers.id("rent while the feed is stale"));
      await increaseTime(2 * DAY + 1);
      await expectRevert(d.queue.settle(), d.queue, "PendingReleaseUnknown");
      expect((await d.queue.checkUpkeep("0x"))[0]).toBe(false);
      expect(await d.vault.reserve()).toBe(reserve);
      expect(await d.token.balanceOf(d.queue.target)).toBe(SHARE);
      await attest(d, await d.vault.attestedRevenue());
      expect((await d.queue.checkUpkeep("0x"))[0]).toBe(true);
      await d.queue.performUpkeep("0x");
      expect(await d.token.balanceOf(d.queue.target)).toBe(0n);
    });

    it("refuses to fill from an empty reserve", async () => {
      const noReserve = await deployCluster({ stableDecimals, reserveBps: 0n });
      await request(noReserve, noReserve.holders[0], SHARE);
      await fundReserve(noReserve);
      expect((await noReserve.queue.checkUpkeep("0x"))[0]).toBe(false);
      await expectRevert(noReserve.queue.settle(), noReserve.queue, "ReserveTooSmall");
    });
  });

  describe("cancel and redeem", () => {
    it("returns pending shares, keeps what was filled claimable, and refuses once nothing is pending", async () => {
      await request(d, b, 60_000n * SHARE);
      await request(d, c, 40_000n * SHARE);
      await fundReserve(d);
      await d.queue.settle();
      const pendingB = await d.queue.pendingRedeemRequest(1, b.address);
      const [filledB] = await d.queue.claimable(b.address);
      const balanceBefore = await d.token.balanceOf(b.address);
      await expectRevert(d.queue.connect(d.stranger).cancelRedeemRequest(1, b.address), d.queue, "Unauthorized");
      await expectRevert(d.queue.connect(b).cancelRedeemRequest(2, b.address), d.queue, "NothingPending");
      await d.queue.connect(b).cancelRedeemRequest(1, b.address);
      expect((await d.token.balanceOf(b.address)) - balanceBefore).toBe(pendingB);
      expect((await d.queue.claimable(b.address))[0]).toBe(filledB);
      await expectRevert(d.queue.connect(b).cancelRedeemRequest(1, b.address), d.queue, "NothingPending");
      // The last request out takes its own pending shares and what the floors left behind (under a share unit per
      // request the era held, plus one): nothing stays in escrow owned by nobody.
      const pendingC = await d.queue.pendingRedeemRequest(1, c.address);
      const balanceC = await d.token.balanceOf(c.address);
      const escrowBefore = await d.token.balanceOf(d.queue.target);
      expect(escrowBefore - pendingC).toBeGreaterThan(0n); // this fill left dust
      expect(escrowBefore - pendingC).toBeLessThanOrEqual(3n);
      const receipt = await (await d.queue.connect(c).cancelRedeemRequest(1, c.address)).wait();
      const cancelled = receipt!.logs.map((l) => d.queue.interface.parseLog(l)).find((e) => e?.name === "CancelRedeemRequest")!;
      expect((await d.token.balanceOf(c.address)) - balanceC).toBe(escrowBefore);
      expect(cancelled.args.shares).toBe(escrowBefore);
      expect(await d.token.balanceOf(d.queue.target)).toBe(0n);
      expect((await d.queue.queueState()).q.headEra).toBe(0n);
    });

    it("refuses to cancel after fulfilment and to redeem more than is claimable; redeeming all leaves no dust", async () => {
      const all = await d.token.balanceOf(c.address);
      await request(d, c, all);
      await fundReserve(d, 500_000n);
      await d.queue.settle();
      await expectRevert(d.queue.connect(c).cancelRedeemRequest(1, c.address), d.queue, "NothingPending");
      await expectRevert(d.queue.connect(c).redeem(all + 1n, c.address, c.address), d.queue, "ExceedsClaimable");
      await expectRevert(d.queue.connect(c).redeem(0n, c.address, c.address), d.queue, "ZeroAmount");
      await expectRevert(d.queue.connect(c).redeem(1n, ethers.ZeroAddress, c.address), d.queue, "ZeroAddress");
      await expectRevert(d.queue.connect(d.stranger).redeem(1n, d.stranger.address, c.address), d.queue, "Unauthorized");
      // Partial claims are pro rata; the last one takes the remainder exactly.
      const [, assets] = await d.queue.claimable(c.address);
      const before = await d.stable.balanceOf(c.address);
      await d.queue.connect(c).redeem(all / 4n, c.address, c.address);
      expect((await d.stable.balanceOf(c.address)) - before).toBe(assets / 4n);
      await d.queue.connect(c).redeem(all - all / 4n, c.address, c.address);
      expect((await d.stable.balanceOf(c.address)) - before).toBe(assets);
      expect(await d.queue.claimable(c.address)).toEqual([0n, 0n]);
      // Redeeming everything left no shares anywhere: c holds none and nothing is pending.
      expect(await d.token.balanceOf(c.address)).toBe(0n);
      expect(await d.token.balanceOf(d.queue.target)).toBe(0n);
    });

    it("keeps redemptions claimable while paused", async () => {
      await request(d, c, 1_000n * SHARE);
      await fundReserve(d);
      await d.queue.settle();
      await d.token.connect(d.guardian).pause();
      const [shares, assets] = await d.queue.claimable(c.address);
      const before = await d.stable.balanceOf(c.address);
      await d.queue.connect(c).redeem(shares, c.address, c.address);
      expect((await d.stable.balanceOf(c.address)) - before).toBe(assets);
    });
  });
});

describe("RedemptionQueue with the allowlist", () => {
  it("lets a lapsed entry and a frozen account exit through the queue: the policy never traps an exit", async () => {
    const d = await deployCluster({ withAllowlist: true });
    const [a, b] = d.holders;
    const policy = d.policy!;
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    await policy.connect(d.operator).setAllowed([a.address, b.address], now + BigInt(DAY));
    await d.token.connect(a).transfer(b.address, 10n * SHARE);
    await increaseTime(2 * DAY); // both entries lapse
    await d.queue.connect(b).requestRedeem(SHARE, b.address, b.address);
    await policy.connect(d.operator).freeze(a.address);
    await request(d, a, SHARE);
    // Cancelled shares go back to their controller, lapsed or frozen; the market stays closed to them.
    await d.queue.connect(b).cancelRedeemRequest(1, b.address);
    await d.queue.connect(a).cancelRedeemRequest(1, a.address);
    expect(await d.token.balanceOf(b.address)).toBe(10n * SHARE);
    await expectRevert(d.token.connect(a).transfer(b.address, SHARE), d.token, "TransferNotAllowed");
  });
});

/** Closes the vault epoch, publishes NAV and settles at fixed timestamps from `t`, so a rehearsal is exact. */
async function closeAndSettleAt(d: Deployment, t: bigint): Promise<void> {
  await setNextTimestamp(t);
  await attest(d, await d.vault.totalRentPaid());
  await setNextTimestamp(t + 1n);
  await d.vault.closeEpoch();
  await setNextTimestamp(t + 2n);
  await d.nav.update();
  await setNextTimestamp(t + 3n);
  await d.queue.settle();
}

describe("RedemptionQueue that no one can jam or game", () => {
  const BIG = 10n ** 9n * SHARE;
  let d: Deployment;
  let reset: () => Promise<void>;
  let holders: HardhatEthersSigner[];

  beforeAll(async () => {
    d = await deployCluster({ initialShares: 3n * BIG, reserveBps: RESERVE_BPS, maxRevenuePerEpoch: 10n ** 30n });
    holders = d.holders.slice(0, 10);
    for (const h of holders.slice(1)) await d.token.connect(holders[0]).transfer(h.address, 100_000_000n * SHARE);
    await d.stable.mint(d.renter.address, 10n ** 12n * d.unit);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  it("serves requests of every size after an attacker leaves 1 wei pending, over repeated attacks", async () => {
    const [whale, attacker, victim] = holders;
    const sizes = [1n, 10n ** 6n, 10n ** 13n, SHARE, 1_000_000n * SHARE, BIG];
    for (let round = 0; round < 3; round++) {
      await d.vault.connect(d.renter).payRent(RENT * d.unit, ethers.id(`rent ${round}`));
      const t = (await d.vault.epochEnd()) + 100n;
      const pendingBefore = await d.token.balanceOf(d.queue.target);
      const victimShares = 1_000n * SHARE + BigInt(round);
      // Fresh controllers each round: a controller holds one request at a time.
      const [victimController, attackerController] = [ethers.Wallet.createRandom().address, ethers.Wallet.createRandom().address];
      const requestFor = (who: HardhatEthersSigner, controller: string, shares: bigint) =>
        d.queue.connect(who).requestRedeem(shares, controller, who.address);
      // Rehearsal: how many shares will this settlement fill when far more is pending?
      const rehearsal = await snapshot();
      await requestFor(victim, victimController, victimShares);
      await requestFor(attacker, attackerController, 90_000_000n * SHARE);
      const supply = await d.token.totalSupply();
      await closeAndSettleAt(d, t);
      const fill = supply - (await d.token.totalSupply());
      await rehearsal();
      // The attack: size the request so the settlement's partial fill leaves exactly 1 wei pending.
      await requestFor(victim, victimController, victimShares);
      await requestFor(attacker, attackerController, fill + 1n - pendingBefore - victimShares);
      await closeAndSettleAt(d, t);
      expect(await d.token.balanceOf(d.queue.target)).toBe(1n);

      for (const [i, size] of sizes.entries()) {
        const who = i === sizes.length - 1 ? whale : holders[3 + i];
        const requestId = await d.queue.connect(who).requestRedeem.staticCall(size, who.address, who.address);
        await request(d, who, size);
        expect(await d.queue.pendingRedeemRequest(requestId, who.address)).toBe(size);
        await d.queue.connect(who).cancelRedeemRequest(requestId, who.address);
      }
    }
    // Every request still gets filled: a large settlement fills the dust head and then everything matured.
    const [, , , probe] = holders;
    const probeId = await d.queue.connect(probe).requestRedeem.staticCall(BIG / 10n, probe.address, probe.address);
    await request(d, probe, BIG / 10n);
    await d.vault.connect(d.renter).payRent(10n ** 9n * d.unit, ethers.id("big rent"));
    await closeEpochAt(d, await d.vault.totalRentPaid());
    await d.nav.update();
    await d.queue.settle();
    expect(await d.queue.pendingRedeemRequest(probeId, probe.address)).toBe(0n);
    expect((await d.queue.claimable(probe.address))[0]).toBe(BIG / 10n);
  });

  it("does not let a request made in the settlement's epoch dilute requests that waited", async () => {
    const [whale, waiting] = holders;
    await request(d, waiting, 200_000n * SHARE);
    await d.vault.connect(d.renter).payRent(RENT * d.unit, ethers.id("rent"));
    await closeEpochAt(d, await d.vault.totalRentPaid());
    await d.nav.update();
    const alone = await snapshot();
    await d.queue.settle();
    const fillAlone = await d.queue.claimable(waiting.address);
    expect(fillAlone[0]).toBeGreaterThan(0n);
    expect(fillAlone[0]).toBeLessThan(200_000n * SHARE); // the reserve is short: a partial fill
    await alone();

    // A big request in the epoch being settled, just before the settlement, gets nothing of it.
    const bigShares = 500_000_000n * SHARE;
    const bigId = await d.queue.connect(whale).requestRedeem.staticCall(bigShares, whale.address, whale.address);
    await request(d, whale, bigShares);
    await d.queue.settle();
    expect(await d.queue.claimable(waiting.address)).toEqual(fillAlone);
    expect(await d.queue.claimable(whale.address)).toEqual([0n, 0n]);
    expect(await d.queue.pendingRedeemRequest(bigId, whale.address)).toBe(bigShares);

    // Next epoch it has matured and participates, behind the waiting request's remainder.
    await d.vault.connect(d.renter).payRent(10n * RENT * d.unit, ethers.id("rent 2"));
    await closeEpochAt(d, await d.vault.totalRentPaid());
    await d.nav.update();
    await d.queue.settle();
    expect((await d.queue.claimable(whale.address))[0]).toBeGreaterThan(0n);
  });

  it("keeps every controller's views, and a redeem of them, unchanged by other users' requests and cancels", async () => {
    const requesters = holders.slice(1, 9);
    const requestIds: bigint[] = [];
    for (const [i, who] of requesters.entries()) {
      const shares = 7_777n * SHARE + 1_234_567_891n * BigInt(i * i + 1);
      requestIds.push(await d.queue.connect(who).requestRedeem.staticCall(shares, who.address, who.address));
      await request(d, who, shares);
    }
    await d.vault.connect(d.renter).payRent(3_000n * d.unit, ethers.id("small rent"));
    await closeEpochAt(d, await d.vault.totalRentPaid());
    await d.nav.update();
    await d.queue.settle();
    const [watched, ...others] = requesters;
    const views = async () => [
      await d.queue.claimable(watched.address),
      await d.queue.claimableRedeemRequest(0, watched.address),
      await d.queue.claimableRedeemRequest(requestIds[0], watched.address),
      await d.queue.pendingRedeemRequest(requestIds[0], watched.address),
    ];
    const before = await views();
    expect(before[1]).toBeGreaterThan(0n);
    for (const [i, who] of others.entries()) {
      if (i % 2 === 0) {
        // Exactly the shares the views credit it with go back, nothing more.
        const pending = await d.queue.pendingRedeemRequest(requestIds[i + 1], who.address);
        const balance = await d.token.balanceOf(who.address);
        await d.queue.connect(who).cancelRedeemRequest(requestIds[i + 1], who.address);
        expect((await d.token.balanceOf(who.address)) - balance).toBe(pending);
      } else {
        await request(d, holders[0], 3_333n * SHARE + BigInt(i));
      }
      expect(await views()).toEqual(before);
    }
    const [shares, assets] = before[0] as [bigint, bigint];
    const paid = await d.stable.balanceOf(watched.address);
    await d.queue.connect(watched).redeem(before[1] as bigint, watched.address, watched.address);
    expect((await d.stable.balanceOf(watched.address)) - paid).toBe(assets);
    expect(shares).toBe(before[1]);
  });

  it("merges a maturing era into the untouched matured era exactly, and fills it behind the head", async () => {
    const [whale, first, second, third] = holders;
    const fund = async (rent: bigint, ref: string) => {
      await d.vault.connect(d.renter).payRent(rent * d.unit, ethers.id(ref));
      await closeEpochAt(d, await d.vault.totalRentPaid());
      await d.nav.update();
    };
    await request(d, whale, 500_000n * SHARE); // era 1
    await fund(RENT, "rent 1");
    await request(d, first, 3_000n * SHARE); // era 2, made in the epoch settled next
    await d.queue.settle(); // era 1 partly filled (the head); era 2 not matured
    await fund(RENT, "rent 2"); // era 2 matures behind the head
    await request(d, second, 5_000n * SHARE + 1n); // era 3
    await d.queue.settle(); // the head is still short: era 2 stays untouched
    expect((await d.queue.eraOf(1)).finished).toBe(false);
    await fund(RENT, "rent 3");
    await request(d, third, SHARE); // rolls: era 3 merges into era 2; the new request joins era 4
    const merged = await d.queue.eraOf(3);
    expect(merged.aliasOf).toBe(2n);
    expect((await d.queue.eraOf(2)).units).toBe(8_000n * SHARE + 1n);
    expect(await d.queue.pendingRedeemRequest(3, second.address)).toBe(5_000n * SHARE + 1n);
    const state = await d.queue.queueState();
    expect([state.q.headEra, state.q.maturedEra, state.q.freshEra, state.freshPending]).toEqual([1n, 2n, 4n, SHARE]);

    await d.queue.settle();
    expect(await d.queue.claimable(third.address)).toEqual([0n, 0n]); // requested in this settlement's epoch
    // A large reserve fills the head, then the merged era, both requests by the same fraction.
    await fund(20n * RENT, "rent 4");
    await d.queue.settle();
    expect((await d.queue.eraOf(1)).finished).toBe(true);
    const [filledFirst] = await d.queue.claimable(first.address);
    const [filledSecond] = await d.queue.claimable(second.address);
    expect(filledFirst).toBeGreaterThan(0n);
    const remaining = (await d.queue.eraOf(2)).remainingPerUnit;
    const scale = 2n ** 96n;
    expect(filledFirst).toBe(3_000n * SHARE - (3_000n * SHARE * remaining) / scale);
    expect(filledSecond).toBe(5_000n * SHARE + 1n - ((5_000n * SHARE + 1n) * remaining) / scale);
  });

  it("answers checkUpkeep true exactly when settle would succeed", async () => {
    const [, requester] = holders;
    const upkeep = async () => (await d.queue.checkUpkeep("0x"))[0];
    const settles = async () => d.queue.settle.staticCall().then(() => true, () => false);
    await request(d, requester, 1_000n * SHARE);
    await d.vault.connect(d.renter).payRent(RENT * d.unit, ethers.id("rent"));
    await closeEpochAt(d, await d.vault.totalRentPaid());
    await d.nav.update();
    expect([await upkeep(), await settles()]).toEqual([true, true]);

    // Rent in escrow and a stale revenue feed: NAV's attested part is unknown.
    const fresh = await snapshot();
    await d.vault.connect(d.renter).payRent(d.unit, ethers.id("more rent"));
    await increaseTime(2 * DAY + 1);
    expect([await upkeep(), await settles()]).toEqual([false, false]);
    await fresh();

    // The L2 sequencer is down.
    const sequencer = await new MockV3Aggregator__factory(d.admin).deploy(0, 1n); // 1: down
    await d.factory.connect(d.admin).setSequencerUptimeFeed(await sequencer.getAddress(), 3600);
    expect([await upkeep(), await settles()]).toEqual([false, false]);
    await fresh();

    // previewSettle is what settle does.
    const [sharesFilled, assets] = await d.queue.previewSettle();
    expect(sharesFilled).toBe(1_000n * SHARE);
    const supply = await d.token.totalSupply();
    await d.queue.settle();
    expect(supply - (await d.token.totalSupply())).toBe(sharesFilled);
    expect(await d.stable.balanceOf(d.queue.target)).toBe(assets);
    // Only a request of the epoch being settled is pending: nothing has matured.
    await request(d, requester, SHARE);
    await d.vault.connect(d.renter).payRent(RENT * d.unit, ethers.id("rent 2"));
    expect([await upkeep(), await settles()]).toEqual([false, false]);
  });
});
