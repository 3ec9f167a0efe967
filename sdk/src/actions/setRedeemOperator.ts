import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface SetRedeemOperatorParameters extends ClusterParameters {
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
export const setRedeemOperator = clusterAction<SetRedeemOperatorParameters>({
  target: "redemptionQueue", functionName: "setOperator",
  args: (parameters) => [parameters.operator, parameters.approved],
});
