import { PreflightError } from "../errors";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface WithdrawOperatorFeesParameters {
  clusterId: bigint;
  /** Who receives the stablecoin. */
  to: string;
}

/**
 * Sends the operator fees the vault owes to `to`. Operator only.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function withdrawOperatorFees(ctx: ClusterShareContext, parameters: WithdrawOperatorFeesParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "vault",
    functionName: "withdrawOperatorFees",
    args: [parameters.to],
    roles: ["operator"],
    check: async (cluster) => {
      if ((await read("RevenueVault", "operatorFeesOwed", cluster.vault.operatorFeesOwed())) === 0n) {
        throw new PreflightError("RevenueVault", "withdrawOperatorFees", "owed", "NothingToWithdraw");
      }
    },
  });
}
