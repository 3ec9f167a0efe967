import { PreflightError } from "../errors";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface AcceptOperatorParameters {
  clusterId: bigint;
}

/**
 * Accepts the operator role the current operator proposed to the signer.
 * Preflight: the signer is the proposed operator, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function acceptOperator(ctx: ClusterShareContext, parameters: AcceptOperatorParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "factory",
    functionName: "acceptOperator",
    args: [parameters.clusterId],
    check: async (cluster, caller) => {
      const { pendingOperator } = await read("ClusterFactory", "cluster", cluster.factory.cluster(cluster.id));
      if (pendingOperator.toLowerCase() !== caller.toLowerCase()) {
        throw new PreflightError("ClusterFactory", "acceptOperator", "role", "Unauthorized", { caller });
      }
    },
  });
}
