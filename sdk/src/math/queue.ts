/**
 * The redemption queue's era maths (contracts/redemption/RedemptionQueue.sol). Requests made in one vault epoch
 * share an era; a unit of an era is one share until its first settlement; a settlement fills the head era (then
 * the matured one) at NAV minus the redemption fee, pro rata when the reserve is short, and records per era how
 * many shares remain per unit and how much stablecoin each unit has been paid. A position's pending and claimable
 * amounts follow from those two accumulators and the position's own checkpoint.
 */
import { ASSETS_PER_UNIT_SCALE, BPS, REMAINING_SCALE, WAD } from "./constants";
import { bitsOf, min, mulDivUp } from "./bigint";

/** A controller's request: RedemptionQueue `_positionWords[controller]` ({@link unpackPosition}). */
export interface RedemptionPosition {
  /** The era (the ERC-7540 requestId) the request joined. */
  era: bigint;
  /** The request's units in its era; zero when there is no open request. */
  units: bigint;
  /** Shares pending at the position's last sync. */
  pendingAtSync: bigint;
  /** The era's assets-per-unit accumulator when the position last synced: `_paidPerUnit[controller]` when the word's hasPaid bit is set, otherwise zero. */
  paidPerUnit: bigint;
}

/** Decodes `_positionWords[controller]` (`era | units << 32 | pendingAtSync << 128 | hasPaid << 224`) with `_paidPerUnit[controller]`. */
export function unpackPosition(word: bigint, paidPerUnitWord: bigint): RedemptionPosition {
  return {
    era: bitsOf(word, 0, 32),
    units: bitsOf(word, 32, 96),
    pendingAtSync: bitsOf(word, 128, 96),
    paidPerUnit: word >> 224n !== 0n ? paidPerUnitWord : 0n,
  };
}

/** Filled shares and their stablecoin waiting for `redeem`: `_claimableWords[controller]` (`shares | assets << 96`). */
export interface ClaimableBalance {
  shares: bigint;
  assets: bigint;
}

/** Decodes `_claimableWords[controller]`. */
export function unpackClaimable(word: bigint): ClaimableBalance {
  return { shares: bitsOf(word, 0, 96), assets: word >> 96n };
}

/** One era's settlement record: RedemptionQueue `eraOf(id)`, or its storage words decoded by {@link unpackEra}. */
export interface EraState {
  /** The era's id. */
  id: bigint;
  /** Units of all its requests (`eraOf().units`). */
  units: bigint;
  /** Shares in escrow for it (`eraOf().pending`). */
  pending: bigint;
  /** Stablecoin paid per unit, times 1e36 (`eraOf().assetsPerUnit`). */
  assetsPerUnit: bigint;
  /** Pending shares per unit times 2^96 (`eraOf().remainingPerUnit`: 2^96 before a settlement, 0 once finished). */
  remainingPerUnit: bigint;
  /** The matured era it merged into, or 0 (`eraOf().aliasOf`). */
  aliasOf: bigint;
  /** A settlement filled part of it (`eraOf().settled`). */
  settled: boolean;
  /** It was filled completely (`eraOf().finished`). */
  finished: boolean;
}

const SETTLED_BIT = 254n;
const FINISHED_BIT = 255n;

/**
 * Decodes an era's words: `_settlementOf[id]` (`assetsPerUnit | alias << 216 | SETTLED | FINISHED`),
 * `_eraSharesWords[id]` (`units | pending << 96`) and `_remainingPerUnit[id]`, as `eraOf(id)` reports them.
 */
export function unpackEra(id: bigint, settlementWord: bigint, sharesWord: bigint, remainingWord: bigint): EraState {
  const settled = ((settlementWord >> SETTLED_BIT) & 1n) === 1n;
  const finished = ((settlementWord >> FINISHED_BIT) & 1n) === 1n;
  return {
    id,
    units: bitsOf(sharesWord, 0, 96),
    pending: bitsOf(sharesWord, 96, 96),
    assetsPerUnit: bitsOf(settlementWord, 0, 216),
    remainingPerUnit: finished ? 0n : settled ? remainingWord : REMAINING_SCALE,
    aliasOf: bitsOf(settlementWord, 216, 32),
    settled,
    finished,
  };
}

/** A position measured against its era's settlements: RedemptionQueue `_progress`. */
export interface PositionProgress {
  /** Shares still waiting. */
  pendingNow: bigint;
  /** Shares filled since the last sync. */
  filled: bigint;
  /** Stablecoin for them. */
  gained: bigint;
}

