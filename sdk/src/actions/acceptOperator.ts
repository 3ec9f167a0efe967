import { PreflightError } from "../errors";
import { clusterAction, type ClusterParameters } from "./internal/clusterCall";
import { read } from "./internal/read";

export type AcceptOperatorParameters = ClusterParameters;

/**
 * Accepts the operator role the current operator proposed to the signer.
 * Preflight: the signer is the proposed operator, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const acceptOperator = clusterAction<AcceptOperatorParameters>({
  target: "factory", functionName: "acceptOperator",
  args: (parameters) => [parameters.clusterId],
  check: async (_, { cluster, caller, site }) => {
    const { pendingOperator } = await read(site.contract, "cluster", cluster.factory.cluster(cluster.id));
    if (pendingOperator.toLowerCase() !== caller.toLowerCase()) {
      throw new PreflightError(site.contract, site.functionName, "role", "Unauthorized", { caller });
    }
  },
});
