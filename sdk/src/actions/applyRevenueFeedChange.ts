import { ZeroAddress } from "ethers";
import { PreflightError } from "../errors";
import { requireTimeReached } from "./internal/checks";
import { clusterAction, type ClusterParameters } from "./internal/clusterCall";
import { read } from "./internal/read";

export type ApplyRevenueFeedChangeParameters = ClusterParameters;

/**
 * Applies the proposed revenue feed once its delay has passed (anyone).
 * Preflight: the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const applyRevenueFeedChange = clusterAction<ApplyRevenueFeedChangeParameters>({
  target: "vault", functionName: "applyRevenueFeedChange",
  args: () => [],
  check: async (_, { cluster, site }) => {
    const change = await read(site.contract, "pendingRevenueFeed", cluster.vault.pendingRevenueFeed());
    if (change.aggregator === ZeroAddress) throw new PreflightError(site.contract, site.functionName, "proposal", "NoFeedChangePending");
    await requireTimeReached(site, cluster, change.readyAt, "delay", "FeedChangeNotReady", { readyAt: change.readyAt });
  },
});
