import type { Amount } from "./amount";
import type { ClusterAddresses } from "../context";

/** Where a cluster stands: raising, active (shares trade, rent streams) or a failed raise (refunds). */
export type ClusterState = "Raising" | "Active" | "RaiseFailed";

/** A cluster as an investor page lists it. Stablecoin amounts in the cluster's stablecoin, shares in 18 decimals. */
export interface Cluster {
  id: bigint;
  name: string;
  symbol: string;
  operator: string;
  gpuModel: string;
  gpuCount: number;
  region: string;
  metadataURI: string;
  stablecoin: string;
  stablecoinDecimals: number;
  contracts: ClusterAddresses;
  state: ClusterState;
  paused: boolean;
  totalSupply: Amount;
  /** Stablecoin per whole share in the raise (zero without a raise). */
  pricePerShare: Amount;
  softCap: Amount;
  hardCap: Amount;
  /** Unix seconds; zero without a raise. */
  deadline: number;
  raised: Amount;
  /** Stablecoin held for redemptions. */
  reserve: Amount;
  /** The last NAV per share the cluster's NAV oracle published; null before the first round. */
  navPerShare: Amount | null;
  /** Seconds. */
  epochLength: number;
  /** When the factory launched it, Unix seconds. */
  launchedAt: number;
}
