import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface TransferOperatorParameters {
  clusterId: bigint;
  /** The proposed operator. */
  newOperator: string;
}

/**
 * Starts handing the cluster to a new operator, who must accept. Operator only.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function transferOperator(ctx: ClusterShareContext, parameters: TransferOperatorParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "factory",
    functionName: "transferOperator",
    args: [parameters.clusterId, parameters.newOperator],
    roles: ["operator"],
  });
}
