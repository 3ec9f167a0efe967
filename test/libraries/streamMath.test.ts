import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { ethers } from "../helpers/fixtures";
import { StreamMathHarness__factory, type StreamMathHarness } from "../../sdk/src/types";

/**
 * StreamMath against an exact model: the accumulator as a rational number (numerator / denominator), what a holder
 * is owed as a rational number of stablecoin units, and the packed layout written out bit by bit.
 */
const MIN_ELIGIBLE = 10n ** 18n;
const RATE_SCALE = 10n ** 12n;
const MAX_REWARD_PER_TOKEN = (1n << 104n) - 1n;
const STOPPED = (1n << 88n) - 1n;
const MAX_TIME = (1n << 32n) - 1n;
const SHARE = 10n ** 18n;
/** 1e9 shares, the supply the design's precision requirement is stated for. */
const BILLION_SHARES = 10n ** 9n * SHARE;
const MAX_BALANCE = (1n << 96n) - 1n;
const USDC_SCALE = 10n ** 30n; // scale(6)
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const SEQUENCE_RUNS = Number(process.env.PROPERTY_RUNS_STREAM ?? 60);

// ------------------------------------------------------------------ exact rationals

/** A non-negative or negative rational n / d with d > 0. */
interface Q { n: bigint; d: bigint }
const gcd = (a: bigint, b: bigint): bigint => { a = a < 0n ? -a : a; while (b) [a, b] = [b, a % b]; return a; };
function q(n: bigint, d = 1n): Q {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
const add = (a: Q, b: Q) => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q) => q(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Q, b: Q) => q(a.n * b.n, a.d * b.d);
/** a < b */
const lt = (a: Q, b: Q) => a.n * b.d < b.n * a.d;
const le = (a: Q, b: Q) => a.n * b.d <= b.n * a.d;
const floorQ = (a: Q) => (a.n >= 0n ? a.n / a.d : -((-a.n + a.d - 1n) / a.d));
const ceilQ = (a: Q) => -floorQ(q(-a.n, a.d));

// ------------------------------------------------------------------ the model

interface Stream { rewardPerToken: bigint; toFinish: bigint; lastUpdate: bigint; periodFinish: bigint }

const scaleOf = (decimals: number) => 10n ** BigInt(36 - decimals);

function modelPack(s: Stream): bigint {
  return s.rewardPerToken | (s.toFinish << 104n) | (s.lastUpdate << 192n) | (s.periodFinish << 224n);
}

function modelUnpack(word: bigint): Stream {
  return {
    rewardPerToken: word & ((1n << 104n) - 1n),
    toFinish: (word >> 104n) & ((1n << 88n) - 1n),
    lastUpdate: (word >> 192n) & MAX_TIME,
    periodFinish: word >> 224n,
  };
}

/** The accumulator at `time`, exactly: linear from lastUpdate to periodFinish, flat before and after, flat if stopped. */
function exactRewardPerTokenAt(s: Stream, time: bigint): Q {
  const end = time < s.periodFinish ? time : s.periodFinish;
  if (end <= s.lastUpdate || s.toFinish === STOPPED) return q(s.rewardPerToken);
  return add(q(s.rewardPerToken), q(s.toFinish * (end - s.lastUpdate), s.periodFinish - s.lastUpdate));
}

/** What the accumulator gains over `remaining` seconds, exactly floored; STOPPED below MIN_ELIGIBLE or past its width. */
function modelGainToFinish(scaledRate: bigint, remaining: bigint, eligible: bigint, accScale: bigint): bigint {
  if (remaining === 0n || scaledRate === 0n) return 0n;
  if (eligible < MIN_ELIGIBLE) return STOPPED;
  // scaledRate / RATE_SCALE stablecoin units per second, accScale accumulator units per unit and share base unit.
  const gain = floorQ(q(scaledRate * remaining * accScale, RATE_SCALE * eligible));
  return gain < STOPPED ? gain : STOPPED;
}

function modelCheckpoint(s: Stream, time: bigint, scaledRate: bigint, eligible: bigint, accScale: bigint) {
  const end = time < s.periodFinish ? time : s.periodFinish;
  let { rewardPerToken, lastUpdate } = s;
  let scaledUnstreamed = 0n;
  if (end > lastUpdate) {
    if (s.toFinish === STOPPED) scaledUnstreamed = scaledRate * (end - lastUpdate);
    rewardPerToken = floorQ(exactRewardPerTokenAt(s, end));
    lastUpdate = end;
  }
  const moved: Stream = {
    rewardPerToken,
    toFinish: modelGainToFinish(scaledRate, s.periodFinish - lastUpdate, eligible, accScale),
    lastUpdate,
    periodFinish: s.periodFinish,
  };
  return { moved, scaledUnstreamed };
}

// ------------------------------------------------------------------ arbitraries

