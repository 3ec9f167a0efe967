import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import {
  deployCluster, attest, increaseTime, latestTimestamp, snapshot, ethers, launchParams, navParams, noRaise,
  closeEpochAt, toFeedAnswer, DAY, EPOCH, SHARE, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import { MockV3Aggregator__factory, RevenueVault__factory, type MockV3Aggregator } from "../../sdk/src/types";

/** Weekly billing at the normal rate, paid in full; the per-epoch bound is 1.5 weeks of it. */
const WEEKS = 4;

/** Everything a close decides, read in one object: equal books mean equal fees, reserve and stream. */
async function books(d: Deployment) {
  const [attested, escrow, shortfall, distributed, fees, reserveFunded, streamed, epoch] = await Promise.all([
    d.vault.attestedRevenue(), d.vault.escrow(), d.vault.shortfall(), d.vault.distributedToHolders(),
    d.vault.totalFees(), d.vault.reserveFunded(), d.stable.balanceOf(d.token.getAddress()), d.vault.currentEpoch(),
  ]);
  return { attested, escrow, shortfall, distributed, fees, reserveFunded, streamed, closes: epoch - 1n };
}

async function upkeepNeeded(d: Deployment): Promise<boolean> {
  return (await d.vault.checkUpkeep("0x"))[0];
}

describe.each([6, 18])("RevenueVault through outages, %i-decimal stablecoin", (stableDecimals) => {
  let d: Deployment;
  let reset: () => Promise<void>;
  let weekly: bigint;
  let reference: Awaited<ReturnType<typeof books>>;

  /** One week of rent paid and billed: the renter pays, time passes, Chainlink reports the new cumulative. */
  async function bill(billed: bigint, days = 7): Promise<bigint> {
    await d.vault.connect(d.renter).payRent(weekly, ethers.id(`week ${billed}`));
    await increaseTime(days * DAY);
    await attest(d, billed + weekly);
    return billed + weekly;
  }

  /** Closes until nothing attested or carried is left (the catch-up after an outage may take several closes). */
  async function closeUntilCaughtUp(billed: bigint): Promise<void> {
    for (let i = 0; i < 5 && ((await d.vault.escrow()) > 0n || (await d.vault.carriedRevenue()) > 0n); i++) {
      await closeEpochAt(d, billed);
    }
  }

  beforeAll(async () => {
    weekly = 10_000n * 10n ** BigInt(stableDecimals);
    d = await deployCluster({ stableDecimals, maxRevenuePerEpoch: (weekly * 3n) / 2n });
    reset = await snapshot();
    // The reference: a keeper closes every week, nothing goes wrong.
    let billed = 0n;
    for (let w = 0; w < WEEKS; w++) {
      billed = await bill(billed);
      await d.vault.closeEpoch();
    }
    reference = await books(d);
    expect(reference.attested).toBe(weekly * BigInt(WEEKS));
    expect(reference.escrow).toBe(0n);
  });
  beforeEach(async () => reset());

  /**
   * After an outage: the same money attested and released as the reference, split the same way up to the floor
   * of each fee and of the reserve at each close (a catch-up splits its release into other pieces).
   */
  async function expectAsIfNothingHappened() {
    const after = await books(d);
    const released = (b: typeof after) => b.distributed + b.fees + b.reserveFunded;
    expect([after.attested, after.escrow, after.shortfall, released(after)])
      .toEqual([reference.attested, reference.escrow, reference.shortfall, released(reference)]);
    const closes = after.closes > reference.closes ? after.closes : reference.closes;
    const gap = (a: bigint, b: bigint) => (a > b ? a - b : b - a);
    expect(gap(after.fees, reference.fees)).toBeLessThanOrEqual(2n * closes);
    expect(gap(after.reserveFunded, reference.reserveFunded)).toBeLessThanOrEqual(closes);
    expect(after.streamed).toBe(after.distributed);
  }

  it("releases three weeks that no keeper closed in one catch-up close", async () => {
    let billed = 0n;
    for (let w = 0; w < WEEKS; w++) billed = await bill(billed);
    expect(await upkeepNeeded(d)).toBe(true);
    await d.vault.closeEpoch();
    await expectAsIfNothingHappened();
    // And the next epoch closes on its own schedule again.
    billed = await bill(billed);
    expect(await upkeepNeeded(d)).toBe(true);
    await d.vault.performUpkeep("0x");
    expect(await d.vault.attestedRevenue()).toBe(billed);
  });

  it("releases what was billed during a 12-day pause once the guardian lifts it", async () => {
    let billed = await bill(0n);
    await d.vault.closeEpoch();
    // Week 2's rent is in; the guardian pauses on day 7 for 12 days while billing goes on.
    await d.vault.connect(d.renter).payRent(weekly, ethers.id("week 2"));
    await d.token.connect(d.guardian).pause();
    await increaseTime(EPOCH);
    billed += weekly;
    await attest(d, billed);
    expect(await upkeepNeeded(d)).toBe(false);
    await expectRevert(d.vault.closeEpoch(), d.vault, "EnforcedPause");
    await increaseTime(5 * DAY);
    await d.token.connect(d.guardian).unpause();
    billed = await bill(billed, 2); // week 3's rent, paid as soon as rent is taken again
    await d.vault.closeEpoch();
    billed = await bill(billed);
    await d.vault.closeEpoch();
    await expectAsIfNothingHappened();
  });

  it("releases a week of billing the revenue feed could not report once it answers again", async () => {
    let billed = await bill(0n);
    await d.vault.closeEpoch();
    // The feed stops updating for a week while billing goes on.
    await d.vault.connect(d.renter).payRent(weekly, ethers.id("paid while the feed is stale"));
    await increaseTime(EPOCH);
    expect(await upkeepNeeded(d)).toBe(false);
    await expectRevert(d.vault.closeEpoch(), d.vault, "StaleOracleAnswer");
    await increaseTime(2 * DAY);
    billed += weekly;
    await attest(d, billed); // the feed is back
    await d.vault.closeEpoch();
    billed = await bill(billed);
    await closeUntilCaughtUp(billed);
    billed = await bill(billed);
    await closeUntilCaughtUp(billed);
    await expectAsIfNothingHappened();
  });

  it("releases what was billed while the L2 sequencer was down once its grace period is over", async () => {
    const sequencer = await new MockV3Aggregator__factory(d.admin).deploy(0, 0n); // 0: up
    await d.factory.connect(d.admin).setSequencerUptimeFeed(await sequencer.getAddress(), 3600);
    let billed = await bill(0n);
    await d.vault.closeEpoch();
    await sequencer.updateAnswer(1n); // down
    billed = await bill(billed);
    expect(await upkeepNeeded(d)).toBe(false);
    await expectRevert(d.vault.closeEpoch(), d.vault, "SequencerDown");
    billed = await bill(billed);
    await sequencer.updateAnswer(0n); // back up: the grace period starts now
    expect(await upkeepNeeded(d)).toBe(false);
    await expectRevert(d.vault.closeEpoch(), d.vault, "SequencerGracePeriodNotOver");
    await increaseTime(3601);
    await attest(d, billed);
    await d.vault.closeEpoch();
    billed = await bill(billed);
    await d.vault.closeEpoch();
    await expectAsIfNothingHappened();
  });

  it("attests nothing while the feed is corrected below its high-water mark, then only what is new", async () => {
    let billed = await bill(0n);
    await d.vault.closeEpoch();
    billed = await bill(billed);
    await d.vault.closeEpoch();
    // A correction: the feed answers less than it did. Closes go on; nothing is attested twice.
    await d.vault.connect(d.renter).payRent(weekly, ethers.id("paid during the correction"));
    await increaseTime(EPOCH);
    await attest(d, billed - weekly / 2n);
    await d.vault.closeEpoch();
    const during = await books(d);
    expect(during.attested).toBe(billed);
    expect(during.escrow).toBe(weekly);
    expect(await d.vault.feedHighWater()).toBe(billed);
    // The feed climbs back past the mark with the two weeks billed since.
    billed = await bill(billed + weekly);
    await closeUntilCaughtUp(billed);
    await expectAsIfNothingHappened();
  });

  it("carries billing above the time-scaled bound to later closes instead of refusing it", async () => {
    await d.vault.connect(d.renter).payRent(4n * weekly, ethers.id("a large prepayment"));
    await increaseTime(EPOCH);
    await attest(d, 4n * weekly); // four weeks billed at once, above one epoch's bound of 1.5 weeks
    const start = await d.vault.epochStart();
    await d.vault.closeEpoch();
    const bound = (((weekly * 3n) / 2n) * ((await latestTimestamp()) - start)) / BigInt(EPOCH);
    expect(bound).toBeLessThan(2n * weekly);
    expect(await d.vault.attestedRevenue()).toBe(bound);
    expect(await d.vault.carriedRevenue()).toBe(4n * weekly - bound);
    await closeUntilCaughtUp(4n * weekly);
    await expectAsIfNothingHappened();
    expect(await d.vault.carriedRevenue()).toBe(0n);
  });

  it("values attested rent mid-epoch at what the close will release, so the close moves no value", async () => {
    await d.vault.connect(d.renter).payRent(weekly, ethers.id("mid-epoch"));
    await increaseTime(EPOCH / 4);
    await attest(d, weekly); // a week's billing after a quarter epoch: above a quarter of the bound
    const [toReserve, toHolders] = await d.vault.pendingRelease();
    await increaseTime(EPOCH);
    await attest(d, weekly);
    const closed = (await (await d.vault.closeEpoch()).wait())!;
    const event = closed.logs.map((l) => d.vault.interface.parseLog(l)).find((e) => e?.name === "EpochClosed")!;
    expect([toReserve, toHolders]).toEqual([event.args.toReserve, event.args.toHolders]);
  });

  it("counts a zero cumulative answer as nothing billed yet, and closes", async () => {
    await d.vault.connect(d.renter).payRent(weekly, ethers.id("paid before billing"));
    await increaseTime(EPOCH);
    await attest(d, 0n);
    expect(await upkeepNeeded(d)).toBe(true);
    await d.vault.closeEpoch();
    expect(await d.vault.attestedRevenue()).toBe(0n);
    expect(await d.vault.escrow()).toBe(weekly);
    await increaseTime(EPOCH);
    await d.feed.updateAnswer(-5n);
    await expectRevert(d.vault.closeEpoch(), d.vault, "NonPositiveOracleAnswer");
  });

  describe("a revenue feed migration", () => {
    let next: MockV3Aggregator;
    const NEXT_BASELINE = 7_777n; // the new aggregator's own history, in whole stablecoins

    beforeEach(async () => {
      next = await new MockV3Aggregator__factory(d.admin).deploy(18, NEXT_BASELINE * SHARE);
    });

    it("is proposed by the protocol admin only, can be vetoed by the guardian, and waits its delay", async () => {
      const nextAddress = await next.getAddress();
      await expectRevert(d.vault.connect(d.operator).proposeRevenueFeed(nextAddress, DAY, 0n, 0n), d.vault, "Unauthorized");
      await expectRevert(d.vault.connect(d.stranger).proposeRevenueFeed(nextAddress, DAY, 0n, 0n), d.vault, "Unauthorized");
      await expectRevert(d.vault.applyRevenueFeedChange(), d.vault, "NoFeedChangePending");
      await expectRevert(d.vault.connect(d.admin).proposeRevenueFeed(ethers.ZeroAddress, DAY, 0n, 0n), d.vault, "InvalidFeedConfig");
      await d.vault.connect(d.admin).proposeRevenueFeed(nextAddress, DAY, 0n, 0n);
      const readyAt = (await d.vault.pendingRevenueFeed()).readyAt;
      expect(readyAt).toBe((await latestTimestamp()) + 3n * BigInt(DAY));
      await expectRevert(d.vault.connect(d.operator).cancelRevenueFeedChange(), d.vault, "Unauthorized");
      const args = await expectRevert(d.vault.connect(d.stranger).applyRevenueFeedChange(), d.vault, "FeedChangeNotReady");
      expect(args[0]).toBe(readyAt);
      await d.vault.connect(d.guardian).cancelRevenueFeedChange();
      await increaseTime(3 * DAY);
      await expectRevert(d.vault.applyRevenueFeedChange(), d.vault, "NoFeedChangePending");
      expect((await d.vault.revenueFeed()).aggregator).toBe(await d.feed.getAddress());
    });

    it("switches mid-life to a feed with other decimals, attesting every week once however the feeds lag", async () => {
      const scale = 10n ** BigInt(stableDecimals);
      /** The new aggregator reports the same billing from its own origin: NEXT_BASELINE stands for week 2's end. */
      const nextAnswer = (billed: bigint) => NEXT_BASELINE * SHARE + ((billed - 2n * weekly) * SHARE) / scale;
      let billed = await bill(0n);
      await d.vault.closeEpoch();
      billed = await bill(billed);
      await d.vault.closeEpoch();
      expect(await d.vault.feedHighWater()).toBe(2n * weekly);
      // Week 3: the migration is proposed, and applied after half of it, when the two feeds disagree: the old one
      // is ahead, the new one an hour behind. Neither difference is attested twice or dropped.
      await d.vault.connect(d.renter).payRent(weekly, ethers.id("week 3"));
      await d.vault.connect(d.admin).proposeRevenueFeed(await next.getAddress(), 2 * DAY, NEXT_BASELINE * scale, 0n);
      await increaseTime(3 * DAY);
      await attest(d, billed + weekly / 2n);
      await next.updateAnswer(nextAnswer(billed + weekly / 4n));
      const receipt = await (await d.vault.connect(d.stranger).applyRevenueFeedChange()).wait();
      const changed = receipt!.logs.map((l) => d.vault.interface.parseLog(l)).find((e) => e?.name === "RevenueFeedChanged");
      expect([changed!.args.decimals, changed!.args.baseline, changed!.args.carried]).toEqual([18n, NEXT_BASELINE * scale, 0n]);
      expect((await d.vault.revenueFeed()).decimals).toBe(18n);
      // The old feed's later answers no longer count; the new one reports the rest of week 3 and week 4.
      await attest(d, billed * 100n);
      await increaseTime(4 * DAY);
      billed += weekly;
      await next.updateAnswer(nextAnswer(billed));
      await d.vault.closeEpoch();
      await d.vault.connect(d.renter).payRent(weekly, ethers.id("week 4"));
      await increaseTime(EPOCH);
      billed += weekly;
      await next.updateAnswer(nextAnswer(billed));
      await d.vault.closeEpoch();
      await expectAsIfNothingHappened();
    });

    it("clears what a feed gone bad reported when the admin replaces it, and then attests only real billing", async () => {
      let billed = await bill(0n);
      await d.vault.closeEpoch();
      // The feed reports 100 weeks of billing at once: most of it is carried, closes after it keep attesting it.
      await d.vault.connect(d.renter).payRent(weekly, ethers.id("week 2"));
      await increaseTime(EPOCH);
      await attest(d, 100n * weekly);
      await d.vault.closeEpoch();
      expect(await d.vault.carriedRevenue()).toBeGreaterThan(90n * weekly);
      // The admin replaces it with a sound feed whose baseline stands for the real billing so far, carrying nothing.
      billed += weekly;
      const scale = 10n ** BigInt(stableDecimals);
      await d.vault.connect(d.admin).proposeRevenueFeed(await next.getAddress(), 2 * DAY, NEXT_BASELINE * scale, 0n);
      await increaseTime(3 * DAY);
      await next.updateAnswer(NEXT_BASELINE * SHARE);
      await d.vault.applyRevenueFeedChange();
      expect([await d.vault.carriedRevenue(), await d.vault.feedHighWater()]).toEqual([0n, NEXT_BASELINE * scale]);
      await d.vault.connect(d.renter).payRent(weekly, ethers.id("week 3"));
      await increaseTime(4 * DAY);
      await next.updateAnswer(NEXT_BASELINE * SHARE + (weekly * SHARE) / scale);
      const before = await d.vault.attestedRevenue();
      await d.vault.closeEpoch();
      expect((await d.vault.attestedRevenue()) - before).toBe(weekly);
    });
  });
});

describe("RevenueVault bound on catching up", () => {
  it("grows with missed epochs up to MAX_CATCH_UP_EPOCHS, and carries the rest to later closes", async () => {
    const d = await deployCluster({ maxRevenuePerEpoch: 15_000n * 10n ** 6n });
    const weekly = 10_000n * d.unit;
    const epochs = Number(await d.vault.MAX_CATCH_UP_EPOCHS());
    expect(epochs).toBe(4);
    // Ten weeks of billing, nobody closing: one close attests four epochs' bound, later closes the rest.
    await d.vault.connect(d.renter).payRent(10n * weekly, ethers.id("ten weeks"));
    await increaseTime(10 * EPOCH);
    await attest(d, 10n * weekly);
    await d.vault.closeEpoch();
    expect(await d.vault.attestedRevenue()).toBe(BigInt(epochs) * 15_000n * d.unit);
    expect(await d.vault.carriedRevenue()).toBe(10n * weekly - BigInt(epochs) * 15_000n * d.unit);
    for (let i = 0; i < 3; i++) await closeEpochAt(d, 10n * weekly);
    expect([await d.vault.attestedRevenue(), await d.vault.carriedRevenue(), await d.vault.escrow()]).toEqual([10n * weekly, 0n, 0n]);
  });
});

describe("RevenueVault baseline", () => {
  it("takes a stale feed's last answer as the baseline, so the first epoch's rent is released", async () => {
    const d = await deployCluster({ raise: { price: 1n, softCap: 1_000n, hardCap: 2_000n, duration: 30 * DAY } });
    await d.stable.mint(d.holders[0].address, 2_000n * d.unit);
    await d.stable.connect(d.holders[0]).approve(await d.offering.getAddress(), ethers.MaxUint256);
    await d.offering.connect(d.holders[0]).buy(1_500n * d.unit, d.holders[0].address);
    await attest(d, 900_000n * d.unit); // billed before the cluster earned, and not updated since
    await increaseTime(31 * DAY);
    await d.offering.finalize();
    expect([await d.vault.baselinePending(), await d.vault.feedHighWater()]).toEqual([false, 900_000n * d.unit]);
    await d.vault.connect(d.renter).payRent(100_000n * d.unit, ethers.id("first rent"));
    await closeEpochAt(d, 1_000_000n * d.unit);
    expect([await d.vault.attestedRevenue(), await d.vault.escrow(), await d.vault.shortfall()]).toEqual([100_000n * d.unit, 0n, 0n]);
  });

  it("never attests billing from before the cluster started earning, with or without a raise", async () => {
    const d = await deployCluster();
    const history = 5_000_000n * d.unit;
    const historic = await new MockV3Aggregator__factory(d.admin).deploy(8, toFeedAnswer(history, d.stableDecimals));
    const base = {
      stablecoin: await d.stable.getAddress(), revenueFeed: await historic.getAddress(),
      maxRevenuePerEpoch: 10_000_000n * d.unit,
    };
    // Without a raise the baseline is the feed's answer at launch.
    await d.factory.connect(d.operator).launch(launchParams({
      ...base, initialHolder: d.holders[0].address, initialShares: 1_000n * SHARE, offering: noRaise(),
      nav: navParams({ hardwareCost: 1_000n * d.unit }),
    }));
    const vault = RevenueVault__factory.connect((await d.factory.cluster((await d.factory.clusterCount()) - 1n)).contracts.vault, d.renter);
    expect(await vault.feedHighWater()).toBe(history);
    await d.stable.connect(d.renter).approve(await vault.getAddress(), ethers.MaxUint256);
    await vault.payRent(1_000n * d.unit, ethers.id("first rent"));
    await increaseTime(EPOCH);
    await historic.updateAnswer(toFeedAnswer(history + 1_000n * d.unit, d.stableDecimals));
    await vault.closeEpoch();
    expect(await vault.attestedRevenue()).toBe(1_000n * d.unit);
    expect(await vault.shortfall()).toBe(0n);
    expect(await vault.escrow()).toBe(0n);
  });

  it("takes the baseline when a raise succeeds, and starts epoch 1 then", async () => {
    const d = await deployCluster({ raise: { price: 1n, softCap: 1_000n, hardCap: 2_000n, duration: 30 * DAY } });
    await d.stable.mint(d.holders[0].address, 2_000n * d.unit);
    await d.stable.connect(d.holders[0]).approve(await d.offering.getAddress(), ethers.MaxUint256);
    await d.offering.connect(d.holders[0]).buy(1_500n * d.unit, d.holders[0].address);
    await increaseTime(20 * DAY);
    await attest(d, 900_000n * d.unit); // the operator's billing before the cluster earned
    await increaseTime(11 * DAY);
    await attest(d, 950_000n * d.unit);
    await d.offering.finalize();
    expect(await d.vault.feedHighWater()).toBe(950_000n * d.unit);
    expect(await d.vault.epochStart()).toBe(await latestTimestamp());
    await expectRevert(d.vault.connect(d.stranger).startEarning(), d.vault, "Unauthorized");
    await d.vault.connect(d.renter).payRent(100n * d.unit, ethers.id("first rent"));
    await closeEpochAt(d, 950_100n * d.unit);
    expect(await d.vault.attestedRevenue()).toBe(100n * d.unit);
    expect(await d.vault.shortfall()).toBe(0n);
  });
});
