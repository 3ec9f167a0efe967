import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface TransferOperatorParameters extends ClusterParameters {
  /** The proposed operator. */
  newOperator: string;
}

/**
 * Starts handing the cluster to a new operator, who must accept. Operator only.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const transferOperator = clusterAction<TransferOperatorParameters>({
  target: "factory", functionName: "transferOperator", roles: ["operator"],
  args: (parameters) => [parameters.clusterId, parameters.newOperator],
});
