/**
 * The offering's quotes (contracts/offering/ClusterOffering.sol): whole lots in the raise, NAV entry value plus
 * premium in later issuance, and the raise's limits, checked in the contract's order so a preflight names the same
 * error the transaction would revert with.
 */
import { BPS, WAD } from "./constants";
import { ceilDiv, mulDivUp } from "./bigint";

/** The raise's fixed terms: ClusterOffering `terms()` (all zero when there is no raise). */
export interface OfferingTerms {
  /** Stablecoin units per lot (the price reduced by gcd(price, 1e18)). */
  lotAssets: bigint;
  /** Share base units per lot. */
  lotShares: bigint;
  /** Stablecoin units the raise must reach by the deadline. */
  softCap: bigint;
  /** Stablecoin units the raise may reach at most. */
  hardCap: bigint;
  /** Unix seconds; buying is open while `timestamp <= deadline`. */
  deadline: bigint;
  /** Smallest holding a receiver may end with, stablecoin units at the lot price; zero for none. */
  minPerAccount: bigint;
  /** Largest holding a receiver may end with, stablecoin units at the lot price; zero for none. */
  maxPerAccount: bigint;
}

/** Which price a purchase pays now. */
export type PurchaseTerms =
  /** The fixed-price raise (`raiseState().succeeded` false, not failed, deadline not passed). */
  | { phase: "raise"; terms: OfferingTerms }
  /** Later issuance at {@link issuancePrice} (`raiseState().succeeded` true and `issuance().enabled`). */
  | { phase: "issuance"; pricePerShare: bigint };

/** A purchase's outcome: shares minted and stablecoin taken. */
export interface BuyQuote {
  shares: bigint;
  cost: bigint;
}

/** ClusterOffering `cloneArgs`: a price per whole share reduced to the smallest lot (lotAssets for lotShares). */
export function lotOf(pricePerShare: bigint): { lotAssets: bigint; lotShares: bigint } {
  let [a, b] = [pricePerShare, WAD];
  while (b !== 0n) [a, b] = [b, a % b];
  return { lotAssets: pricePerShare / a, lotShares: WAD / a };
}

/**
 * ClusterOffering `_issuancePrice`: the NAV oracle's entry value per share (`quote().entryPerShare`) plus the
 * premium (`issuance().premiumBps`), rounded up.
 */
export function issuancePrice(entryPerShare: bigint, premiumBps: bigint): bigint {
  return mulDivUp(entryPerShare, BPS + premiumBps, BPS);
}

/**
 * ClusterOffering `previewBuy(assets)`: in the raise only the whole lots `assets` covers (and their price); in
 * later issuance all of `assets` at the issuance price, shares rounded down.
 */
export function quoteBuy(purchase: PurchaseTerms, assets: bigint): BuyQuote {
  if (purchase.phase === "raise") {
    const lots = assets / purchase.terms.lotAssets;
    return { shares: lots * purchase.terms.lotShares, cost: lots * purchase.terms.lotAssets };
  }
  return { shares: (assets * WAD) / purchase.pricePerShare, cost: assets };
}

/**
 * ClusterOffering `previewBuyShares(shares)`: at least `shares` rounded up to whole lots in the raise, exactly
 * `shares` in later issuance; the cost rounded up.
 */
export function quoteBuyShares(purchase: PurchaseTerms, shares: bigint): BuyQuote {
  if (purchase.phase === "raise") {
    const lots = ceilDiv(shares, purchase.terms.lotShares);
    return { shares: lots * purchase.terms.lotShares, cost: lots * purchase.terms.lotAssets };
  }
  return { shares, cost: mulDivUp(shares, purchase.pricePerShare, WAD) };
}

/** ClusterOffering `refund`: what a failed raise pays back for `shares` (a whole number of lots). */
export function refundAssets(terms: OfferingTerms, shares: bigint): bigint {
  return (shares / terms.lotShares) * terms.lotAssets;
}

/** The raise's state a purchase is checked against. */
export interface RaiseState {
  /** Stablecoin units raised so far: `raiseState().raised`. */
  raised: bigint;
  /** The receiver's share balance before the purchase: ClusterShareToken `balanceOf(receiver)`. */
  receiverBalance: bigint;
}

/** A raise limit a purchase breaks: the ClusterOffering custom error it would revert with, and its arguments. */
export type RaiseLimitError =
  | { error: "ZeroAmount"; args: [] }
  | { error: "HardCapExceeded"; args: [assets: bigint, remaining: bigint] }
  | { error: "BelowMinimumPerAccount"; args: [total: bigint, minimum: bigint] }
  | { error: "AboveMaximumPerAccount"; args: [total: bigint, maximum: bigint] };

/**
 * ClusterOffering `_settlePurchase` / `_recordRaise` for the raise: the first limit `quote` breaks, in the
 * contract's order (zero amount, hard cap, per-account minimum, maximum), or null when the purchase fits.
 */
export function checkRaisePurchase(terms: OfferingTerms, state: RaiseState, quote: BuyQuote): RaiseLimitError | null {
  if (quote.shares === 0n || quote.cost === 0n) return { error: "ZeroAmount", args: [] };
  const remaining = terms.hardCap - state.raised;
  if (quote.cost > remaining) return { error: "HardCapExceeded", args: [quote.cost, remaining] };
  if (terms.minPerAccount !== 0n || terms.maxPerAccount !== 0n) {
    const total = ((state.receiverBalance + quote.shares) / terms.lotShares) * terms.lotAssets;
    if (total < terms.minPerAccount) return { error: "BelowMinimumPerAccount", args: [total, terms.minPerAccount] };
    if (terms.maxPerAccount !== 0n && total > terms.maxPerAccount) {
      return { error: "AboveMaximumPerAccount", args: [total, terms.maxPerAccount] };
    }
  }
  return null;
}

/** ClusterOffering `finalize`: the raise is over once the hard cap has less than a lot left. */
export function hardCapReached(terms: OfferingTerms, raised: bigint): boolean {
  return terms.hardCap - raised < terms.lotAssets;
}

/** ClusterOffering `finalize` on success: the protocol fee (rounded down) and the operator's proceeds. */
export function raiseProceeds(raised: bigint, protocolFeeBps: bigint): { protocolFee: bigint; proceeds: bigint } {
  const protocolFee = (raised * protocolFeeBps) / BPS;
  return { protocolFee, proceeds: raised - protocolFee };
}
