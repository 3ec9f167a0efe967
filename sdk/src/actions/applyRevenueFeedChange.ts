import { ZeroAddress } from "ethers";
import { PreflightError } from "../errors";
import { latestTimestamp } from "./internal/checks";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface ApplyRevenueFeedChangeParameters {
  clusterId: bigint;
}

/**
 * Applies the proposed revenue feed once its delay has passed (anyone).
 * Preflight: the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function applyRevenueFeedChange(ctx: ClusterShareContext, parameters: ApplyRevenueFeedChangeParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "vault",
    functionName: "applyRevenueFeedChange",
    args: [],
    check: async (cluster) => {
      const change = await read("RevenueVault", "pendingRevenueFeed", cluster.vault.pendingRevenueFeed());
      if (change.aggregator === ZeroAddress) throw new PreflightError("RevenueVault", "applyRevenueFeedChange", "proposal", "NoFeedChangePending");
      if ((await latestTimestamp({ contract: "RevenueVault", functionName: "applyRevenueFeedChange" }, cluster)) + 1n < change.readyAt) {
        throw new PreflightError("RevenueVault", "applyRevenueFeedChange", "delay", "FeedChangeNotReady", { readyAt: change.readyAt });
      }
    },
  });
}
