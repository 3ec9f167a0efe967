import { requireOwed } from "./internal/checks";
import { clusterAction, type PayoutParameters } from "./internal/clusterCall";

export type WithdrawOperatorFeesParameters = PayoutParameters;

/**
 * Sends the operator fees the vault owes to `to`. Operator only.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const withdrawOperatorFees = clusterAction<WithdrawOperatorFeesParameters>({
  target: "vault", functionName: "withdrawOperatorFees", roles: ["operator"],
  args: (parameters) => [parameters.to],
  check: (_, { cluster, site }) => requireOwed(site, cluster.vault.operatorFeesOwed()),
});
