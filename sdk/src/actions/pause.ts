import { requirePauseState } from "./internal/checks";
import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export type PauseParameters = ClusterParameters;

/**
 * Pauses the cluster: transfers, mints and new rent stop; claims, refunds and redemption exits keep working. Guardian only.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const pause = clusterAction<PauseParameters>({
  target: "token", functionName: "pause", roles: ["guardian"],
  args: () => [],
  check: (_, { cluster, site }) => requirePauseState(site, cluster, false),
});
