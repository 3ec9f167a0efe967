import type { Amount } from "./amount";

/** One account's shares in one cluster. */
export interface Position {
  clusterId: bigint;
  account: string;
  balance: Amount;
  /** Excluded from yield: a DEX pool, an account that excluded itself, or a protocol contract. */
  excluded: boolean;
}
