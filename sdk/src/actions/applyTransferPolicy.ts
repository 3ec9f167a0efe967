import { PreflightError } from "../errors";
import { latestTimestamp } from "./internal/checks";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface ApplyTransferPolicyParameters {
  clusterId: bigint;
}

/**
 * Applies the proposed transfer policy once its delay has passed (anyone).
 * Preflight: the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function applyTransferPolicy(ctx: ClusterShareContext, parameters: ApplyTransferPolicyParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "token",
    functionName: "applyTransferPolicy",
    args: [],
    check: async (cluster) => {
      const [, executableAt] = await read("ClusterShareToken", "transferPolicyProposal", cluster.token.transferPolicyProposal());
      if (executableAt === 0n) throw new PreflightError("ClusterShareToken", "applyTransferPolicy", "proposal", "NoPolicyProposal");
      if ((await latestTimestamp({ contract: "ClusterShareToken", functionName: "applyTransferPolicy" }, cluster)) + 1n < executableAt) {
        throw new PreflightError("ClusterShareToken", "applyTransferPolicy", "delay", "PolicyDelayPending", { executableAt });
      }
    },
  });
}
