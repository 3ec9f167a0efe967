import { requireOwed } from "./internal/checks";
import { clusterAction, type PayoutParameters } from "./internal/clusterCall";

export type WithdrawProceedsParameters = PayoutParameters;

/**
 * Sends the raise's proceeds (raise minus protocol fee) to `to`, to buy the hardware. Operator only.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const withdrawProceeds = clusterAction<WithdrawProceedsParameters>({
  target: "offering", functionName: "withdrawProceeds", roles: ["operator"],
  args: (parameters) => [parameters.to],
  check: (_, { cluster, site }) => requireOwed(site, cluster.offering.proceedsOwed()),
});
