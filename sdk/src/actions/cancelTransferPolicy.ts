import { PreflightError } from "../errors";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface CancelTransferPolicyParameters {
  clusterId: bigint;
}

/**
 * Cancels the proposed transfer policy during its delay. Operator, guardian or protocol admin.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function cancelTransferPolicy(ctx: ClusterShareContext, parameters: CancelTransferPolicyParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "token",
    functionName: "cancelTransferPolicy",
    args: [],
    roles: ["operator", "guardian", "admin"],
    check: async (cluster) => {
      const [, executableAt] = await read("ClusterShareToken", "transferPolicyProposal", cluster.token.transferPolicyProposal());
      if (executableAt === 0n) throw new PreflightError("ClusterShareToken", "cancelTransferPolicy", "proposal", "NoPolicyProposal");
    },
  });
}
