import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface ProposeTransferPolicyParameters extends ClusterParameters {
  /** The policy contract, or the zero address for none. */
  policy: string;
}

/**
 * Proposes a new transfer policy (address(0) removes it); it can be applied after `POLICY_DELAY`. Operator only.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const proposeTransferPolicy = clusterAction<ProposeTransferPolicyParameters>({
  target: "token", functionName: "proposeTransferPolicy", roles: ["operator"],
  args: (parameters) => [parameters.policy],
});
