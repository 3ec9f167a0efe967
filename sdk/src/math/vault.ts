/**
 * The revenue vault's epoch close (contracts/core/RevenueVault.sol `_computeRelease`): what is newly attested
 * (bounded per epoch, the rest carried), what escrow can release (shortfall included), and its split into the
 * protocol fee, the operator fee, the reserve slice and the holders' stream. Fees and reserve round down, so the
 * holders' remainder takes the dust.
 */
import { BPS, MAX_CATCH_UP_EPOCHS } from "./constants";
import { max, min } from "./bigint";

/** The vault's state a close reads, all from RevenueVault public views unless noted. */
export interface EpochCloseInputs {
  /** The revenue feed's cumulative answer scaled to stablecoin units ({@link scaleFeedAnswer} of `latestRoundData()`). */
  reported: bigint;
  /** `feedHighWater()`. */
  feedHighWater: bigint;
  /** `baselinePending()`: the feed's first answer is taken as baseline, so nothing is new yet. */
  baselinePending: boolean;
  /** `carriedRevenue()`: attested billing above an earlier close's bound. */
  carriedRevenue: bigint;
  /** `shortfall()`: billed but unpaid so far. */
  shortfall: bigint;
  /** `escrow()`: rent paid and not yet released. */
  escrow: bigint;
  /** `epochStart()`, Unix seconds. */
  epochStart: bigint;
  /** `config().epochLength`, seconds. */
  epochLength: bigint;
  /** `config().maxRevenuePerEpoch`, stablecoin units. */
  maxRevenuePerEpoch: bigint;
  /** `config().operatorFeeBps`. */
  operatorFeeBps: bigint;
  /** `config().reserveBps`. */
  reserveBps: bigint;
  /** The factory's `protocolFee()` basis points (ClusterFactory, through IClusterRoles). */
  protocolFeeBps: bigint;
}

/** RevenueVault `previewClose()`'s Release: one close's figures. */
export interface EpochCloseSplit {
  reported: bigint;
  /** The feed's high-water mark after the close. */
  highWater: bigint;
  /** Reported billing left for later closes. */
  carried: bigint;
  newlyAttested: bigint;
  /** What leaves escrow: min(newly attested + shortfall, escrow). */
  released: bigint;
  toHolders: bigint;
  protocolFee: bigint;
  operatorFee: bigint;
  toReserve: bigint;
}

/** OracleLib `scale`: a feed answer from its decimals to the stablecoin's (down-scaling rounds down). */
export function scaleFeedAnswer(amount: bigint, fromDecimals: number, toDecimals: number): bigint {
  if (fromDecimals === toDecimals) return amount;
  if (fromDecimals > toDecimals) return amount / 10n ** BigInt(fromDecimals - toDecimals);
  return amount * 10n ** BigInt(toDecimals - fromDecimals);
}

/**
 * RevenueVault `previewClose()` at `timestamp` (without its checks: the epoch has ended, the cluster is active,
 * the sequencer is up and the feed answers): the attestation bound, the carried revenue and the split.
 */
export function splitEpochClose(inputs: EpochCloseInputs, timestamp: bigint): EpochCloseSplit {
  let fresh = 0n;
  let highWater = inputs.feedHighWater;
  // A baseline still pending is taken now; below the high-water mark the feed was corrected and nothing is new.
  if (inputs.baselinePending || inputs.reported > inputs.feedHighWater) {
    fresh = inputs.baselinePending ? 0n : inputs.reported - inputs.feedHighWater;
    highWater = inputs.reported;
  }
  const due = inputs.carriedRevenue + fresh;
  const elapsed = min(max(timestamp - inputs.epochStart, inputs.epochLength), MAX_CATCH_UP_EPOCHS * inputs.epochLength);
  const bound = (inputs.maxRevenuePerEpoch * elapsed) / inputs.epochLength;
  const newlyAttested = min(due, bound);
  const released = min(newlyAttested + inputs.shortfall, inputs.escrow);
  const protocolFee = (released * inputs.protocolFeeBps) / BPS;
  const operatorFee = (released * inputs.operatorFeeBps) / BPS;
  const toReserve = (released * inputs.reserveBps) / BPS;
  return {
    reported: inputs.reported,
    highWater,
    carried: due - newlyAttested,
    newlyAttested,
    released,
    toHolders: released - protocolFee - operatorFee - toReserve,
    protocolFee,
    operatorFee,
    toReserve,
  };
}

/**
 * RevenueVault `pendingRelease()` at `timestamp`: the reserve and holder slices a close would make now (zero with
 * nothing in escrow); the NAV oracle counts them.
 */
export function pendingRelease(inputs: EpochCloseInputs, timestamp: bigint): { toReserve: bigint; toHolders: bigint } {
  if (inputs.escrow === 0n) return { toReserve: 0n, toHolders: 0n };
  const { toReserve, toHolders } = splitEpochClose(inputs, timestamp);
  return { toReserve, toHolders };
}

/** RevenueVault `epochEnd()`: when the current epoch may be closed. */
export function epochEnd(epochStart: bigint, epochLength: bigint): bigint {
  return epochStart + epochLength;
}
