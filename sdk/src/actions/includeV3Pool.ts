import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface IncludeV3PoolParameters {
  clusterId: bigint;
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
export async function includeV3Pool(ctx: ClusterShareContext, parameters: IncludeV3PoolParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "token",
    functionName: "includeV3Pool",
    args: [parameters.pairedToken, parameters.fee],
    roles: ["operator", "admin"],
  });
}
