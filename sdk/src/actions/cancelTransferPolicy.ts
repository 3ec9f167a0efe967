import { PreflightError } from "../errors";
import { clusterAction, type ClusterParameters } from "./internal/clusterCall";
import { read } from "./internal/read";

export type CancelTransferPolicyParameters = ClusterParameters;

/**
 * Cancels the proposed transfer policy during its delay. Operator, guardian or protocol admin.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const cancelTransferPolicy = clusterAction<CancelTransferPolicyParameters>({
  target: "token", functionName: "cancelTransferPolicy", roles: ["operator", "guardian", "admin"],
  args: () => [],
  check: async (_, { cluster, site }) => {
    const [, executableAt] = await read(site.contract, "transferPolicyProposal", cluster.token.transferPolicyProposal());
    if (executableAt === 0n) throw new PreflightError(site.contract, site.functionName, "proposal", "NoPolicyProposal");
  },
});
