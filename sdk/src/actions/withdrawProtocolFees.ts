import { PreflightError } from "../errors";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface WithdrawProtocolFeesParameters {
  clusterId: bigint;
  /** `vault`: the protocol's share of released rent; `offering`: its fee on the raise. */
  from: "vault" | "offering";
}

/**
 * Sends the protocol fees a cluster owes to the protocol's fee recipient (anyone may trigger it). Preflight:
 * something is owed.
 * @throws PreflightError `NothingToWithdraw`; ClusterShareError; RpcError.
 */
export async function withdrawProtocolFees(ctx: ClusterShareContext, parameters: WithdrawProtocolFeesParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: parameters.from,
    functionName: "withdrawProtocolFees",
    args: [],
    check: async (cluster) => {
      const owed = parameters.from === "vault"
        ? await read("RevenueVault", "protocolFeesOwed", cluster.vault.protocolFeesOwed())
        : await read("ClusterOffering", "protocolFeeOwed", cluster.offering.protocolFeeOwed());
      if (owed === 0n) {
        throw new PreflightError(parameters.from === "vault" ? "RevenueVault" : "ClusterOffering", "withdrawProtocolFees", "owed", "NothingToWithdraw");
      }
    },
  });
}
