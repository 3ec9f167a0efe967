import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import {
  deployCluster, closeEpochAt, attest, increaseTime, latestTimestamp, snapshot, ethers, launchParams,
  EPOCH, HEARTBEAT, PROTOCOL_FEE_BPS, OPERATOR_FEE_BPS, RESERVE_BPS, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import {
  DecimalsChangingAggregator__factory, FeeOnTransferToken__factory, MockV3Aggregator__factory, RevenueVault__factory,
} from "../../sdk/src/types";

const REF = ethers.id("invoice-42");

/** Reads the vault's accounting in one object. */
async function books(d: Deployment) {
  const [escrow, shortfall, distributed, fees, reserve, reserveFunded, rent, attested, protocolOwed, operatorOwed] =
    await Promise.all([
      d.vault.escrow(), d.vault.shortfall(), d.vault.distributedToHolders(), d.vault.totalFees(), d.vault.reserve(),
      d.vault.reserveFunded(), d.vault.totalRentPaid(), d.vault.attestedRevenue(), d.vault.protocolFeesOwed(),
      d.vault.operatorFeesOwed(),
    ]);
  return { escrow, shortfall, distributed, fees, reserve, reserveFunded, rent, attested, protocolOwed, operatorOwed };
}

/** DESIGN.md invariant 4, plus the vault's stablecoin balance backing what it owes. */
async function expectBooksBalance(d: Deployment) {
  const b = await books(d);
  expect(b.escrow + b.distributed + b.fees + b.reserveFunded).toBe(b.rent);
  expect(b.distributed + b.fees + b.reserveFunded).toBeLessThanOrEqual(b.attested);
  expect(await d.stable.balanceOf(await d.vault.getAddress())).toBe(b.escrow + b.reserve + b.protocolOwed + b.operatorOwed);
}

describe.each([6, 18])("RevenueVault with a %i-decimal stablecoin", (stableDecimals) => {
  let d: Deployment;
  let reset: () => Promise<void>;

  beforeAll(async () => {
    d = await deployCluster({ stableDecimals });
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  it("takes rent into escrow and emits RentPaid with the reference", async () => {
    const amount = 1_234n * d.unit;
    const receipt = await (await d.vault.connect(d.renter).payRent(amount, REF)).wait();
    const event = receipt!.logs.map((l) => d.vault.interface.parseLog(l)).find((e) => e?.name === "RentPaid");
    expect(event!.args.payer).toBe(d.renter.address);
    expect(event!.args.epoch).toBe(1n);
    expect(event!.args.amount).toBe(amount);
    expect(event!.args.paymentRef).toBe(REF);
    expect(await d.vault.escrow()).toBe(amount);
    expect(await d.vault.totalRentPaid()).toBe(amount);
    await expectBooksBalance(d);
  });

  it("refuses zero rent", async () => {
    await expectRevert(d.vault.connect(d.renter).payRent(0n, REF), d.vault, "ZeroAmount");
  });

  it("releases what is attested and paid, split into fees, reserve and the holders' stream", async () => {
    const paid = 10_000n * d.unit;
    await d.vault.connect(d.renter).payRent(paid, REF);
    const tokenBefore = await d.stable.balanceOf(await d.token.getAddress());
    await closeEpochAt(d, paid);
    const protocolFee = (paid * PROTOCOL_FEE_BPS) / 10_000n;
    const operatorFee = (paid * OPERATOR_FEE_BPS) / 10_000n;
    const toReserve = (paid * RESERVE_BPS) / 10_000n;
    const toHolders = paid - protocolFee - operatorFee - toReserve;
    const b = await books(d);
    expect(b).toMatchObject({
      escrow: 0n, shortfall: 0n, distributed: toHolders, fees: protocolFee + operatorFee,
      reserve: toReserve, protocolOwed: protocolFee, operatorOwed: operatorFee,
    });
    expect((await d.stable.balanceOf(await d.token.getAddress())) - tokenBefore).toBe(toHolders);
    expect(await d.vault.currentEpoch()).toBe(2n);
    expect(await d.token.periodFinish()).toBe((await latestTimestamp()) + BigInt(EPOCH));
    await expectBooksBalance(d);
  });

  it("records a shortfall when billed exceeds paid, and settles it once paid", async () => {
    await d.vault.connect(d.renter).payRent(600n * d.unit, REF);
    const tx = await closeEpochAt(d, 1_000n * d.unit);
    const receipt = await tx.wait();
    const shortfallEvent = receipt!.logs.map((l) => d.vault.interface.parseLog(l)).find((e) => e?.name === "ShortfallRecorded");
    expect(shortfallEvent!.args.shortfall).toBe(400n * d.unit);
    expect(shortfallEvent!.args.added).toBe(400n * d.unit);
    expect(await d.vault.shortfall()).toBe(400n * d.unit);
    expect(await d.vault.escrow()).toBe(0n);
    // Next epoch: nothing new billed, the operator pays the 400 owed, the shortfall is released and cleared.
    await d.vault.connect(d.renter).payRent(400n * d.unit, REF);
    await closeEpochAt(d, 1_000n * d.unit);
    expect(await d.vault.shortfall()).toBe(0n);
    const b = await books(d);
    expect(b.distributed + b.fees + b.reserveFunded).toBe(1_000n * d.unit);
    await expectBooksBalance(d);
  });

  it("keeps paid-but-unattested rent in escrow until the feed attests it", async () => {
    await d.vault.connect(d.renter).payRent(1_000n * d.unit, REF);
    await closeEpochAt(d, 300n * d.unit);
    expect(await d.vault.escrow()).toBe(700n * d.unit);
    await closeEpochAt(d, 1_000n * d.unit);
    expect(await d.vault.escrow()).toBe(0n);
    await expectBooksBalance(d);
  });

  it("cannot close before the epoch ends; checkUpkeep agrees", async () => {
    const [needed] = await d.vault.checkUpkeep("0x");
    expect(needed).toBe(false);
    const args = await expectRevert(d.vault.closeEpoch(), d.vault, "EpochNotEnded");
    expect(args[0]).toBe(1n);
    await increaseTime(EPOCH);
    // The epoch is over, but the feed's answer is a week old: performUpkeep would revert, so no upkeep.
    expect((await d.vault.checkUpkeep("0x"))[0]).toBe(false);
    await attest(d, 1n * d.unit);
    const [nowNeeded] = await d.vault.checkUpkeep("0x");
    expect(nowNeeded).toBe(true);
    await d.vault.performUpkeep("0x");
    expect(await d.vault.currentEpoch()).toBe(2n);
    await expectRevert(d.vault.performUpkeep("0x"), d.vault, "EpochNotEnded");
  });

  it("refuses to close while paused, and checkUpkeep says so", async () => {
    await increaseTime(EPOCH);
    await attest(d, 1n * d.unit);
    await d.token.connect(d.guardian).pause();
    const [needed] = await d.vault.checkUpkeep("0x");
    expect(needed).toBe(false);
    await expectRevert(d.vault.closeEpoch(), d.vault, "EnforcedPause");
  });

  describe("oracle reads (each moves no money)", () => {
    async function expectCloseRefused(errorName: string) {
      const before = await books(d);
      const args = await expectRevert(d.vault.closeEpoch(), d.vault, errorName);
      expect(await books(d)).toEqual(before);
      return args;
    }

    beforeEach(async () => {
      await d.vault.connect(d.renter).payRent(1_000n * d.unit, REF);
    });

    it("refuses a stale answer", async () => {
      await attest(d, 1_000n * d.unit);
      await increaseTime(EPOCH); // the epoch is over, but the answer is a week old and the heartbeat is 2 days
      const args = await expectCloseRefused("StaleOracleAnswer");
      expect(args[2]).toBe(BigInt(HEARTBEAT));
    });

    it("refuses a negative answer (zero is a cumulative feed's valid answer: nothing billed)", async () => {
      await increaseTime(EPOCH);
      await d.feed.updateAnswer(-5n);
      await expectCloseRefused("NonPositiveOracleAnswer");
    });

    it("refuses a round dated in the future or never completed", async () => {
      await increaseTime(EPOCH);
      const future = (await latestTimestamp()) + 3600n;
      await d.feed.updateRoundData(7n, 1_000n, future, future);
      await expectCloseRefused("InvalidOracleTimestamp");
      await d.feed.updateRoundData(8n, 1_000n, 0n, 0n);
      await expectCloseRefused("InvalidOracleTimestamp");
    });

    it("normalises another feed's decimals, rounding down, and refuses a feed whose decimals changed", async () => {
      const feed18 = await new DecimalsChangingAggregator__factory(d.admin).deploy(18, 0n);
      const params = launchParams({
        stablecoin: await d.stable.getAddress(), revenueFeed: await feed18.getAddress(),
        initialHolder: d.holders[0].address, initialShares: 10n ** 24n, maxRevenuePerEpoch: 10n ** 30n,
      });
      await d.factory.connect(d.operator).launch(params);
      const entry = (await d.factory.cluster((await d.factory.clusterCount()) - 1n)).contracts;
      const vault = RevenueVault__factory.connect(entry.vault, d.renter);
      expect((await vault.revenueFeed()).decimals).toBe(18n);
      await d.stable.connect(d.renter).approve(entry.vault, ethers.MaxUint256);
      await vault.payRent(5n * d.unit, REF);
      await increaseTime(EPOCH);
      const billed = 5n * 10n ** 18n + 1n; // 5.000…001: below one stablecoin unit the dust is dropped
      await feed18.updateAnswer(billed);
      await vault.closeEpoch();
      const expected = (billed * d.unit) / 10n ** 18n;
      expect(await vault.attestedRevenue()).toBe(expected);
      await increaseTime(EPOCH);
      await feed18.setDecimals(8);
      await feed18.updateAnswer(6n * 10n ** 8n);
      const args = await expectRevert(vault.closeEpoch(), vault, "OracleDecimalsChanged");
      expect(args.slice(1)).toEqual([18n, 8n]);
      expect(await vault.attestedRevenue()).toBe(expected);
    });

    it("refuses to close while the L2 sequencer is down or inside its grace period", async () => {
      const sequencer = await new MockV3Aggregator__factory(d.admin).deploy(0, 1n); // 1 = down
      await d.factory.connect(d.admin).setSequencerUptimeFeed(await sequencer.getAddress(), 3600);
      await increaseTime(EPOCH);
      await attest(d, 1_000n * d.unit);
      await expectCloseRefused("SequencerDown");
      await sequencer.updateAnswer(0n); // back up, now: grace period starts
      await expectCloseRefused("SequencerGracePeriodNotOver");
      await increaseTime(3601);
      await attest(d, 1_000n * d.unit);
      await d.vault.closeEpoch();
      expect(await d.vault.currentEpoch()).toBe(2n);
    });
  });

  it("books what a fee-taking stablecoin delivers, and says what the fee took", async () => {
    const fot = await new FeeOnTransferToken__factory(d.admin).deploy();
    const params = launchParams({
      stablecoin: await fot.getAddress(), revenueFeed: await d.feed.getAddress(),
      initialHolder: d.holders[0].address, initialShares: 10n ** 24n,
    });
    await d.factory.connect(d.operator).launch(params);
    const entry = (await d.factory.cluster((await d.factory.clusterCount()) - 1n)).contracts;
    const vault = RevenueVault__factory.connect(entry.vault, d.renter);
    await fot.mint(d.renter.address, 1_000_000n);
    await fot.connect(d.renter).approve(entry.vault, ethers.MaxUint256);
    const receipt = (await (await vault.payRent(1_000n, REF)).wait())!;
    const events = receipt.logs.map((l) => vault.interface.parseLog(l)).filter((e) => e !== null);
    expect(events.find((e) => e!.name === "TransferFeeCharged")!.args.toArray()).toEqual([entry.vault, 1_000n, 990n]);
    expect(events.find((e) => e!.name === "RentPaid")!.args.amount).toBe(990n);
    expect(await fot.balanceOf(entry.vault)).toBe(990n);
    expect([await vault.escrow(), await vault.totalRentPaid()]).toEqual([990n, 990n]);
  });

  it("sweeps stablecoin sent outside payRent into the reserve, which backs every share, taking no fee", async () => {
    await d.vault.connect(d.renter).payRent(1_000n * d.unit, REF);
    await expectRevert(d.vault.connect(d.stranger).sweepDonations(), d.vault, "NothingToSweep");
    await d.stable.connect(d.renter).transfer(await d.vault.getAddress(), 250n * d.unit + 1n);
    const before = await books(d);
    const receipt = (await (await d.vault.connect(d.stranger).sweepDonations()).wait())!;
    const swept = receipt.logs.map((l) => d.vault.interface.parseLog(l)).find((e) => e?.name === "DonationsSwept")!;
    expect(swept.args.toArray()).toEqual([d.stranger.address, 250n * d.unit + 1n, 250n * d.unit + 1n]);
    const after = await books(d);
    expect(after).toEqual({ ...before, reserve: before.reserve + 250n * d.unit + 1n });
    expect(await d.vault.reserveFromDonations()).toBe(250n * d.unit + 1n);
    await expectBooksBalance(d);
    await expectRevert(d.vault.sweepDonations(), d.vault, "NothingToSweep");
  });

  describe("fees", () => {
    beforeEach(async () => {
      await d.vault.connect(d.renter).payRent(10_000n * d.unit, REF);
      await closeEpochAt(d, 10_000n * d.unit);
    });

    it("sends protocol fees to the protocol's recipient, whoever triggers it", async () => {
      const owed = await d.vault.protocolFeesOwed();
      await d.vault.connect(d.stranger).withdrawProtocolFees();
      expect(await d.stable.balanceOf(d.feeRecipient.address)).toBe(owed);
      await expectRevert(d.vault.withdrawProtocolFees(), d.vault, "NothingToWithdraw");
      await expectBooksBalance(d);
    });

    it("lets only the operator withdraw operator fees, to an address of its choice", async () => {
      await expectRevert(d.vault.connect(d.stranger).withdrawOperatorFees(d.stranger.address), d.vault, "Unauthorized");
      // Only the redemption queue takes reserve out, only the offering books issuance into it.
      await expectRevert(d.vault.connect(d.stranger).withdrawReserve(0n), d.vault, "Unauthorized");
      await expectRevert(d.vault.connect(d.operator).depositReserve(1n), d.vault, "Unauthorized");
      await expectRevert(d.vault.connect(d.operator).withdrawOperatorFees(ethers.ZeroAddress), d.vault, "ZeroAddress");
      const owed = await d.vault.operatorFeesOwed();
      await d.vault.connect(d.operator).withdrawOperatorFees(d.keeper.address);
      expect(await d.stable.balanceOf(d.keeper.address)).toBe(owed);
      await expectRevert(d.vault.connect(d.operator).withdrawOperatorFees(d.operator.address), d.vault, "NothingToWithdraw");
      await expectBooksBalance(d);
    });
  });

  it("cannot be initialised twice", async () => {
    const params = {
      revenueFeed: await d.feed.getAddress(), revenueHeartbeat: 1, epochLength: EPOCH,
      operatorFeeBps: 0, reserveBps: 0, maxRevenuePerEpoch: 1n,
      offering: d.stranger.address, redemptionQueue: d.stranger.address, earningAtLaunch: false,
    };
    await expectRevert(d.vault.initialize(params), d.vault, "InvalidInitialization");
  });
});
