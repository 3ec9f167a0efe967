import { PreflightError } from "../errors";
import { clusterCall, type ClusterParameters } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";

export interface WithdrawProtocolFeesParameters extends ClusterParameters {
  /** `vault`: the protocol's share of released rent; `offering`: its fee on the raise. */
  from: "vault" | "offering";
}

/**
 * Sends the protocol fees a cluster owes to the protocol's fee recipient (anyone may trigger it). Preflight:
 * something is owed.
 * @throws PreflightError `NothingToWithdraw`; ClusterShareError; RpcError.
 */
export async function withdrawProtocolFees(ctx: ClusterShareContext, parameters: WithdrawProtocolFeesParameters): Promise<ActionReceipt> {
  const contract = parameters.from === "vault" ? "RevenueVault" : "ClusterOffering";
  return clusterCall(ctx, {
    clusterId: parameters.clusterId, target: parameters.from, functionName: "withdrawProtocolFees", args: [],
    check: async ({ cluster }) => {
      const owed = parameters.from === "vault"
        ? await read(contract, "protocolFeesOwed", cluster.vault.protocolFeesOwed())
        : await read(contract, "protocolFeeOwed", cluster.offering.protocolFeeOwed());
      if (owed === 0n) throw new PreflightError(contract, "withdrawProtocolFees", "owed", "NothingToWithdraw");
    },
  });
}
