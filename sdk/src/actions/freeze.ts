import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface FreezeParameters {
  clusterId: bigint;
  /** The account to freeze. */
  account: string;
}

/**
 * Freezes an account's shares on the market (its redemptions and yield stay its own). Operator, protocol admin or guardian.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function freeze(ctx: ClusterShareContext, parameters: FreezeParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "policy",
    functionName: "freeze",
    args: [parameters.account],
    roles: ["operator", "admin", "guardian"],
  });
}
