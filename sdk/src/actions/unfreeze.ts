import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface UnfreezeParameters {
  clusterId: bigint;
  /** The account to unfreeze. */
  account: string;
}

/**
 * Unfreezes an account. Operator or protocol admin.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function unfreeze(ctx: ClusterShareContext, parameters: UnfreezeParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "policy",
    functionName: "unfreeze",
    args: [parameters.account],
    roles: ["operator", "admin"],
  });
}
