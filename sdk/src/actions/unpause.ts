import { PreflightError } from "../errors";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface UnpauseParameters {
  clusterId: bigint;
}

/**
 * Lifts the guardian's pause. Guardian only.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function unpause(ctx: ClusterShareContext, parameters: UnpauseParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "token",
    functionName: "unpause",
    args: [],
    roles: ["guardian"],
    check: async (cluster) => {
      if (!(await read("ClusterShareToken", "paused", cluster.token.paused()))) {
        throw new PreflightError("ClusterShareToken", "unpause", "paused", "ExpectedPause");
      }
    },
  });
}
