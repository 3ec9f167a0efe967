import { PreflightError } from "../errors";
import { loadCluster } from "./internal/cluster";
import type { ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import type { ActionReceipt } from "./internal/transact";
import { excludePool, type ExcludePoolParameters } from "./excludePool";
import { setAllowed } from "./setAllowed";

export interface PrepareDexPoolParameters extends ExcludePoolParameters {
  /** When the pool's allowlist entry lapses (Unix seconds); needed when the cluster has an allowlist. */
  allowlistExpiry?: bigint;
}

export interface PrepareDexPoolReturnType {
  /** The pool's derived address. */
  pool: string;
  /** The exclusion, unless the pool was already excluded. */
  excluded?: ActionReceipt;
  /** The allowlist entry, for a cluster with an allowlist (the signer must be its operator or the protocol admin). */
  allowlisted?: ActionReceipt;
}

/**
 * Makes a Uniswap V2 pair or V3 pool ready for its first share, before liquidity is added: excluded from yield (so
 * it earns nothing holders should) and, under an allowlist, allowed to hold shares. Each step is skipped when done.
 * @throws PreflightError (`InvalidParameter` "allowlistExpiry" when the cluster has an allowlist and no expiry is
 *         given); the errors of `excludePool` and `setAllowed`.
 */
export async function prepareDexPool(ctx: ClusterShareContext, parameters: PrepareDexPoolParameters): Promise<PrepareDexPoolReturnType> {
  const cluster = await loadCluster(ctx, parameters.clusterId);
  const v3 = parameters.fee !== undefined;
  const pool = v3
    ? await read("ClusterShareToken", "v3PoolFor", cluster.token.v3PoolFor(parameters.pairedToken, parameters.fee!))
    : await read("ClusterShareToken", "poolFor", cluster.token.poolFor(parameters.pairedToken));
  const result: PrepareDexPoolReturnType = { pool };
  if (cluster.policy && !(await read("AllowlistPolicy", "isAllowed", cluster.policy.isAllowed(pool)))) {
    if (parameters.allowlistExpiry === undefined) {
      throw new PreflightError("AllowlistPolicy", "setAllowed", "allowlistExpiry", "InvalidParameter", { name: "allowlistExpiry" },
        "the cluster has an allowlist: give the pool's allowlistExpiry");
    }
    result.allowlisted = await setAllowed(ctx, { clusterId: parameters.clusterId, accounts: [pool], expiry: parameters.allowlistExpiry });
  }
  if (!(await read("ClusterShareToken", "isExcluded", cluster.token.isExcluded(pool)))) {
    result.excluded = await excludePool(ctx, parameters);
  }
  return result;
}
