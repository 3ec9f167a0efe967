import type { Amount } from "./amount";

/** A closed revenue epoch: what the close attested and released, and where the release went. */
export interface Epoch {
  clusterId: bigint;
  number: bigint;
  /** The revenue feed's cumulative billed revenue read at the close. */
  cumulativeRevenue: Amount;
  newlyAttested: Amount;
  released: Amount;
  toHolders: Amount;
  protocolFee: Amount;
  operatorFee: Amount;
  toReserve: Amount;
  /** When the next epoch may close, Unix seconds. */
  nextEpochEnd: number;
}
