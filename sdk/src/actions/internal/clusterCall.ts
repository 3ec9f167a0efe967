import type { BaseContract } from "ethers";
import type { ContractName } from "../../contracts";
import { PreflightError } from "../../errors";
import { loadCluster, type ClusterHandle } from "./cluster";
import { signerOf, type ClusterShareContext } from "./context";
import type { CheckSite } from "./checks";
import { requireRole, type Role } from "./roles";
import { transact, type ActionReceipt } from "./transact";

/** Which of a cluster's contracts a call goes to, with the name errors report. */
const TARGETS = {
  factory: "ClusterFactory",
  token: "ClusterShareToken",
  vault: "RevenueVault",
  offering: "ClusterOffering",
  redemptionQueue: "RedemptionQueue",
  navOracle: "NavOracle",
  policy: "AllowlistPolicy",
} as const satisfies Record<string, ContractName>;

/** What every cluster action is given: which cluster. */
export interface ClusterParameters {
  /** The cluster's id in the factory's registry. */
  clusterId: bigint;
}

/** A withdrawal from a cluster contract to an address of the caller's choice. */
export interface PayoutParameters extends ClusterParameters {
  /** Who receives the stablecoin. */
  to: string;
}

/** What an action's own check is given: the cluster, the caller and where the check runs (for its errors). */
export interface CheckEnv {
  cluster: ClusterHandle;
  caller: string;
  site: CheckSite;
}

/** One call on one of a cluster's contracts, with who may make it and any check of its own. */
export interface ClusterCall {
  clusterId: bigint;
  target: keyof typeof TARGETS;
  functionName: string;
  args: readonly unknown[];
  /** Roles allowed to call; omitted when anyone may. */
  roles?: readonly Role[];
  /** A further preflight check. */
  check?: (env: CheckEnv) => Promise<void>;
}

/**
 * Where every action starts: the signer is required (`NoSigner` before anything is read), then the cluster is
 * looked up.
 */
export async function beginAction(
  ctx: ClusterShareContext, site: CheckSite, clusterId: bigint,
): Promise<{ caller: string; cluster: ClusterHandle }> {
  const caller = await signerOf(ctx, site.contract, site.functionName).getAddress();
  return { caller, cluster: await loadCluster(ctx, clusterId) };
}

/**
 * The shape of most operator, guardian and admin actions: look the cluster up, check the caller's role and the
 * action's own conditions, then simulate and send.
 */
export async function clusterCall(ctx: ClusterShareContext, call: ClusterCall): Promise<ActionReceipt> {
  const name = TARGETS[call.target];
  const site = { contract: name, functionName: call.functionName };
  const { caller, cluster } = await beginAction(ctx, site, call.clusterId);
  const contract: BaseContract | undefined = cluster[call.target];
  if (!contract) {
    throw new PreflightError(name, call.functionName, "policy", "NoAllowlist", {}, "the cluster was launched without an allowlist");
  }
  if (call.roles) await requireRole(ctx, site, caller, call.roles, cluster);
  await call.check?.({ cluster, caller, site });
  return transact(ctx, { contract, name, functionName: call.functionName, args: call.args });
}

/** How an action built by {@link clusterAction} maps its parameters onto one contract call. */
export interface ClusterActionSpec<P extends { clusterId: bigint }> {
  target: ClusterCall["target"];
  functionName: string;
  args: (parameters: P) => readonly unknown[];
  roles?: readonly Role[];
  check?: (parameters: P, env: CheckEnv) => Promise<void>;
}

/** Builds an action that is one call on one of a cluster's contracts (see {@link clusterCall}). */
export function clusterAction<P extends { clusterId: bigint }>(spec: ClusterActionSpec<P>) {
  return (ctx: ClusterShareContext, parameters: P): Promise<ActionReceipt> => clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: spec.target,
    functionName: spec.functionName,
    args: spec.args(parameters),
    roles: spec.roles,
    check: spec.check && ((env) => spec.check!(parameters, env)),
  });
}
