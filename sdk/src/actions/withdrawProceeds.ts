import { PreflightError } from "../errors";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface WithdrawProceedsParameters {
  clusterId: bigint;
  /** Who receives the stablecoin. */
  to: string;
}

/**
 * Sends the raise's proceeds (raise minus protocol fee) to `to`, to buy the hardware. Operator only.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function withdrawProceeds(ctx: ClusterShareContext, parameters: WithdrawProceedsParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "offering",
    functionName: "withdrawProceeds",
    args: [parameters.to],
    roles: ["operator"],
    check: async (cluster) => {
      if ((await read("ClusterOffering", "proceedsOwed", cluster.offering.proceedsOwed())) === 0n) {
        throw new PreflightError("ClusterOffering", "withdrawProceeds", "owed", "NothingToWithdraw");
      }
    },
  });
}
