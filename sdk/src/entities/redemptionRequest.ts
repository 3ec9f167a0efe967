import type { Amount } from "./amount";

/** Where a pending request stands in its cluster's redemption queue. */
export interface QueuePlace {
  /** Pending shares of older eras that settlements fill first. */
  sharesAhead: Amount;
  /**
   * When a settlement can next fill it, Unix seconds: the running epoch's end for a request made in it (it matures
   * at that close), now for a matured request when the last close is not settled yet, else the next close. It
   * assumes the reserve covers what is ahead; a short reserve fills pro rata and leaves the rest for later closes.
   */
  estimatedSettlementAt: number;
}

/** A controller's open redemption request in one cluster (ERC-7540: requestId is the queue's era). */
export interface RedemptionRequest {
  clusterId: bigint;
  controller: string;
  requestId: bigint;
  /** Shares still waiting for a settlement. */
  pendingShares: Amount;
  /** Null once nothing is pending. */
  place: QueuePlace | null;
}

/** Filled redemptions a controller can redeem now, across its requests in one cluster. */
export interface ClaimableRedemption {
  clusterId: bigint;
  controller: string;
  shares: Amount;
  assets: Amount;
}
