import { ZeroAddress } from "ethers";
import { PreflightError } from "../errors";
import { clusterAction, type ClusterParameters } from "./internal/clusterCall";
import { read } from "./internal/read";

export type CancelRevenueFeedChangeParameters = ClusterParameters;

/**
 * Cancels the proposed revenue feed during its delay. Guardian or protocol admin.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const cancelRevenueFeedChange = clusterAction<CancelRevenueFeedChangeParameters>({
  target: "vault", functionName: "cancelRevenueFeedChange", roles: ["guardian", "admin"],
  args: () => [],
  check: async (_, { cluster, site }) => {
    const change = await read(site.contract, "pendingRevenueFeed", cluster.vault.pendingRevenueFeed());
    if (change.aggregator === ZeroAddress) throw new PreflightError(site.contract, site.functionName, "proposal", "NoFeedChangePending");
  },
});
