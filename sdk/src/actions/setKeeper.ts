import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface SetKeeperParameters extends ClusterParameters {
  /** The keeper's address. */
  keeper: string;
}

/**
 * Sets the cluster's keeper, who may report metrics (the zero address: none). Operator only.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const setKeeper = clusterAction<SetKeeperParameters>({
  target: "factory", functionName: "setKeeper", roles: ["operator"],
  args: (parameters) => [parameters.clusterId, parameters.keeper],
});
