import type { BaseContract } from "ethers";
import type { ContractName } from "../../contracts";
import { PreflightError } from "../../errors";
import { loadCluster, type ClusterHandle } from "./cluster";
import { signerOf, type ClusterShareContext } from "./context";
import { requireRole, type Role } from "./roles";
import { transact, type ActionReceipt } from "./transact";

/** Which of a cluster's contracts a call goes to, with the name errors report. */
const TARGETS = {
  factory: "ClusterFactory",
  token: "ClusterShareToken",
  vault: "RevenueVault",
  offering: "ClusterOffering",
  queue: "RedemptionQueue",
  nav: "NavOracle",
  policy: "AllowlistPolicy",
} as const satisfies Record<string, ContractName>;

/** One call on one of a cluster's contracts, with who may make it and any check of its own. */
export interface ClusterCall {
  clusterId: bigint;
  target: keyof typeof TARGETS;
  functionName: string;
  args: readonly unknown[];
  /** Roles allowed to call; omitted when anyone may. */
  roles?: readonly Role[];
  /** A further preflight check, given the cluster and the caller. */
  check?: (cluster: ClusterHandle, caller: string) => Promise<void>;
}

/**
 * The shape of most operator, guardian and admin actions: look the cluster up, check the caller's role and the
 * action's own conditions, then simulate and send.
 */
export async function clusterCall(ctx: ClusterShareContext, call: ClusterCall): Promise<ActionReceipt> {
  const name = TARGETS[call.target];
  const site = { contract: name, functionName: call.functionName };
  const caller = await signerOf(ctx, name, call.functionName).getAddress();
  const cluster = await loadCluster(ctx, call.clusterId);
  const contract: BaseContract | undefined = cluster[call.target];
  if (!contract) {
    throw new PreflightError(name, call.functionName, "policy", "NoAllowlist", {}, "the cluster was launched without an allowlist");
  }
  if (call.roles) await requireRole(ctx, site, caller, call.roles, cluster);
  await call.check?.(cluster, caller);
  return transact(ctx, { contract, name, functionName: call.functionName, args: call.args });
}
