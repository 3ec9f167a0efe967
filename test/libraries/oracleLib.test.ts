import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import fc from "fast-check";
import { ethers, latestTimestamp, setNextTimestamp, snapshot } from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import {
  DecimalsChangingAggregator__factory, FaultyAggregator__factory, MockV3Aggregator__factory, OracleLibHarness__factory,
  type DecimalsChangingAggregator, type FaultyAggregator, type MockV3Aggregator, type OracleLibHarness,
} from "../../sdk/src/types";

/** OracleLib.ReadStatus, in declaration order. */
const Status = { Ok: 0n, CallFailed: 1n, DecimalsChanged: 2n, InvalidTimestamp: 3n, Stale: 4n, NonPositive: 5n } as const;
/** FaultyAggregator.Mode. */
const Mode = { Answer: 0, Revert: 1, ReturnNothing: 2 } as const;

const HEARTBEAT = 3_600n;
const FEED_DECIMALS = 8n;
const GRACE = 3_600n;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

interface Reading { status: bigint; value: bigint; updatedAt: bigint; answer: bigint; actualDecimals: bigint }

const reading = (r: Partial<Reading>): Reading => ({ status: Status.Ok, value: 0n, updatedAt: 0n, answer: 0n, actualDecimals: 0n, ...r });

/** Independent model of a decimal conversion rounding down. */
function modelScale(amount: bigint, from: bigint, to: bigint): bigint {
  return from >= to ? amount / 10n ** (from - to) : amount * 10n ** (to - from);
}

