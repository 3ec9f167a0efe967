import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface IncludeV3PoolParameters extends ClusterParameters {
  /** The pool's other token. */
  pairedToken: string;
  /** The pool's fee tier (500, 3000, 10000). */
  fee: number;
}

/**
 * Lets the Uniswap V3 pool of the share, `pairedToken` and `fee` earn again. Operator or protocol admin.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const includeV3Pool = clusterAction<IncludeV3PoolParameters>({
  target: "token", functionName: "includeV3Pool", roles: ["operator", "admin"],
  args: (parameters) => [parameters.pairedToken, parameters.fee],
});
