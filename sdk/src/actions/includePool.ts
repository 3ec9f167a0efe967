import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface IncludePoolParameters extends ClusterParameters {
  /** The pair's other token. */
  pairedToken: string;
}

/**
 * Lets the Uniswap V2 pair of the share and `pairedToken` earn again. Operator or protocol admin.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const includePool = clusterAction<IncludePoolParameters>({
  target: "token", functionName: "includePool", roles: ["operator", "admin"],
  args: (parameters) => [parameters.pairedToken],
});
