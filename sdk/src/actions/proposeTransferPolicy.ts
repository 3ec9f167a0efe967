import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface ProposeTransferPolicyParameters {
  clusterId: bigint;
  /** The policy contract, or the zero address for none. */
  policy: string;
}

/**
 * Proposes a new transfer policy (address(0) removes it); it can be applied after `POLICY_DELAY`. Operator only.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function proposeTransferPolicy(ctx: ClusterShareContext, parameters: ProposeTransferPolicyParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "token",
    functionName: "proposeTransferPolicy",
    args: [parameters.policy],
    roles: ["operator"],
  });
}