const bits = (n: bigint) => fc.bigInt({ min: 0n, max: (1n << n) - 1n });
const withBounds = (arb: fc.Arbitrary<bigint>, ...edges: bigint[]) => fc.oneof(arb, fc.constantFrom(...edges));
const rewardPerTokens = withBounds(bits(104n), 0n, 1n, MAX_REWARD_PER_TOKEN - 1n, MAX_REWARD_PER_TOKEN);
const toFinishes = withBounds(bits(88n), 0n, 1n, STOPPED - 1n, STOPPED);
const times = withBounds(bits(32n), 0n, 1n, MAX_TIME - 1n, MAX_TIME);
/** A stream the share token can hold: lastUpdate <= periodFinish and rewardPerToken + toFinish within 104 bits. */
const streams = fc
  .tuple(rewardPerTokens, toFinishes, times, times)
  .map(([rewardPerToken, toFinish, a, b]): Stream => ({
    rewardPerToken: toFinish === STOPPED || rewardPerToken + toFinish <= MAX_REWARD_PER_TOKEN
      ? rewardPerToken : MAX_REWARD_PER_TOKEN - toFinish,
    toFinish,
    lastUpdate: a < b ? a : b,
    periodFinish: a < b ? b : a,
  }));
/** A time around a stream: before it, at its ends, inside it, after it. */
const timeAround = (s: Stream) =>
  fc.oneof(
    fc.constantFrom(s.lastUpdate, s.periodFinish, s.periodFinish + 1n, s.lastUpdate > 0n ? s.lastUpdate - 1n : 0n),
    fc.bigInt({ min: s.lastUpdate, max: s.periodFinish }),
    fc.bigInt({ min: 0n, max: MAX_TIME }),
  );
const eligibles = fc.oneof(
  fc.bigInt({ min: 0n, max: MIN_ELIGIBLE - 1n }),
  fc.constantFrom(MIN_ELIGIBLE - 1n, MIN_ELIGIBLE, BILLION_SHARES, MAX_BALANCE),
  fc.bigInt({ min: MIN_ELIGIBLE, max: BILLION_SHARES }),
);
const decimalsArb = fc.integer({ min: 6, max: 18 });
/** Scaled rates of streams paying up to 1e16 stablecoin units over a period of up to 4e6 seconds. */
const scaledRates = fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 10n ** 28n }), fc.bigInt({ min: 1n, max: 10n ** 12n }));

