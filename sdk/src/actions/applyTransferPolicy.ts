import { PreflightError } from "../errors";
import { requireTimeReached } from "./internal/checks";
import { clusterAction, type ClusterParameters } from "./internal/clusterCall";
import { read } from "./internal/read";

export type ApplyTransferPolicyParameters = ClusterParameters;

/**
 * Applies the proposed transfer policy once its delay has passed (anyone).
 * Preflight: the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const applyTransferPolicy = clusterAction<ApplyTransferPolicyParameters>({
  target: "token", functionName: "applyTransferPolicy",
  args: () => [],
  check: async (_, { cluster, site }) => {
    const [, executableAt] = await read(site.contract, "transferPolicyProposal", cluster.token.transferPolicyProposal());
    if (executableAt === 0n) throw new PreflightError(site.contract, site.functionName, "proposal", "NoPolicyProposal");
    await requireTimeReached(site, cluster, executableAt, "delay", "PolicyDelayPending", { executableAt });
  },
});
