import { PreflightError } from "../errors";
import { latestTimestamp } from "./internal/checks";
import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface SetAllowedParameters extends ClusterParameters {
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
export const setAllowed = clusterAction<SetAllowedParameters>({
  target: "policy", functionName: "setAllowed", roles: ["operator", "admin"],
  args: (parameters) => [parameters.accounts, parameters.expiry],
  check: async (parameters, { cluster, site }) => {
    // The entry must still be in the future in the block that writes it, one second after the latest at the earliest.
    const now = await latestTimestamp(site, cluster);
    if (parameters.expiry !== 0n && parameters.expiry <= now + 1n) {
      throw new PreflightError(site.contract, site.functionName, "expiry", "ExpiryInPast", { expiry: parameters.expiry });
    }
  },
});
