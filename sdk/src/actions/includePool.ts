import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface IncludePoolParameters {
  clusterId: bigint;
  /** The pair's other token. */
  pairedToken: string;
}

/**
 * Lets the Uniswap V2 pair of the share and `pairedToken` earn again. Operator or protocol admin.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function includePool(ctx: ClusterShareContext, parameters: IncludePoolParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "token",
    functionName: "includePool",
    args: [parameters.pairedToken],
    roles: ["operator", "admin"],
  });
}
