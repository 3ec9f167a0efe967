import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface SetRedeemOperatorParameters {
  clusterId: bigint;
  /** The operator. */
  operator: string;
  /** Whether it may act for the signer. */
  approved: boolean;
}

/**
 * Approves or revokes an ERC-7540 operator who may request, cancel and redeem for the signer.
 * Preflight: a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function setRedeemOperator(ctx: ClusterShareContext, parameters: SetRedeemOperatorParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "queue",
    functionName: "setOperator",
    args: [parameters.operator, parameters.approved],
  });
}
