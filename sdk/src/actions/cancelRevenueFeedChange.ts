import { ZeroAddress } from "ethers";
import { PreflightError } from "../errors";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface CancelRevenueFeedChangeParameters {
  clusterId: bigint;
}

/**
 * Cancels the proposed revenue feed during its delay. Guardian or protocol admin.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function cancelRevenueFeedChange(ctx: ClusterShareContext, parameters: CancelRevenueFeedChangeParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "vault",
    functionName: "cancelRevenueFeedChange",
    args: [],
    roles: ["guardian", "admin"],
    check: async (cluster) => {
      const change = await read("RevenueVault", "pendingRevenueFeed", cluster.vault.pendingRevenueFeed());
      if (change.aggregator === ZeroAddress) throw new PreflightError("RevenueVault", "cancelRevenueFeedChange", "proposal", "NoFeedChangePending");
    },
  });
}
