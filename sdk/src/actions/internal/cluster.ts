import { ZeroAddress, type ContractRunner } from "ethers";
import {
  AllowlistPolicy__factory,
  ClusterFactory__factory,
  ClusterOffering__factory,
  ClusterShareToken__factory,
  ERC20Permit__factory,
  NavOracle__factory,
  RedemptionQueue__factory,
  RevenueVault__factory,
  type AllowlistPolicy,
  type ClusterFactory,
  type ClusterOffering,
  type ClusterShareToken,
  type ERC20Permit,
  type NavOracle,
  type RedemptionQueue,
  type RevenueVault,
} from "../../types";
import type { ActionContext } from "./context";
import { read } from "./read";

/** One cluster's contracts and roles, read from the factory's registry, connected for reads. */
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

/** The provider (or signer) that view calls go through. */
export function runnerOf(ctx: ActionContext): ContractRunner {
  const runner = ctx.provider ?? ctx.signer;
  if (!runner) throw new Error("ActionContext needs a provider or a signer");
  return runner;
}

/** The deployment's factory, connected for reads. */
export function factoryOf(ctx: ActionContext): ClusterFactory {
  return ClusterFactory__factory.connect(ctx.deployment.factory, runnerOf(ctx));
}

/**
 * Looks a cluster up in the factory's registry (one view call).
 * @throws ClusterShareError `UnknownCluster` for an id the factory never launched.
 */
export async function loadCluster(ctx: ActionContext, clusterId: bigint): Promise<ClusterHandle> {
  const runner = runnerOf(ctx);
  const factory = factoryOf(ctx);
  const entry = await read("ClusterFactory", "cluster", factory.cluster(clusterId));
  const c = entry.contracts;
  return {
    id: clusterId,
    factory,
    token: ClusterShareToken__factory.connect(c.token, runner),
    vault: RevenueVault__factory.connect(c.vault, runner),
    offering: ClusterOffering__factory.connect(c.offering, runner),
    queue: RedemptionQueue__factory.connect(c.redemptionQueue, runner),
    nav: NavOracle__factory.connect(c.navOracle, runner),
    policy: c.policy === ZeroAddress ? undefined : AllowlistPolicy__factory.connect(c.policy, runner),
    stablecoin: ERC20Permit__factory.connect(entry.stablecoin, runner),
    operator: entry.operator,
    keeper: entry.keeper,
    gpuCount: entry.gpuCount,
  };
}
