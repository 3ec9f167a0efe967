import type { Amount } from "./amount";

/** Shares bought from a cluster's offering (in the raise or by later issuance). */
export interface Purchase {
  clusterId: bigint;
  buyer: string;
  receiver: string;
  assets: Amount;
  shares: Amount;
  blockNumber: number;
  transactionHash: string;
  logIndex: number;
}
