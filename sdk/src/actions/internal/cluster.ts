import { ZeroAddress, type Provider } from "ethers";
import type { ClusterContracts } from "../../context";
import {
  allowlistPolicyAt,
  clusterFactoryAt,
  stablecoinAt,
  type AllowlistPolicy,
  type ClusterFactory,
  type ERC20Permit,
} from "../../contracts";
import type { ClusterShareContext } from "./context";
import { read } from "./read";

/** One cluster's contracts (connected by the context) and roles, read from the factory's registry. */
export interface ClusterHandle extends ClusterContracts {
  id: bigint;
  /** The context's provider: block times and receipts are read through it. */
  provider: Provider;
  /** The factory: registry and roles, and where operator hand-over, keeper, metadata and metrics are set. */
  factory: ClusterFactory;
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
  const factory = factoryOf(ctx);
  const entry = await read("ClusterFactory", "cluster", factory.cluster(clusterId));
  const { policy } = entry.contracts;
  return {
    ...ctx.cluster(entry.contracts),
    id: clusterId,
    provider: ctx.provider,
    factory,
    policy: policy === ZeroAddress ? undefined : allowlistPolicyAt(policy, ctx.provider),
    stablecoin: stablecoinAt(entry.stablecoin, ctx.provider),
    operator: entry.operator,
    keeper: entry.keeper,
    gpuCount: entry.gpuCount,
  };
}
