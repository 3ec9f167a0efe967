import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface UnfreezeParameters extends ClusterParameters {
  /** The account to unfreeze. */
  account: string;
}

/**
 * Unfreezes an account. Operator or protocol admin.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const unfreeze = clusterAction<UnfreezeParameters>({
  target: "policy", functionName: "unfreeze", roles: ["operator", "admin"],
  args: (parameters) => [parameters.account],
});
