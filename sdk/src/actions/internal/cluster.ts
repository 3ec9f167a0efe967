import { ZeroAddress } from "ethers";
import {
  allowlistPolicyAt,
  navOracleAt,
  offeringAt,
  redemptionQueueAt,
  revenueVaultAt,
  shareTokenAt,
  stablecoinAt,
  clusterFactoryAt,
  type AllowlistPolicy,
  type ClusterFactory,
  type ClusterOffering,
  type ClusterShareToken,
  type ERC20Permit,
  type NavOracle,
  type RedemptionQueue,
  type RevenueVault,
} from "../../contracts";
import type { ClusterShareContext } from "./context";
import { read } from "./read";

/** One cluster's contracts and roles, read from the factory's registry, connected to the provider for reads. */
export interface ClusterHandle {
  id: bigint;
  /** The factory: registry and roles, and where operator hand-over, keeper, metadata and metrics are set. */
  factory: ClusterFactory;
  token: ClusterShareToken;
  vault: RevenueVault;
  offering: ClusterOffering;
  queue: RedemptionQueue;
  nav: NavOracle;
  /** Only for clusters launched with an allowlist. */
  policy?: AllowlistPolicy;
  /** The stablecoin, through the ERC-20 + EIP-2612 ABI (permit is detected before use, never assumed). */
  stablecoin: ERC20Permit;
  operator: string;
  keeper: string;
  gpuCount: bigint;
}

/** The deployment's factory, connected to the provider for reads. */
export function factoryOf(ctx: ClusterShareContext): ClusterFactory {
  return clusterFactoryAt(ctx.deployment.factory, ctx.provider);
}

/**
 * Looks a cluster up in the factory's registry (one view call).
 * @throws ClusterShareError `UnknownCluster` for an id the factory never launched.
 */
export async function loadCluster(ctx: ClusterShareContext, clusterId: bigint): Promise<ClusterHandle> {
  const runner = ctx.provider;
  const factory = factoryOf(ctx);
  const entry = await read("ClusterFactory", "cluster", factory.cluster(clusterId));
  const c = entry.contracts;
  return {
    id: clusterId,
    factory,
    token: shareTokenAt(c.token, runner),
    vault: revenueVaultAt(c.vault, runner),
    offering: offeringAt(c.offering, runner),
    queue: redemptionQueueAt(c.redemptionQueue, runner),
    nav: navOracleAt(c.navOracle, runner),
    policy: c.policy === ZeroAddress ? undefined : allowlistPolicyAt(c.policy, runner),
    stablecoin: stablecoinAt(entry.stablecoin, runner),
    operator: entry.operator,
    keeper: entry.keeper,
    gpuCount: entry.gpuCount,
  };
}
