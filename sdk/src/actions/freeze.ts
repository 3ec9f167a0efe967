import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface FreezeParameters extends ClusterParameters {
  /** The account to freeze. */
  account: string;
}

/**
 * Freezes an account's shares on the market (its redemptions and yield stay its own). Operator, protocol admin or guardian.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const freeze = clusterAction<FreezeParameters>({
  target: "policy", functionName: "freeze", roles: ["operator", "admin", "guardian"],
  args: (parameters) => [parameters.account],
});
