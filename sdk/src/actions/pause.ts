import { PreflightError } from "../errors";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface PauseParameters {
  clusterId: bigint;
}

/**
 * Pauses the cluster: transfers, mints and new rent stop; claims, refunds and redemption exits keep working. Guardian only.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function pause(ctx: ClusterShareContext, parameters: PauseParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "token",
    functionName: "pause",
    args: [],
    roles: ["guardian"],
    check: async (cluster) => {
      if (await read("ClusterShareToken", "paused", cluster.token.paused())) {
        throw new PreflightError("ClusterShareToken", "pause", "paused", "EnforcedPause");
      }
    },
  });
}
