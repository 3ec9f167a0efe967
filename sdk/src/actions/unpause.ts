import { requirePauseState } from "./internal/checks";
import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export type UnpauseParameters = ClusterParameters;

/**
 * Lifts the guardian's pause. Guardian only.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const unpause = clusterAction<UnpauseParameters>({
  target: "token", functionName: "unpause", roles: ["guardian"],
  args: () => [],
  check: (_, { cluster, site }) => requirePauseState(site, cluster, true),
});
