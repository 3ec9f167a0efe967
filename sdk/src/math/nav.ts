/**
 * The NAV oracle's maths (contracts/oracles/NavOracle.sol): the depreciation schedule, the choice between the
 * appraisal and the schedule, and the NAV breakdown per share (book value rounded down, entry value rounded up).
 */
import { BPS, WAD } from "./constants";
import { ceilDiv, max } from "./bigint";
import type { FeedReading } from "./oracle";

/** The depreciation schedule: the NavOracle `schedule()` view. */
export interface DepreciationSchedule {
  /** Purchase cost in stablecoin units (`schedule().cost`): the raise's net proceeds. */
  cost: bigint;
  /** Unix seconds depreciation started (`schedule().start`); zero until the hardware is acquired. */
  start: bigint;
  /** Seconds to the salvage value (`schedule().usefulLife`). */
  usefulLife: bigint;
  /** The schedule's floor, in basis points of the cost (`schedule().salvageBps`). */
  salvageBps: bigint;
  /** How far an appraisal may stray from the schedule and still be believed (`schedule().maxDeviationBps`). */
  maxDeviationBps: bigint;
}

/**
 * NavOracle `scheduledValue()` at `timestamp`: the cost falling in a straight line to the salvage value over the
 * useful life, then flat; rounded down. Null before the hardware is acquired (the view reverts HardwareNotAcquired).
 */
export function depreciatedValue(schedule: DepreciationSchedule, timestamp: bigint): bigint | null {
  if (schedule.start === 0n) return null;
  const salvage = (schedule.cost * schedule.salvageBps) / BPS;
  const elapsed = timestamp - schedule.start;
  if (elapsed >= schedule.usefulLife) return salvage;
  return salvage + ((schedule.cost - salvage) * (schedule.usefulLife - elapsed)) / schedule.usefulLife;
}

/** NavOracle `hardwareValue()`: the hardware's value, when it was observed and whether the appraisal was used. */
export interface HardwareValue {
  value: bigint;
  observedAt: bigint;
  appraised: boolean;
}

/**
 * NavOracle `hardwareValue()` at `timestamp`: the appraisal when its read passed OracleLib's checks, it lies within
 * `maxDeviationBps` of the schedule and is no older than the last published round; else the schedule.
 * @param appraisal {@link readFeed} of the appraisal feed at `timestamp` in the stablecoin's decimals; null when
 *        the oracle has no appraisal feed (`appraisalFeed().aggregator` zero) or the feed's calls fail.
 * @param lastRoundUpdatedAt `latestRoundData().updatedAt` of the NAV oracle, zero before its first round.
 * @returns Null before the hardware is acquired.
 */
export function hardwareValueAt(
  schedule: DepreciationSchedule,
  appraisal: FeedReading | null,
  lastRoundUpdatedAt: bigint,
  timestamp: bigint,
): HardwareValue | null {
  const value = depreciatedValue(schedule, timestamp);
  if (value === null) return null;
  const scheduled = { value, observedAt: timestamp, appraised: false };
  if (appraisal === null || appraisal.status !== "Ok") return scheduled;
  const band = (value * schedule.maxDeviationBps) / BPS;
  if (appraisal.value + band < value || appraisal.value > value + band) return scheduled;
  if (appraisal.updatedAt < lastRoundUpdatedAt) return scheduled;
  return { value: appraisal.value, observedAt: appraisal.updatedAt, appraised: true };
}

/** What one NAV is made of (the inputs of NavOracle `breakdown()`). */
export interface NavInputs {
  /** Stablecoin units: {@link hardwareValueAt} or the oracle's `hardwareValue()` view. */
  hardwareValue: bigint;
  /** The redemption reserve: RevenueVault `reserve()`. */
  reserve: bigint;
  /** Reserve slice of the release a close would make now: RevenueVault `pendingRelease().toReserve`. */
  pendingReserve: bigint;
  /** Holders' slice of that release: RevenueVault `pendingRelease().toHolders`. */
  pendingToHolders: bigint;
  /** Stablecoin still to stream: ClusterShareToken `unstreamed()` ({@link unstreamedAt}). */
  unstreamed: bigint;
  /** ClusterShareToken `totalSupply()`; must not be zero (the view reverts NoSharesOutstanding). */
  totalSupply: bigint;
  /** ClusterShareToken `eligibleSupply()`. */
  eligibleSupply: bigint;
}

/** The NAV's figures as NavOracle `breakdown()` returns them. */
export interface NavBreakdown {
  /** Book value per whole share, stablecoin units, rounded down: the published answer and the redemption price. */
  navPerShare: bigint;
  /** Book value plus streaming rent per earning share, rounded up: the issuance price before premium. */
  entryPerShare: bigint;
  /** Hardware + reserve + pending reserve. */
  bookValue: bigint;
  /** Rent still to stream to earning shares, the pending release's holder slice included. */
  streaming: bigint;
}

/** NavOracle `breakdown()`: book value and entry value per share from their components. */
export function navBreakdown(inputs: NavInputs): NavBreakdown {
  const bookValue = inputs.hardwareValue + inputs.reserve + inputs.pendingReserve;
  const streaming = inputs.unstreamed + inputs.pendingToHolders;
  return {
    navPerShare: (bookValue * WAD) / inputs.totalSupply,
    // With nothing earning, a buyer would earn the whole carried stream: price it as if one share earned it.
    entryPerShare:
      ceilDiv(bookValue * WAD, inputs.totalSupply) + ceilDiv(streaming * WAD, max(inputs.eligibleSupply, WAD)),
    bookValue,
    streaming,
  };
}

/** NAV per whole share (NavOracle `breakdown().navPerShare`), stablecoin units, rounded down. */
export function navPerShare(inputs: NavInputs): bigint {
  return navBreakdown(inputs).navPerShare;
}

/** What `shares` are worth at `navPerShareValue` (stablecoin units per whole share), rounded down. */
export function valueAtNav(shares: bigint, navPerShareValue: bigint): bigint {
  return (shares * navPerShareValue) / WAD;
}