/**
 * RedemptionQueue `_progress`: what settlements did to `position` since its last sync.
 * @param era The position's era resolved through its alias: `eraOf(position.era)`, or `eraOf(aliasOf)` when that is non-zero.
 */
export function positionProgress(position: RedemptionPosition, era: EraState): PositionProgress {
  if (!era.settled) return { pendingNow: position.pendingAtSync, filled: 0n, gained: 0n };
  const pendingNow = era.finished ? 0n : (position.units * era.remainingPerUnit) / REMAINING_SCALE;
  return {
    pendingNow,
    filled: position.pendingAtSync - pendingNow,
    gained: (position.units * (era.assetsPerUnit - position.paidPerUnit)) / ASSETS_PER_UNIT_SCALE,
  };
}

/** RedemptionQueue `pendingRedeemRequest(requestId, controller)`: shares still waiting in the request. */
export function pendingShares(position: RedemptionPosition, era: EraState, requestId: bigint): bigint {
  if (position.era !== requestId || position.units === 0n) return 0n;
  return positionProgress(position, era).pendingNow;
}

/** RedemptionQueue `claimable(controller)`: filled shares and their stablecoin, ready for `redeem`. */
export function claimable(position: RedemptionPosition, stored: ClaimableBalance, era: EraState): ClaimableBalance {
  if (position.units === 0n) return stored;
  const progress = positionProgress(position, era);
  return { shares: stored.shares + progress.filled, assets: stored.assets + progress.gained };
}

/** RedemptionQueue `redeem(shares)`: stablecoin paid for `shares` of `available` (all of it for the last share). */
export function redeemAssets(available: ClaimableBalance, shares: bigint): bigint {
  return shares === available.shares ? available.assets : (available.assets * shares) / available.shares;
}

/** The queue's head: RedemptionQueue `queueState().q` ({@link unpackQueue} of the `_queueWord` slot). */
export interface QueueState {
  freshEra: bigint;
  freshEpoch: bigint;
  epochEndsAt: bigint;
  maturedEra: bigint;
  headEra: bigint;
}

/** Decodes `_queueWord` (`freshEra | freshEpoch << 32 | epochEndsAt << 64 | maturedEra << 104 | headEra << 136`). */
export function unpackQueue(word: bigint): QueueState {
  return {
    freshEra: bitsOf(word, 0, 32),
    freshEpoch: bitsOf(word, 32, 32),
    epochEndsAt: bitsOf(word, 64, 40),
    maturedEra: bitsOf(word, 104, 32),
    headEra: bitsOf(word, 136, 32),
  };
}

/** Everything `previewSettle()` reads. */
export interface SettlementInputs {
  queue: QueueState;
  /** `eraOf(queue.headEra)`, null when headEra is 0. */
  head: EraState | null;
  /** `eraOf(queue.maturedEra)`, null when maturedEra is 0. */
  matured: EraState | null;
  /** Share tokens the queue holds in escrow: ClusterShareToken `balanceOf(queue)`. */
  escrowedShares: bigint;
  /** RevenueVault `currentEpoch()`. */
  currentEpoch: bigint;
  /** `settings().lastSettledEpoch`. */
  lastSettledEpoch: bigint;
  /** `settings().redemptionFeeBps`. */
  redemptionFeeBps: bigint;
  /** NavOracle `quote().navPerShare`. */
  navPerShare: bigint;
  /** RevenueVault `reserve()`. */
  reserve: bigint;
  /** ClusterShareToken `paused()`. */
  paused: boolean;
}

/** One era's part of a settlement (RedemptionQueue `Fill`). */
export interface EraFill {
  era: bigint;
  shares: bigint;
  assets: bigint;
  /** The era is filled completely. */
  full: boolean;
  pendingAfter: bigint;
  /** The era's accumulators after the fill (remainingPerUnit 0 when full). */
  assetsPerUnit: bigint;
  remainingPerUnit: bigint;
}

/** A settlement's fill, as `previewSettle()` returns it with its parts, or the error `settle()` would revert with. */
export type SettlementFill =
  | {
      ok: true;
      sharesFilled: bigint;
      assets: bigint;
      navPerShare: bigint;
      /** NAV minus the redemption fee, per whole share. */
      price: bigint;
      fills: EraFill[];
      /** The fresh era that matures into the queue first, with its shares (null if none). */
      maturation: { era: bigint; into: bigint; shares: bigint } | null;
    }
  | { ok: false; error: "EnforcedPause" | "SettlementNotDue" | "NothingToSettle" | "ZeroRedemptionPrice" | "ReserveTooSmall" };