describe("StreamMath", () => {
  let h: StreamMathHarness;

  beforeAll(async () => {
    const [admin] = await ethers.getSigners();
    h = await new StreamMathHarness__factory(admin).deploy();
  });

  async function unpack(word: bigint): Promise<Stream> {
    const [rewardPerToken, toFinish, lastUpdate, periodFinish] = await h.unpackStream(word);
    return { rewardPerToken, toFinish, lastUpdate, periodFinish };
  }
  const pack = (s: Stream) => h.packStream(s.rewardPerToken, s.toFinish, s.lastUpdate, s.periodFinish);
  async function rewardPerTokenAt(s: Stream, time: bigint) {
    const [down, up] = await h.rewardPerTokenAt(modelPack(s), time);
    return { down, up };
  }
  async function checkpoint(s: Stream, time: bigint, scaledRate: bigint, eligible: bigint, accScale: bigint) {
    const [moved, scaledUnstreamed] = await h.checkpoint(modelPack(s), time, scaledRate, eligible, accScale);
    return { moved: await unpack(moved), scaledUnstreamed };
  }
  async function fold(scaled: bigint, newBalance: bigint, accumulator: bigint) {
    const [paid, ok] = await h.fold(scaled, newBalance, accumulator);
    return { paid, ok };
  }

  describe("constants and scale", () => {
    it("has the documented constants", async () => {
      expect(await h.MIN_ELIGIBLE()).toBe(MIN_ELIGIBLE);
      expect(await h.RATE_SCALE()).toBe(RATE_SCALE);
      expect(await h.MAX_REWARD_PER_TOKEN()).toBe(MAX_REWARD_PER_TOKEN);
      expect(await h.STOPPED()).toBe(STOPPED);
    });

    it("scales the accumulator to 10^(36 - decimals) for 6 to 18 decimals", async () => {
      for (let decimals = 6; decimals <= 18; decimals++) {
        expect(await h.scale(decimals)).toBe(10n ** BigInt(36 - decimals));
      }
      expect(await h.scale(6)).toBe(USDC_SCALE);
      expect(await h.scale(18)).toBe(10n ** 18n);
      expect(await h.scale(0)).toBe(10n ** 36n);
      expect(await h.scale(36)).toBe(1n);
      await expect(h.scale(37)).rejects.toThrow();
    });
  });

  describe("packed stream", () => {
    it("lays the fields out as rewardPerToken | toFinish << 104 | lastUpdate << 192 | periodFinish << 224", async () => {
      const zero: Stream = { rewardPerToken: 0n, toFinish: 0n, lastUpdate: 0n, periodFinish: 0n };
      expect(await pack(zero)).toBe(0n);
      expect(await pack({ ...zero, rewardPerToken: MAX_REWARD_PER_TOKEN })).toBe((1n << 104n) - 1n);
      expect(await pack({ ...zero, toFinish: STOPPED })).toBe(((1n << 88n) - 1n) << 104n);
      expect(await pack({ ...zero, lastUpdate: MAX_TIME })).toBe(MAX_TIME << 192n);
      expect(await pack({ ...zero, periodFinish: MAX_TIME })).toBe(MAX_TIME << 224n);
      const full = { rewardPerToken: MAX_REWARD_PER_TOKEN, toFinish: STOPPED, lastUpdate: MAX_TIME, periodFinish: MAX_TIME };
      expect(await pack(full)).toBe(ethers.MaxUint256);
      expect(await unpack(ethers.MaxUint256)).toEqual(full);
      // Each field alone at its maximum reads back without bleeding into its neighbours.
      for (const field of Object.keys(full) as (keyof Stream)[]) {
        const one = { ...zero, [field]: full[field] };
        expect(await unpack(await pack(one))).toEqual(one);
      }
    });

    it("round-trips every field over its whole width", async () => {
      await fc.assert(
        fc.asyncProperty(rewardPerTokens, toFinishes, times, times, async (rewardPerToken, toFinish, lastUpdate, periodFinish) => {
          const s = { rewardPerToken, toFinish, lastUpdate, periodFinish };
          const word = await pack(s);
          expect(word).toBe(modelPack(s));
          expect(await unpack(word)).toEqual(s);
        }),
        { numRuns: RUNS },
      );
    });

    it("reads the right bits of any word", async () => {
      await fc.assert(
        fc.asyncProperty(fc.bigInt({ min: 0n, max: ethers.MaxUint256 }), async (word) => {
          expect(await unpack(word)).toEqual(modelUnpack(word));
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("rewardPerTokenAt", () => {
    const s: Stream = { rewardPerToken: 1_000n, toFinish: 10n, lastUpdate: 1_000n, periodFinish: 1_003n };

    it("is flat before and at lastUpdate, and flat at rewardPerToken + toFinish from periodFinish on", async () => {
      expect(await rewardPerTokenAt(s, 0n)).toEqual({ down: 1_000n, up: 1_000n });
      expect(await rewardPerTokenAt(s, 999n)).toEqual({ down: 1_000n, up: 1_000n });
      expect(await rewardPerTokenAt(s, 1_000n)).toEqual({ down: 1_000n, up: 1_000n });
      for (const time of [1_003n, 1_004n, MAX_TIME, 2n ** 64n]) {
        expect(await rewardPerTokenAt(s, time)).toEqual({ down: 1_010n, up: 1_010n });
      }
    });

    it("interpolates inside the period, rounding down and up by exactly one when inexact", async () => {
      // 10 over 3 seconds: 3.33.., 6.66.., then exactly 10.
      expect(await rewardPerTokenAt(s, 1_001n)).toEqual({ down: 1_003n, up: 1_004n });
      expect(await rewardPerTokenAt(s, 1_002n)).toEqual({ down: 1_006n, up: 1_007n });
      // Exact interpolation: no rounding up.
      const even = { ...s, toFinish: 9n };
      expect(await rewardPerTokenAt(even, 1_001n)).toEqual({ down: 1_003n, up: 1_003n });
    });

    it("does not move a stopped stream, nor one without time left", async () => {
      expect(await rewardPerTokenAt({ ...s, toFinish: STOPPED }, 1_002n)).toEqual({ down: 1_000n, up: 1_000n });
      expect(await rewardPerTokenAt({ ...s, toFinish: STOPPED }, 5_000n)).toEqual({ down: 1_000n, up: 1_000n });
      const over = { ...s, lastUpdate: 1_003n };
      expect(await rewardPerTokenAt(over, 2_000n)).toEqual({ down: 1_000n, up: 1_000n });
    });

    it("reaches MAX_REWARD_PER_TOKEN at the end of a full stream without overflowing", async () => {
      const full = { rewardPerToken: MAX_REWARD_PER_TOKEN - (STOPPED - 1n), toFinish: STOPPED - 1n, lastUpdate: 0n, periodFinish: MAX_TIME };
      expect(await rewardPerTokenAt(full, MAX_TIME)).toEqual({ down: MAX_REWARD_PER_TOKEN, up: MAX_REWARD_PER_TOKEN });
      const exact = exactRewardPerTokenAt(full, MAX_TIME - 1n);
      expect(await rewardPerTokenAt(full, MAX_TIME - 1n)).toEqual({ down: floorQ(exact), up: ceilQ(exact) });
    });

    it("is the floor and the ceiling of the exact accumulator at any time", async () => {
      await fc.assert(
        fc.asyncProperty(streams.chain((s) => fc.tuple(fc.constant(s), timeAround(s))), async ([stream, time]) => {
          const exact = exactRewardPerTokenAt(stream, time);
          const { down, up } = await rewardPerTokenAt(stream, time);
          expect(down).toBe(floorQ(exact));
          expect(up).toBe(ceilQ(exact));
          expect(up - down).toBeLessThanOrEqual(1n);
          expect(le(q(down), exact) && le(exact, q(up))).toBe(true);
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("gainToFinish", () => {
    it("is zero without time or rate, whatever the supply", async () => {
      expect(await h.gainToFinish(0n, 1_000n, 0n, USDC_SCALE)).toBe(0n);
      expect(await h.gainToFinish(1_000n, 0n, 0n, USDC_SCALE)).toBe(0n);
      expect(await h.gainToFinish(0n, 0n, MIN_ELIGIBLE, USDC_SCALE)).toBe(0n);
    });

    it("stops below one whole share of eligible supply and runs from it", async () => {
      expect(await h.gainToFinish(RATE_SCALE, 100n, 0n, USDC_SCALE)).toBe(STOPPED);
      expect(await h.gainToFinish(RATE_SCALE, 100n, MIN_ELIGIBLE - 1n, USDC_SCALE)).toBe(STOPPED);
      // One unit per second for 100 s over exactly one share: 100 units per share = 100 * 1e30 / 1e18 per base unit.
      expect(await h.gainToFinish(RATE_SCALE, 100n, MIN_ELIGIBLE, USDC_SCALE)).toBe(100n * 10n ** 12n);
      expect(await h.gainToFinish(RATE_SCALE, 100n, MIN_ELIGIBLE, 10n ** 18n)).toBe(100n);
    });

    it("rounds down", async () => {
      // 1e-12 units per second for 1 s over 3 shares at 18 decimals: 1e6 / 3e18 per base unit -> 0.
      expect(await h.gainToFinish(1n, 1n, 3n * SHARE, 10n ** 18n)).toBe(0n);
      // 7 units over 3 shares at 6 decimals: 7e30 / 3e18 = 2_333_333_333_333.33...
      expect(await h.gainToFinish(7n * RATE_SCALE, 1n, 3n * SHARE, USDC_SCALE)).toBe(2_333_333_333_333n);
    });

    it("marks a gain that does not fit 88 bits as STOPPED", async () => {
      // At 6 decimals over one share the gain is scaledRate * remaining * 1e18 / 1e18 = scaledRate * remaining.
      expect(await h.gainToFinish(STOPPED - 1n, 1n, MIN_ELIGIBLE, USDC_SCALE)).toBe(STOPPED - 1n);
      expect(await h.gainToFinish(STOPPED, 1n, MIN_ELIGIBLE, USDC_SCALE)).toBe(STOPPED);
      expect(await h.gainToFinish(STOPPED + 1n, 1n, MIN_ELIGIBLE, USDC_SCALE)).toBe(STOPPED);
      expect(await h.gainToFinish(2n ** 136n - 1n, MAX_TIME, MIN_ELIGIBLE, USDC_SCALE)).toBe(STOPPED);
    });

    it("is the exact gain rounded down for any rate, time, supply and decimals", async () => {
      await fc.assert(
        fc.asyncProperty(scaledRates, times, eligibles, decimalsArb, async (rate, remaining, eligible, decimals) => {
          expect(await h.gainToFinish(rate, remaining, eligible, scaleOf(decimals)))
            .toBe(modelGainToFinish(rate, remaining, eligible, scaleOf(decimals)));
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("checkpoint", () => {
    const RATE = 3n * RATE_SCALE; // 3 units per second
    const start = 1_700_000_000n;
    const finish = start + 1_000n;
    const stopped: Stream = { rewardPerToken: 555n, toFinish: STOPPED, lastUpdate: start, periodFinish: finish };

    it("carries the reward of seconds stopped below MIN_ELIGIBLE and restarts at the new supply", async () => {
      expect(await h.gainToFinish(RATE, 1_000n, MIN_ELIGIBLE - 1n, USDC_SCALE)).toBe(STOPPED);
      const { moved, scaledUnstreamed } = await checkpoint(stopped, start + 100n, RATE, 2n * MIN_ELIGIBLE, USDC_SCALE);
      expect(scaledUnstreamed).toBe(RATE * 100n);
      // 3 units/s for the 900 s left over 2 shares: 1350 units per share.
      expect(moved).toEqual({ rewardPerToken: 555n, toFinish: 1_350n * 10n ** 12n, lastUpdate: start + 100n, periodFinish: finish });
    });

    it("keeps carrying while the supply stays below MIN_ELIGIBLE, and carries nothing for a running stream", async () => {
      const again = await checkpoint(stopped, start + 250n, RATE, MIN_ELIGIBLE - 1n, USDC_SCALE);
      expect(again).toEqual({ moved: { ...stopped, lastUpdate: start + 250n }, scaledUnstreamed: RATE * 250n });
      const running = { ...stopped, toFinish: 3_000n };
      const moved = await checkpoint(running, start + 250n, RATE, MIN_ELIGIBLE - 1n, USDC_SCALE);
      expect(moved).toEqual({
        moved: { rewardPerToken: 555n + 750n, toFinish: STOPPED, lastUpdate: start + 250n, periodFinish: finish },
        scaledUnstreamed: 0n,
      });
    });

    it("stops at periodFinish: carries only the stopped seconds inside the period and leaves nothing to gain", async () => {
      const { moved, scaledUnstreamed } = await checkpoint(stopped, finish + 5_000n, RATE, 0n, USDC_SCALE);
      expect(scaledUnstreamed).toBe(RATE * 1_000n);
      // No time left: zero gain, not STOPPED, even with no eligible supply.
      expect(moved).toEqual({ rewardPerToken: 555n, toFinish: 0n, lastUpdate: finish, periodFinish: finish });
      const running = { ...stopped, toFinish: 3_000n };
      expect(await checkpoint(running, finish + 1n, RATE, BILLION_SHARES, USDC_SCALE)).toEqual({
        moved: { rewardPerToken: 3_555n, toFinish: 0n, lastUpdate: finish, periodFinish: finish }, scaledUnstreamed: 0n,
      });
    });

    it("does not move a stream to a time before its lastUpdate, but re-derives its gain for the new supply", async () => {
      const running = { ...stopped, toFinish: 3_000n };
      expect(await checkpoint(running, start - 1n, RATE, 4n * MIN_ELIGIBLE, USDC_SCALE)).toEqual({
        moved: { ...running, toFinish: 750n * 10n ** 12n }, scaledUnstreamed: 0n,
      });
    });

    it("matches the model for any stream, time, rate, supply and decimals", async () => {
      await fc.assert(
        fc.asyncProperty(
          streams.chain((s) => fc.tuple(fc.constant(s), timeAround(s))),
          scaledRates, eligibles, decimalsArb,
          async ([stream, time], rate, eligible, decimals) => {
            // The share token's streams hold lastUpdate < 2^32; times come from block.timestamp.
            expect(await checkpoint(stream, time, rate, eligible, scaleOf(decimals)))
              .toEqual(modelCheckpoint(stream, time, rate, eligible, scaleOf(decimals)));
          },
        ),
        { numRuns: RUNS },
      );
    });
  });

  describe("scaledEarned and fold", () => {
    const balances = withBounds(fc.bigInt({ min: 0n, max: MAX_BALANCE }), 0n, 1n, MAX_BALANCE);
    /** The checkpoint range fold produces: from -MAX_REWARD_PER_TOKEN up to the accumulator's ceiling. */
    const paids = withBounds(
      fc.bigInt({ min: -MAX_REWARD_PER_TOKEN, max: MAX_REWARD_PER_TOKEN }), -MAX_REWARD_PER_TOKEN, -1n, 0n, 1n, MAX_REWARD_PER_TOKEN,
    );

    it("earns balance * (accumulator - paid), and nothing when the checkpoint is at or past the accumulator", async () => {
      expect(await h.scaledEarned(7n, 10n, 15n)).toBe(35n);
      expect(await h.scaledEarned(7n, -10n, 15n)).toBe(175n);
      expect(await h.scaledEarned(7n, 15n, 15n)).toBe(0n);
      expect(await h.scaledEarned(7n, 16n, 15n)).toBe(0n);
      expect(await h.scaledEarned(0n, -10n, 15n)).toBe(0n);
      // The largest product the share token can form: fits, exactly.
      expect(await h.scaledEarned(MAX_BALANCE, -MAX_REWARD_PER_TOKEN, MAX_REWARD_PER_TOKEN))
        .toBe(MAX_BALANCE * 2n * MAX_REWARD_PER_TOKEN);
    });

    it("matches the model for any balance, checkpoint and accumulator", async () => {
      await fc.assert(
        fc.asyncProperty(balances, paids, rewardPerTokens, async (balance, paid, accumulator) => {
          const delta = accumulator - paid;
          expect(await h.scaledEarned(balance, paid, accumulator)).toBe(delta > 0n ? balance * delta : 0n);
        }),
        { numRuns: RUNS },
      );
    });

    it("folds nothing into the accumulator itself, even onto a zero balance", async () => {
      expect(await fold(0n, 0n, 123n)).toEqual({ paid: 123n, ok: true });
      expect(await fold(0n, 5n, MAX_REWARD_PER_TOKEN)).toEqual({ paid: MAX_REWARD_PER_TOKEN, ok: true });
    });

    it("cannot fold earnings onto a zero balance, nor more than MAX_REWARD_PER_TOKEN per share", async () => {
      expect(await fold(1n, 0n, 123n)).toEqual({ paid: 0n, ok: false });
      // Owed per share exactly at the ceiling still fits (paid goes negative), one more does not.
      expect(await fold(MAX_REWARD_PER_TOKEN * 3n + 2n, 3n, 10n)).toEqual({ paid: 10n - MAX_REWARD_PER_TOKEN, ok: true });
      expect(await fold((MAX_REWARD_PER_TOKEN + 1n) * 3n, 3n, 10n)).toEqual({ paid: 0n, ok: false });
    });

    it("keeps what was earned, floored to a multiple of the new balance", async () => {
      // 100 earned onto 7 shares: 14 per share, 98 kept, 2 lost (less than one per share base unit).
      const { paid, ok } = await fold(100n, 7n, 50n);
      expect({ paid, ok }).toEqual({ paid: 36n, ok: true });
      expect(await h.scaledEarned(7n, paid, 50n)).toBe(98n);
    });

    it("matches the model, and loses less than the new balance in accumulator units", async () => {
      const scaleds = fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 1n << 201n }), fc.bigInt({ min: 1n, max: 1n << 64n }));
      await fc.assert(
        fc.asyncProperty(scaleds, balances, rewardPerTokens, async (scaled, newBalance, accumulator) => {
          const owed = newBalance === 0n ? 0n : scaled / newBalance;
          const expected = scaled === 0n ? { paid: accumulator, ok: true }
            : newBalance === 0n || owed > MAX_REWARD_PER_TOKEN ? { paid: 0n, ok: false }
            : { paid: accumulator - owed, ok: true };
          const folded = await fold(scaled, newBalance, accumulator);
          expect(folded).toEqual(expected);
          if (folded.ok && scaled > 0n) {
            const kept = await h.scaledEarned(newBalance, folded.paid, accumulator);
            expect(kept).toBeLessThanOrEqual(scaled);
            expect(scaled - kept).toBeLessThan(newBalance);
          }
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("precision (6-decimal stablecoin, up to 1e9 shares)", () => {
    const holderBalances = fc.oneof(
      fc.bigInt({ min: 0n, max: BILLION_SHARES }),
      fc.bigInt({ min: 0n, max: 10n * SHARE }),
      fc.constantFrom(0n, 1n, SHARE, BILLION_SHARES),
    );

    it("a fold then the earliest claim loses at most one unit, and never pays more than was earned", async () => {
      await fc.assert(
        fc.asyncProperty(
          holderBalances, holderBalances, fc.bigInt({ min: 0n, max: 1n << 100n }), fc.bigInt({ min: 0n, max: 1n << 100n }),
          fc.boolean(),
          async (balance, newBalance, paidOffset, down, roundedUp) => {
            const paid = down - paidOffset; // a checkpoint at or below the accumulator, possibly negative
            const up = roundedUp ? down + 1n : down;
            const scaled = await h.scaledEarned(balance, paid, down);
            expect(scaled).toBe(balance * paidOffset);
            const before = scaled / USDC_SCALE; // what a claim instead of the transfer would have paid
            const folded = await fold(scaled, newBalance, up);
            // The share token spills what does not fold into a separate balance, in whole units.
            const after = folded.ok ? (await h.scaledEarned(newBalance, folded.paid, up)) / USDC_SCALE : scaled / USDC_SCALE;
            expect(after).toBeLessThanOrEqual(before);
            expect(before - after).toBeLessThanOrEqual(1n);
          },
        ),
        { numRuns: RUNS },
      );
    });

    it("loses one whole unit in the worst case, a hair more than one unit of the exact amount", async () => {
      // A sole holder of 1e9 shares less one base unit; 5.000000000001 units stream in one second.
      const eligible = BILLION_SHARES - 1n;
      const rate = 5n * RATE_SCALE + 1n;
      const s: Stream = {
        rewardPerToken: 0n, toFinish: await h.gainToFinish(rate, 1n, eligible, USDC_SCALE), lastUpdate: 1_000n, periodFinish: 1_001n,
      };
      expect(s.toFinish).toBe(5_000n); // 5000.000000001... floored
      const { down } = await rewardPerTokenAt(s, 1_001n);
      const paid = (await h.scaledEarned(eligible, 0n, down)) / USDC_SCALE;
      const exact = q(rate * eligible * USDC_SCALE, RATE_SCALE * eligible * USDC_SCALE); // 5.000000000001 units
      expect(paid).toBe(4n);
      expect(floorQ(exact) - paid).toBe(1n);
      // The NatSpec's "< 1e-6 stablecoin per checkpoint" holds in whole units, not against the exact rational amount.
      expect(lt(q(1n), sub(exact, q(paid)))).toBe(true);
    });

    /**
     * The global accumulator over a sequence of checkpoints with changing eligible supply (mints and burns): each step
     * floors twice (the period's gain, then the interpolation), so it trails the exact accumulator by less than 2 per
     * running step and never runs ahead; the reward of stopped seconds is carried exactly.
     */
    it("the accumulator trails the exact one by less than 2 per global step and carries stopped seconds exactly", async () => {
      const steps = fc.array(fc.record({ dt: fc.bigInt({ min: 0n, max: 2_000_000n }), eligible: eligibles }), { minLength: 1, maxLength: 8 });
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 1n, max: 10n ** 16n }), fc.bigInt({ min: 1n, max: 4_000_000n }), eligibles, steps,
          fc.constantFrom(6, 18),
          async (amount, duration, eligible0, path, decimals) => {
            const accScale = scaleOf(decimals);
            const rate = (amount * RATE_SCALE) / duration;
            const start = 1_700_000_000n;
            const finish = start + duration;
            let s: Stream = {
              rewardPerToken: 0n, toFinish: await h.gainToFinish(rate, duration, eligible0, accScale), lastUpdate: start, periodFinish: finish,
            };
            let exact = q(0n);
            let floorModel = 0n;
            let carried = 0n;
            let modelCarried = 0n;
            let runningSteps = 0n;
            let [time, eligible, segmentStart] = [start, eligible0, start];
            for (const step of path) {
              time += step.dt;
              const end = time < finish ? time : finish;
              const gain = modelGainToFinish(rate, finish - segmentStart, eligible, accScale);
              if (end > segmentStart) {
                if (gain === STOPPED) modelCarried += rate * (end - segmentStart);
                else {
                  // Exactly: rate / RATE_SCALE units per second split over `eligible`, accScale per unit and base unit.
                  exact = add(exact, q(rate * (end - segmentStart) * accScale, RATE_SCALE * eligible));
                  floorModel += (gain * (end - segmentStart)) / (finish - segmentStart);
                  runningSteps++;
                }
                segmentStart = end;
              }
              const moved = await checkpoint(s, time, rate, step.eligible, accScale);
              s = moved.moved;
              carried += moved.scaledUnstreamed;
              eligible = step.eligible;
              expect(s.rewardPerToken).toBe(floorModel);
              expect(le(q(s.rewardPerToken), exact)).toBe(true);
              expect(lt(sub(exact, q(s.rewardPerToken)), q(2n * runningSteps + (runningSteps === 0n ? 1n : 0n)))).toBe(true);
              expect(carried).toBe(modelCarried);
              expect(s.lastUpdate).toBe(segmentStart);
            }
          },
        ),
        { numRuns: RUNS },
      );
    });

    /**
     * One holder through a random life: transfers with other earners (eligible supply unchanged, no global write:
     * twist 3), mints and burns (global checkpoint), other holders' mints and burns, claims and new reward periods.
     * The test drives the library exactly as the share token does (re-checkpoint = scaledEarned at the accumulator
     * rounded down, fold at the accumulator rounded up, spill whole units when the fold does not fit; claim at down,
     * checkpoint at up) and compares with the exact rational amount the holder earned second by second.
     */
    it("a holder never gets more than earned and loses less than one unit per checkpoint", async () => {
      type Event =
        | { kind: "transfer"; dt: bigint; balance: bigint }
        | { kind: "mint"; dt: bigint; balance: bigint }
        | { kind: "others"; dt: bigint; others: bigint }
        | { kind: "claim"; dt: bigint }
        | { kind: "notify"; dt: bigint; amount: bigint; duration: bigint };
      const dt = fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 100n }), fc.bigInt({ min: 1n, max: 800_000n }));
      const event: fc.Arbitrary<Event> = fc.oneof(
        { weight: 4, arbitrary: fc.record({ kind: fc.constant("transfer" as const), dt, balance: holderBalances }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant("mint" as const), dt, balance: holderBalances }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant("others" as const), dt, others: holderBalances }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant("claim" as const), dt }) },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant("notify" as const), dt, amount: fc.bigInt({ min: 0n, max: 10n ** 15n }),
            duration: fc.bigInt({ min: 1n, max: 1_209_600n }),
          }),
        },
      );
      await fc.assert(
        fc.asyncProperty(
          holderBalances, holderBalances, fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 1_209_600n }),
          fc.bigInt({ min: 0n, max: 1n << 100n }), fc.array(event, { minLength: 1, maxLength: 10 }),
          async (balance0, others0, amount0, duration0, rewardPerToken0, events) => {
            const accScale = USDC_SCALE;
            const clampOthers = (others: bigint, own: bigint) => (own + others > BILLION_SHARES ? BILLION_SHARES - own : others);
            // Exact model state.
            let time = 1_700_000_000n;
            let rate = (amount0 * RATE_SCALE) / duration0;
            let finish = time + duration0;
            let segmentStart = time; // start of the exact model's current piece
            let lastGlobal = time; // the library stream's lastUpdate, which decides whether it runs
            let balance = balance0;
            let others = clampOthers(others0, balance0);
            let exactAcc = q(0n);
            let exactOwed = q(0n); // stablecoin units, exactly
            let slack = 0n; // sum over holder intervals of balance * (2 * global steps + 4), accumulator units
            let intervalSteps = 0n;
            let wholeUnitFloors = 1n; // the final reading floors once
            let checkpoints = 1n;
            // Library state, as the share token holds it.
            let s: Stream = {
              rewardPerToken: rewardPerToken0, toFinish: await h.gainToFinish(rate, duration0, balance + others, accScale),
              lastUpdate: time, periodFinish: finish,
            };
            let paid = rewardPerToken0;
            let accrued = 0n;
            let claimed = 0n;

            /** Moves the exact model to `to` at the current supply. */
            const advance = (to: bigint) => {
              const end = to < finish ? to : finish;
              if (end <= segmentStart) return;
              const eligible = balance + others;
              if (modelGainToFinish(rate, finish - lastGlobal, eligible, accScale) !== STOPPED) {
                const gain = q(rate * (end - segmentStart) * accScale, RATE_SCALE * eligible);
                exactAcc = add(exactAcc, gain);
                exactOwed = add(exactOwed, mul(gain, q(balance, accScale)));
              }
              segmentStart = end;
            };
            /** A global checkpoint to `eligible` from now on (the library's, and one more step in the model). */
            const globalCheckpoint = async (eligible: bigint) => {
              const moved = await checkpoint(s, time, rate, eligible, accScale);
              s = moved.moved;
              const end = time < finish ? time : finish;
              if (end > lastGlobal) lastGlobal = end;
              expect(s.lastUpdate).toBe(lastGlobal);
              intervalSteps++;
            };
            /** Closes the holder's interval (its checkpoint moves) and opens the next one. */
            const closeInterval = () => {
              slack += balance * (2n * intervalSteps + 4n);
              intervalSteps = 0n;
              checkpoints++;
            };
            /** The share token's `_reCheckpoint` to `newBalance`. */
            const reCheckpoint = async (newBalance: bigint) => {
              const { down, up } = await rewardPerTokenAt(s, time);
              const scaled = await h.scaledEarned(balance, paid, down);
              const folded = await fold(scaled, newBalance, up);
              if (folded.ok) paid = folded.paid;
              else {
                accrued += scaled / accScale;
                wholeUnitFloors++;
                paid = up;
              }
              closeInterval();
              balance = newBalance;
            };

            for (const e of events) {
              time += e.dt;
              advance(time);
              if (e.kind === "transfer") {
                // Between two earners: the counterparty has (or takes) the difference, eligible supply is unchanged.
                const total = balance + others;
                const next = e.balance > total ? total : e.balance;
                await reCheckpoint(next);
                others = total - next;
              } else if (e.kind === "mint") {
                await reCheckpoint(e.balance);
                others = clampOthers(others, e.balance);
                await globalCheckpoint(balance + others);
              } else if (e.kind === "others") {
                others = clampOthers(e.others, balance);
                await globalCheckpoint(balance + others);
              } else if (e.kind === "claim") {
                const { down, up } = await rewardPerTokenAt(s, time);
                const amount = (await h.scaledEarned(balance, paid, down)) / accScale;
                if (amount > 0n) { // the share token reverts NothingToClaim otherwise
                  claimed += amount;
                  wholeUnitFloors++;
                  paid = up;
                  closeInterval();
                }
              } else {
                // notifyReward: bring the stream to now, then a new period at the new rate from now.
                await globalCheckpoint(balance + others);
                rate = (e.amount * RATE_SCALE) / e.duration;
                finish = time + e.duration;
                segmentStart = time;
                lastGlobal = time;
                s = {
                  rewardPerToken: s.rewardPerToken, toFinish: await h.gainToFinish(rate, e.duration, balance + others, accScale),
                  lastUpdate: time, periodFinish: finish,
                };
              }
            }
            time += 1n;
            advance(time);
            const { down } = await rewardPerTokenAt(s, time);
            const total = claimed + accrued + (await h.scaledEarned(balance, paid, down)) / accScale;
            slack += balance * (2n * intervalSteps + 4n);

            // Never more than earned.
            expect(le(q(total), exactOwed)).toBe(true);
            const lost = sub(exactOwed, q(total));
            // The bound the NatSpec derives: under a unit per whole-unit floor (claims, spills, the final reading),
            // plus a few accumulator units per global step, each worth balance / 1e30 units.
            expect(lt(lost, add(q(wholeUnitFloors), q(slack, accScale)))).toBe(true);
            // The design's requirement, in the whole units a holder can be paid: at most one per checkpoint.
            expect(floorQ(exactOwed) - total).toBeLessThanOrEqual(wholeUnitFloors);
            expect(wholeUnitFloors).toBeLessThanOrEqual(checkpoints);
          },
        ),
        { numRuns: SEQUENCE_RUNS },
      );
    });
  });
});
