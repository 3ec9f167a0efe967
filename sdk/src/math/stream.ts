/**
 * The share token's yield stream (contracts/libraries/StreamMath.sol, ClusterShareToken `earned`, `unstreamed`):
 * a Synthetix-style accumulator, interpolated linearly to the period's end. Given the state at one block, these
 * functions answer for any later timestamp at which no transaction has touched the token, so a page can show
 * yield ticking every second without a call. Every rounding is the contract's, so the answers equal the views to
 * the unit.
 */
import { ACCOUNT_EXCLUDED, ACCOUNT_HAS_ACCRUED, MIN_ELIGIBLE, RATE_SCALE, STOPPED } from "./constants";
import { bitsOf, signedBitsOf } from "./bigint";

/**
 * The token's stream at the last checkpoint: the PackedStream word of ClusterShareToken's `_stream` storage slot
 * (see {@link unpackStream}; {@link SHARE_TOKEN_SLOTS}.stream) together with the views around it.
 */
export interface StreamState {
  /** The accumulator at `lastUpdate`, 1e-36 stablecoin per share base unit (`_stream`, bits 0–103). */
  rewardPerToken: bigint;
  /** What the accumulator gains from `lastUpdate` to `periodFinish` at today's eligible supply, or STOPPED (`_stream`, bits 104–191). */
  toFinish: bigint;
  /** Unix seconds of the last global checkpoint (`_stream`, bits 192–223). */
  lastUpdate: bigint;
  /** Unix seconds when the period ends: the `periodFinish()` view (`_stream`, bits 224–255). */
  periodFinish: bigint;
  /** Stablecoin units per second times 1e12: the `scaledRewardRate()` view. */
  scaledRate: bigint;
  /** Shares that earn: the `eligibleSupply()` view. */
  eligibleSupply: bigint;
  /** Reward carried to the next period, times 1e12: the `scaledUndistributed()` view. */
  scaledUndistributed: bigint;
  /** 10^(36 − stablecoin decimals): the `accumulatorScale()` view. */
  accumulatorScale: bigint;
}

/** The four fields of a PackedStream word (`rewardPerToken | toFinish << 104 | lastUpdate << 192 | periodFinish << 224`). */
export type PackedStreamFields = Pick<StreamState, "rewardPerToken" | "toFinish" | "lastUpdate" | "periodFinish">;

/** Decodes ClusterShareToken's `_stream` storage word (StreamMath's PackedStream getters). */
export function unpackStream(word: bigint): PackedStreamFields {
  return {
    rewardPerToken: bitsOf(word, 0, 104),
    toFinish: bitsOf(word, 104, 88),
    lastUpdate: bitsOf(word, 192, 32),
    periodFinish: word >> 224n,
  };
}

/** One holder's account in the share token. */
export interface ShareAccount {
  /** Share base units: the `balanceOf(account)` view (`_accounts[account]`, bits 0–95). */
  balance: bigint;
  /** The yield checkpoint, signed (`_accounts[account]`, bits 96–247, two's complement). */
  paid: bigint;
  /** Whether the account earns nothing: the `isExcluded(account)` view (`_accounts[account]` flag 1). */
  excluded: boolean;
  /** Earnings kept apart from the checkpoint: `_accrued[account]` when flag 2 is set, otherwise zero. */
  accrued: bigint;
}

/**
 * Decodes ClusterShareToken's `_accounts[account]` storage word (PackedAccountLib) with the account's
 * `_accrued[account]` word, which only counts when the word's HAS_ACCRUED flag is set.
 */
export function unpackAccount(word: bigint, accruedWord: bigint): ShareAccount {
  const flags = word >> 248n;
  return {
    balance: bitsOf(word, 0, 96),
    paid: signedBitsOf(word, 96, 152),
    excluded: (flags & ACCOUNT_EXCLUDED) !== 0n,
    accrued: (flags & ACCOUNT_HAS_ACCRUED) !== 0n ? accruedWord : 0n,
  };
}

/**
 * StreamMath `rewardPerTokenAt`: the accumulator at `time`, rounded down (for what was earned) and up (for
 * checkpoints).
 */