describe("OracleLib", () => {
  let h: OracleLibHarness;
  let agg: MockV3Aggregator;
  let changing: DecimalsChangingAggregator;
  let faulty: FaultyAggregator;
  let sequencer: MockV3Aggregator;
  let aggAddress: string;
  let reset: () => Promise<void>;

  beforeAll(async () => {
    const [admin] = await ethers.getSigners();
    h = await new OracleLibHarness__factory(admin).deploy();
    agg = await new MockV3Aggregator__factory(admin).deploy(FEED_DECIMALS, 100_000_000n);
    changing = await new DecimalsChangingAggregator__factory(admin).deploy(FEED_DECIMALS, 100_000_000n);
    faulty = await new FaultyAggregator__factory(admin).deploy(FEED_DECIMALS, 100_000_000n);
    // Chainlink's L2 sequencer uptime feed: 0 decimals, answers 0 (up) or 1 (down), startedAt = status since.
    sequencer = await new MockV3Aggregator__factory(admin).deploy(0, 0n);
    aggAddress = await agg.getAddress();
    await h.register(aggAddress, HEARTBEAT);
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  /** Makes the next block (and every read after it) happen at `now` + `ahead`; returns that time. */
  async function nextBlockTime(ahead = 100n): Promise<bigint> {
    const time = (await latestTimestamp()) + ahead;
    await setNextTimestamp(time);
    return time;
  }

  /** Publishes (answer, updatedAt) on the plain feed in a block mined at the returned time T; reads happen at T. */
  async function publish(answer: bigint, updatedAt: (now: bigint) => bigint): Promise<{ now: bigint; updatedAt: bigint }> {
    const now = await nextBlockTime();
    const at = updatedAt(now);
    await agg.updateRoundData(7, answer, at, at);
    return { now, updatedAt: at };
  }

  async function tryRead(target: bigint, cumulative = false): Promise<Reading> {
    const [r, now] = cumulative ? await h.tryReadCumulative(target) : await h.tryRead(target);
    expect(now).toBe(await latestTimestamp());
    return { status: r.status, value: r.value, updatedAt: r.updatedAt, answer: r.answer, actualDecimals: r.actualDecimals };
  }

  /** The named error `read` must revert with for a refused reading of the feed at `feed`. */
  function expectedError(r: Reading, feed: string): [string, unknown[]] {
    switch (r.status) {
      case Status.CallFailed: return ["OracleCallFailed", [feed]];
      case Status.DecimalsChanged: return ["OracleDecimalsChanged", [feed, FEED_DECIMALS, r.actualDecimals]];
      case Status.InvalidTimestamp: return ["InvalidOracleTimestamp", [feed, r.updatedAt]];
      case Status.Stale: return ["StaleOracleAnswer", [feed, r.updatedAt, HEARTBEAT]];
      case Status.NonPositive: return ["NonPositiveOracleAnswer", [feed, r.answer]];
      default: throw new Error(`no error for status ${r.status}`);
    }
  }

  /**
   * Checks all four readers of the stored feed at `target` decimals: tryRead reports `plain`, tryReadCumulative
   * `cumulative`, and read / readCumulative return the value or revert with the matching named error.
   */
  async function expectReads(target: bigint, plain: Reading, cumulative: Reading = plain) {
    const feed = (await h.feed()).aggregator;
    expect(await tryRead(target)).toEqual(plain);
    expect(await tryRead(target, true)).toEqual(cumulative);
    for (const [r, fn] of [[plain, "read"], [cumulative, "readCumulative"]] as const) {
      if (r.status === Status.Ok) {
        const [value, updatedAt] = await h[fn](target);
        expect([value, updatedAt]).toEqual([r.value, r.updatedAt]);
      } else {
        const [name, args] = expectedError(r, feed);
        expect(await expectRevert(h[fn](target), h, name)).toEqual(args);
      }
    }
  }

  describe("register", () => {
    it("snapshots the aggregator, heartbeat and decimals", async () => {
      expect(await h.describe(aggAddress, HEARTBEAT)).toEqual([aggAddress, HEARTBEAT, FEED_DECIMALS]);
      expect(await h.describe(aggAddress, 2n ** 32n - 1n)).toEqual([aggAddress, 2n ** 32n - 1n, FEED_DECIMALS]);
      expect(await h.feed()).toEqual([aggAddress, HEARTBEAT, FEED_DECIMALS]);
    });

    it("keeps the registered decimals when the feed changes its own later", async () => {
      const address = await changing.getAddress();
      await h.register(address, HEARTBEAT);
      await changing.setDecimals(18);
      expect(await h.feed()).toEqual([address, HEARTBEAT, FEED_DECIMALS]);
      expect(await h.describe(address, HEARTBEAT)).toEqual([address, HEARTBEAT, 18n]);
    });

    it("refuses the zero address and a zero heartbeat", async () => {
      expect(await expectRevert(h.describe(ethers.ZeroAddress, HEARTBEAT), h, "InvalidFeedConfig")).toEqual([ethers.ZeroAddress]);
      expect(await expectRevert(h.describe(aggAddress, 0), h, "InvalidFeedConfig")).toEqual([aggAddress]);
      expect(await expectRevert(h.register(aggAddress, 0), h, "InvalidFeedConfig")).toEqual([aggAddress]);
    });

    it("accepts 0 to 36 decimals and refuses more", async () => {
      const [admin] = await ethers.getSigners();
      for (const decimals of [0n, 36n]) {
        const feed = await new MockV3Aggregator__factory(admin).deploy(decimals, 1n);
        expect(await h.describe(await feed.getAddress(), HEARTBEAT)).toEqual([await feed.getAddress(), HEARTBEAT, decimals]);
      }
      for (const decimals of [37n, 255n]) {
        const feed = await new MockV3Aggregator__factory(admin).deploy(decimals, 1n);
        expect(await expectRevert(h.describe(await feed.getAddress(), HEARTBEAT), h, "InvalidFeedConfig")).toEqual([await feed.getAddress()]);
      }
    });

    it("refuses a feed whose decimals call reverts (the aggregator's own error comes through)", async () => {
      await faulty.setModes(Mode.Revert, Mode.Answer);
      await expectRevert(h.describe(await faulty.getAddress(), HEARTBEAT), faulty, "AggregatorBroken");
    });
  });

  describe("read, readCumulative, tryRead, tryReadCumulative", () => {
    it("scale a fresh positive answer to the target decimals, rounding down", async () => {
      const { updatedAt } = await publish(123_456_789n, (now) => now - 10n);
      const ok = (value: bigint) => reading({ value, updatedAt, answer: 123_456_789n, actualDecimals: FEED_DECIMALS });
      await expectReads(6n, ok(1_234_567n));
      await expectReads(8n, ok(123_456_789n));
      await expectReads(18n, ok(1_234_567_890_000_000_000n));
      await expectReads(0n, ok(1n));
      await expectReads(36n, ok(123_456_789n * 10n ** 28n));
    });

    it("accept an answer dated this very second", async () => {
      const { now } = await publish(5n, (t) => t);
      await expectReads(8n, reading({ value: 5n, updatedAt: now, answer: 5n, actualDecimals: FEED_DECIMALS }));
    });

    it("treat an answer exactly one heartbeat old as fresh and one second older as stale", async () => {
      const { now, updatedAt } = await publish(42n, (t) => t - HEARTBEAT);
      expect(updatedAt).toBe(now - HEARTBEAT);
      await expectReads(8n, reading({ value: 42n, updatedAt, answer: 42n, actualDecimals: FEED_DECIMALS }));
      await setNextTimestamp(now + 1n);
      await ethers.provider.send("evm_mine", []);
      await expectReads(8n, reading({ status: Status.Stale, updatedAt, answer: 42n, actualDecimals: FEED_DECIMALS }));
    });

    it("refuse a round with no timestamp", async () => {
      await publish(42n, () => 0n);
      await expectReads(8n, reading({ status: Status.InvalidTimestamp, updatedAt: 0n, answer: 42n, actualDecimals: FEED_DECIMALS }));
    });

    it("refuse a round dated in the future", async () => {
      const { now, updatedAt } = await publish(42n, (t) => t + 1n);
      expect(updatedAt).toBe(now + 1n);
      await expectReads(8n, reading({ status: Status.InvalidTimestamp, updatedAt, answer: 42n, actualDecimals: FEED_DECIMALS }));
    });

    it("refuse a negative answer, down to the smallest int256", async () => {
      for (const answer of [-1n, -(2n ** 255n)]) {
        const { updatedAt } = await publish(answer, (t) => t - 1n);
        await expectReads(8n, reading({ status: Status.NonPositive, updatedAt, answer, actualDecimals: FEED_DECIMALS }));
      }
    });

    it("refuse zero for a price but accept it for a cumulative feed", async () => {
      const { updatedAt } = await publish(0n, (t) => t - 1n);
      await expectReads(
        6n,
        reading({ status: Status.NonPositive, updatedAt, answer: 0n, actualDecimals: FEED_DECIMALS }),
        reading({ status: Status.Ok, value: 0n, updatedAt, answer: 0n, actualDecimals: FEED_DECIMALS }),
      );
    });

    it("refuse a feed whose decimals changed since registration", async () => {
      await h.register(await changing.getAddress(), HEARTBEAT);
      await changing.setDecimals(18);
      await expectReads(6n, reading({ status: Status.DecimalsChanged, actualDecimals: 18n }));
      await changing.setDecimals(6);
      await expectReads(6n, reading({ status: Status.DecimalsChanged, actualDecimals: 6n }));
      await changing.setDecimals(Number(FEED_DECIMALS));
      await changing.updateAnswer(250_000_000n);
      const updatedAt = await latestTimestamp();
      await expectReads(6n, reading({ value: 2_500_000n, updatedAt, answer: 250_000_000n, actualDecimals: FEED_DECIMALS }));
    });

    it("report a reverting decimals or latestRoundData call as a failed call", async () => {
      await h.register(await faulty.getAddress(), HEARTBEAT);
      await faulty.updateAnswer(100_000_000n);
      const updatedAt = await latestTimestamp();
      await faulty.setModes(Mode.Revert, Mode.Answer);
      await expectReads(6n, reading({ status: Status.CallFailed }));
      await faulty.setModes(Mode.Answer, Mode.Revert);
      // decimals answered before latestRoundData failed: the reading keeps what it learned.
      await expectReads(6n, reading({ status: Status.CallFailed, actualDecimals: FEED_DECIMALS }));
      await faulty.setModes(Mode.Answer, Mode.Answer);
      await expectReads(6n, reading({ value: 1_000_000n, updatedAt, answer: 100_000_000n, actualDecimals: FEED_DECIMALS }));
    });

    it("report a feed that returns no data (no code, a broken proxy) as a failed call, with the named error", async () => {
      await h.register(await faulty.getAddress(), HEARTBEAT);
      await faulty.setModes(Mode.ReturnNothing, Mode.Answer);
      await expectReads(6n, reading({ status: Status.CallFailed }));
      await faulty.setModes(Mode.Answer, Mode.ReturnNothing);
      await expectReads(6n, reading({ status: Status.CallFailed, actualDecimals: FEED_DECIMALS }));
    });

    it("report the first failed check: decimals, then timestamp, then staleness, then sign", async () => {
      // Stale and negative: stale.
      const { now } = await publish(-5n, (t) => t - HEARTBEAT - 1n);
      await expectReads(8n, reading({ status: Status.Stale, updatedAt: now - HEARTBEAT - 1n, answer: -5n, actualDecimals: FEED_DECIMALS }));
      // No timestamp and negative: invalid timestamp.
      await publish(-5n, () => 0n);
      await expectReads(8n, reading({ status: Status.InvalidTimestamp, answer: -5n, actualDecimals: FEED_DECIMALS }));
      // Decimals changed on a stale, negative round: decimals changed, and the round is not even read.
      await h.register(await changing.getAddress(), HEARTBEAT);
      const changeTime = await nextBlockTime();
      await changing.updateRoundData(3, -5n, changeTime - HEARTBEAT - 1n, 0n);
      await changing.setDecimals(9);
      await expectReads(8n, reading({ status: Status.DecimalsChanged, actualDecimals: 9n }));
    });
  });

  describe("scale", () => {
    it("rounds down when removing decimals and is exact when adding them", async () => {
      expect(await h.scale(1_999n, 3, 0)).toBe(1n);
      expect(await h.scale(999n, 3, 0)).toBe(0n);
      expect(await h.scale(123_456_789n, 8, 6)).toBe(1_234_567n);
      expect(await h.scale(7n, 6, 18)).toBe(7_000_000_000_000n);
      expect(await h.scale(ethers.MaxUint256, 18, 18)).toBe(ethers.MaxUint256);
      expect(await h.scale(ethers.MaxUint256, 36, 0)).toBe(ethers.MaxUint256 / 10n ** 36n);
    });

    it("matches exact integer division for any amount and decimals up to 36", async () => {
      const decimals = fc.bigInt({ min: 0n, max: 36n });
      await fc.assert(
        fc.asyncProperty(fc.bigInt({ min: 0n, max: 2n ** 128n }), decimals, decimals, async (amount, from, to) => {
          expect(await h.scale(amount, from, to)).toBe(modelScale(amount, from, to));
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("checkSequencer", () => {
    /** Sets the uptime feed's status and since-when in a block mined at the returned time. */
    async function sequencerStatus(status: bigint, startedAt: (now: bigint) => bigint): Promise<bigint> {
      const now = await nextBlockTime();
      await sequencer.updateRoundData(9, status, now, startedAt(now));
      return now;
    }

    it("passes without a feed (L1)", async () => {
      expect(await h.checkSequencer(ethers.ZeroAddress, GRACE)).toBe(await latestTimestamp());
    });

    it("refuses a sequencer that is down or reports an unknown status, however long ago", async () => {
      for (const status of [1n, 2n, -1n]) {
        await sequencerStatus(status, (t) => t - 10n * GRACE);
        await expectRevert(h.checkSequencer(await sequencer.getAddress(), GRACE), h, "SequencerDown");
      }
    });

    it("refuses a sequencer that is up but not yet past its grace period, or with no start time", async () => {
      const feed = await sequencer.getAddress();
      let now = await sequencerStatus(0n, () => 0n);
      expect(await expectRevert(h.checkSequencer(feed, GRACE), h, "SequencerGracePeriodNotOver")).toEqual([0n, GRACE]);
      now = await sequencerStatus(0n, (t) => t);
      expect(await expectRevert(h.checkSequencer(feed, GRACE), h, "SequencerGracePeriodNotOver")).toEqual([now, GRACE]);
      now = await sequencerStatus(0n, (t) => t - 10n);
      expect(await expectRevert(h.checkSequencer(feed, GRACE), h, "SequencerGracePeriodNotOver")).toEqual([now - 10n, GRACE]);
    });

    it("passes one second after the grace period, not at its last second", async () => {
      const feed = await sequencer.getAddress();
      const now = await sequencerStatus(0n, (t) => t - GRACE);
      expect(await expectRevert(h.checkSequencer(feed, GRACE), h, "SequencerGracePeriodNotOver")).toEqual([now - GRACE, GRACE]);
      await setNextTimestamp(now + 1n);
      await ethers.provider.send("evm_mine", []);
      expect(await h.checkSequencer(feed, GRACE)).toBe(now + 1n);
      // Zero grace: up since the previous second is enough, up since this second is not.
      expect(await h.checkSequencer(feed, 0n)).toBe(now + 1n);
      const later = await sequencerStatus(0n, (t) => t);
      expect(await expectRevert(h.checkSequencer(feed, 0n), h, "SequencerGracePeriodNotOver")).toEqual([later, 0n]);
      await sequencerStatus(0n, (t) => t - 1n);
      expect(await h.checkSequencer(feed, 0n)).toBe(await latestTimestamp());
    });

    it("refuses an up status dated in the future", async () => {
      await sequencerStatus(0n, (t) => t + 1n);
      await expect(h.checkSequencer(await sequencer.getAddress(), GRACE)).rejects.toThrow();
    });
  });
});
