import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface SetKeeperParameters {
  clusterId: bigint;
  /** The keeper's address. */
  keeper: string;
}

/**
 * Sets the cluster's keeper, who may report metrics (the zero address: none). Operator only.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function setKeeper(ctx: ClusterShareContext, parameters: SetKeeperParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "factory",
    functionName: "setKeeper",
    args: [parameters.clusterId, parameters.keeper],
    roles: ["operator"],
  });
}
