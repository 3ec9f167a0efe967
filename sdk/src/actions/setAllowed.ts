import { PreflightError } from "../errors";
import { latestTimestamp } from "./internal/checks";
import { clusterCall } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import type { ActionReceipt } from "./internal/transact";

export interface SetAllowedParameters {
  clusterId: bigint;
  /** The accounts to allowlist or remove. */
  accounts: string[];
  /** When the entries lapse (Unix seconds), or 0 to remove. */
  expiry: bigint;
}

/**
 * Allowlists `accounts` until `expiry` (Unix seconds; 0 removes them). Operator or protocol admin; the cluster needs an allowlist.
 * Preflight: the signer's role and the action's own state, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export async function setAllowed(ctx: ClusterShareContext, parameters: SetAllowedParameters): Promise<ActionReceipt> {
  return clusterCall(ctx, {
    clusterId: parameters.clusterId,
    target: "policy",
    functionName: "setAllowed",
    args: [parameters.accounts, parameters.expiry],
    roles: ["operator", "admin"],
    check: async (cluster) => {
      const now = await latestTimestamp({ contract: "AllowlistPolicy", functionName: "setAllowed" }, cluster);
      if (parameters.expiry !== 0n && parameters.expiry <= now + 1n) {
        throw new PreflightError("AllowlistPolicy", "setAllowed", "expiry", "ExpiryInPast", { expiry: parameters.expiry });
      }
    },
  });
}