export function rewardPerTokenAt(stream: PackedStreamFields, time: bigint): { down: bigint; up: bigint } {
  const end = time < stream.periodFinish ? time : stream.periodFinish;
  const start = stream.lastUpdate;
  if (end <= start || stream.toFinish === STOPPED) return { down: stream.rewardPerToken, up: stream.rewardPerToken };
  const gained = stream.toFinish * (end - start);
  const duration = stream.periodFinish - start;
  const down = stream.rewardPerToken + gained / duration;
  return { down, up: gained % duration === 0n ? down : down + 1n };
}

/** StreamMath `scaledEarned`: accumulator units earned by `balance` since checkpoint `paid` (never negative). */
export function scaledEarned(balance: bigint, paid: bigint, accumulator: bigint): bigint {
  const delta = accumulator - paid;
  return delta > 0n ? balance * delta : 0n;
}

/**
 * ClusterShareToken `earned(account)` at `timestamp`: the account's kept-apart earnings plus what its balance has
 * earned on the stream since its checkpoint, in stablecoin units, rounded down. Equal to the view at any block
 * whose timestamp is `timestamp`, as long as no transaction touched the token since `stream` was read.
 */
export function earnedAt(position: ShareAccount, stream: StreamState, timestamp: bigint): bigint {
  if (position.excluded) return position.accrued;
  const { down } = rewardPerTokenAt(stream, timestamp);
  return position.accrued + scaledEarned(position.balance, position.paid, down) / stream.accumulatorScale;
}

/**
 * StreamMath `gainToFinish`: what the accumulator gains over `remaining` seconds at `scaledRate` split over
 * `eligible` shares, or STOPPED when the stream cannot run at that supply.
 */
export function gainToFinish(scaledRate: bigint, remaining: bigint, eligible: bigint, accumulatorScale: bigint): bigint {
  if (remaining === 0n || scaledRate === 0n) return 0n;
  if (eligible < MIN_ELIGIBLE) return STOPPED;
  const gain = (scaledRate * remaining * (accumulatorScale / RATE_SCALE)) / eligible;
  return gain < STOPPED ? gain : STOPPED;
}

/**
 * StreamMath `checkpoint`: the stream moved to `time` (capped at the period's end) with `toFinish` re-derived for
 * `eligible`, and the reward of the seconds it was stopped (times 1e12), which the token carries over.
 */
export function checkpointStream(
  stream: PackedStreamFields,
  time: bigint,
  scaledRate: bigint,
  eligible: bigint,
  accumulatorScale: bigint,
): { moved: PackedStreamFields; scaledUnstreamed: bigint } {
  const finish = stream.periodFinish;
  let start = stream.lastUpdate;
  const end = time < finish ? time : finish;
  let accumulator = stream.rewardPerToken;
  let scaledUnstreamed = 0n;
  if (end > start) {
    if (stream.toFinish === STOPPED) scaledUnstreamed = scaledRate * (end - start);
    accumulator = rewardPerTokenAt(stream, end).down;
    start = end;
  }
  return {
    moved: {
      rewardPerToken: accumulator,
      toFinish: gainToFinish(scaledRate, finish - start, eligible, accumulatorScale),
      lastUpdate: start,
      periodFinish: finish,
    },
    scaledUnstreamed,
  };
}

/**
 * ClusterShareToken `unstreamed()` at `timestamp`: stablecoin the token holds that no holder has earned yet (the
 * rest of the period plus what was carried), rounded down. It counts in the NAV oracle's `streaming`.
 */
export function unstreamedAt(stream: StreamState, timestamp: bigint): bigint {
  const { scaledUnstreamed } = checkpointStream(
    stream,
    timestamp,
    stream.scaledRate,
    stream.eligibleSupply,
    stream.accumulatorScale,
  );
  const scaledAhead = timestamp < stream.periodFinish ? stream.scaledRate * (stream.periodFinish - timestamp) : 0n;
  return (stream.scaledUndistributed + scaledUnstreamed + scaledAhead) / RATE_SCALE;
}
