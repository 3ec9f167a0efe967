import type { Amount } from "./amount";
import type { Cluster } from "./cluster";
import type { Purchase } from "./purchase";
import type { ClaimableRedemption, RedemptionRequest } from "./redemptionRequest";
import type { YieldStream } from "../investment/yieldStream";

/** An account's stake in one cluster. */
export interface ClusterInvestment {
  cluster: Cluster;
  /** Shares held (escrowed redemption shares are in `pendingRedemption`). */
  balance: Amount;
  /** Yield claimable now (the token's `earned`), stablecoin. */
  earned: Amount;
  /** `balance` at the last published NAV per share, rounded down; null before the first NAV round. */
  valueAtNav: Amount | null;
  purchases: Purchase[];
  /** The open request still waiting for settlements; null when nothing is pending. */
  pendingRedemption: RedemptionRequest | null;
  /** Filled redemptions to redeem now. */
  claimableRedemption: ClaimableRedemption;
  /** What `refund` pays for `balance` after a failed raise; zero otherwise. */
  refundable: Amount;
  /** With `yieldStreams`: the stream and checkpoint for `earnedAt(yieldStream.account, yieldStream.stream, now)`. */
  yieldStream?: YieldStream;
}

/** An account's whole picture across every cluster it has anything in, by cluster id. */
export interface Investment {
  account: string;
  /** Unix seconds of the block the answer reflects (earned is as of then); 0 from the subgraph when it holds nothing for the account. */
  timestamp: number;
  clusters: ClusterInvestment[];
}