/** RedemptionQueue `_price`: the redemption price per whole share, NAV minus the fee, rounded down. */
export function redemptionPrice(navPerShareValue: bigint, redemptionFeeBps: bigint): bigint {
  return (navPerShareValue * (BPS - redemptionFeeBps)) / BPS;
}

interface EraTotals {
  units: bigint;
  pending: bigint;
}

/** RedemptionQueue `_fill`: how much of an era `available` stablecoin fills at `price`. */
function fillEra(era: EraState, totals: EraTotals, available: bigint, price: bigint): EraFill | null {
  const full = available >= mulDivUp(totals.pending, price, WAD);
  const shares = full ? totals.pending : (available * WAD) / price;
  if (shares === 0n) return null;
  const assets = (shares * price) / WAD;
  const pendingAfter = totals.pending - shares;
  return {
    era: era.id,
    shares,
    assets,
    full,
    pendingAfter,
    assetsPerUnit: era.assetsPerUnit + (assets * ASSETS_PER_UNIT_SCALE) / totals.units,
    // Never up (an unsettled era's remainingPerUnit is 2^96): a request's pending shares only shrink, so what it was shown as filled stays filled.
    remainingPerUnit: full ? 0n : min(era.remainingPerUnit, (pendingAfter * REMAINING_SCALE) / totals.units),
  };
}

/** An era with no record yet (the fresh era): untouched, unsettled. */
function untouchedEra(id: bigint): EraState {
  return {
    id,
    units: 0n,
    pending: 0n,
    assetsPerUnit: 0n,
    remainingPerUnit: REMAINING_SCALE,
    aliasOf: 0n,
    settled: false,
    finished: false,
  };
}

/**
 * RedemptionQueue `previewSettle()` (`_planSettlement`): the fresh era matures if its epoch was closed, then the
 * head era is filled from the reserve at NAV minus the fee, and, if it fills completely, the matured era next.
 */
export function settlementFill(inputs: SettlementInputs): SettlementFill {
  if (inputs.paused) return { ok: false, error: "EnforcedPause" };
  if (inputs.currentEpoch <= inputs.lastSettledEpoch) return { ok: false, error: "SettlementNotDue" };
  const q = { ...inputs.queue };
  const eras = new Map<bigint, EraState>();
  for (const era of [inputs.head, inputs.matured]) if (era) eras.set(era.id, era);
  const pendingOf = (id: bigint): bigint => (id === 0n ? 0n : (eras.get(id)?.pending ?? 0n));

  // `_rolled`: requests of a closed epoch mature, merging into the matured era if one waits.
  let maturation: { era: bigint; into: bigint; shares: bigint } | null = null;
  if (inputs.currentEpoch > q.freshEpoch) {
    const shares = inputs.escrowedShares - pendingOf(q.maturedEra) - pendingOf(q.headEra);
    if (shares !== 0n) {
      maturation = { era: q.freshEra, into: q.maturedEra === 0n ? q.freshEra : q.maturedEra, shares };
      q.maturedEra = maturation.into;
      q.freshEra += 1n;
    }
  }
  if (q.headEra === 0n) [q.headEra, q.maturedEra] = [q.maturedEra, 0n];
  if (q.headEra === 0n) return { ok: false, error: "NothingToSettle" };
  const price = redemptionPrice(inputs.navPerShare, inputs.redemptionFeeBps);
  if (price === 0n) return { ok: false, error: "ZeroRedemptionPrice" };

  // `_sharesAfter`: an era's totals with the maturing shares added to the era they merge into.
  const totalsAfter = (id: bigint): EraTotals => {
    const base = maturation?.era === id ? { units: 0n, pending: 0n } : { units: eras.get(id)?.units ?? 0n, pending: pendingOf(id) };
    if (maturation?.into === id) return { units: base.units + maturation.shares, pending: base.pending + maturation.shares };
    return base;
  };
  const eraAt = (id: bigint): EraState => eras.get(id) ?? untouchedEra(id);

  const head = fillEra(eraAt(q.headEra), totalsAfter(q.headEra), inputs.reserve, price);
  if (head === null) return { ok: false, error: "ReserveTooSmall" };
  const fills = [head];
  if (head.full && q.maturedEra !== 0n) {
    const next = fillEra(eraAt(q.maturedEra), totalsAfter(q.maturedEra), inputs.reserve - head.assets, price);
    if (next !== null) fills.push(next);
  }
  return {
    ok: true,
    sharesFilled: fills.reduce((sum, f) => sum + f.shares, 0n),
    assets: fills.reduce((sum, f) => sum + f.assets, 0n),
    navPerShare: inputs.navPerShare,
    price,
    fills,
    maturation,
  };
}
