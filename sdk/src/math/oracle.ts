/**
 * OracleLib's checks on a Chainlink-style read (contracts/libraries/OracleLib.sol `_tryRead`), in the same order,
 * so the SDK can tell before a transaction whether a feed read would pass and what value it yields: the feed's
 * decimals as registered, a complete round not from the future, fresh within the heartbeat, an answer above zero
 * (zero allowed for a cumulative revenue feed), scaled to the stablecoin's decimals rounding down.
 */
import { scaleFeedAnswer } from "./vault";

/** OracleLib `ReadStatus`: why a read was refused, or Ok. */
export type FeedStatus = "Ok" | "DecimalsChanged" | "InvalidTimestamp" | "Stale" | "NonPositive";

/** How the protocol reads a feed: RevenueVault `revenueFeed()` or NavOracle `appraisalFeed()` (OracleLib.Feed). */
export interface RegisteredFeed {
  /** Maximum answer age in seconds (`heartbeat`). */
  heartbeat: bigint;
  /** The decimals snapshot taken when the feed was registered (`decimals`). */
  decimals: number;
}

/** What the feed answers now: its `decimals()` and `latestRoundData()` (`answer`, `updatedAt`). */
export interface FeedRound {
  decimals: number;
  answer: bigint;
  updatedAt: bigint;
}

/** A checked read: the status and, when Ok, the answer in the target decimals. */
export interface FeedReading {
  status: FeedStatus;
  /** Zero unless the status is Ok. */
  value: bigint;
  updatedAt: bigint;
}

/**
 * OracleLib `tryRead` (or `tryReadCumulative` with `zeroAllowed`) at `timestamp`. A feed whose calls revert is
 * the caller's to report (`CallFailed`): this takes the answers it gave.
 */
export function readFeed(
  feed: RegisteredFeed,
  round: FeedRound,
  targetDecimals: number,
  timestamp: bigint,
  zeroAllowed = false,
): FeedReading {
  const refused = (status: FeedStatus): FeedReading => ({ status, value: 0n, updatedAt: round.updatedAt });
  if (round.decimals !== feed.decimals) return refused("DecimalsChanged");
  if (round.updatedAt === 0n || round.updatedAt > timestamp) return refused("InvalidTimestamp");
  if (timestamp - round.updatedAt > feed.heartbeat) return refused("Stale");
  if (round.answer < 0n || (round.answer === 0n && !zeroAllowed)) return refused("NonPositive");
  return { status: "Ok", value: scaleFeedAnswer(round.answer, feed.decimals, targetDecimals), updatedAt: round.updatedAt };
}
