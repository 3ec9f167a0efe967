import { PreflightError } from "../errors";
import { requirePreview } from "./internal/checks";
import { loadCluster } from "./internal/cluster";
import { signerOf, type ClusterShareContext } from "./internal/context";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

export interface ExcludePoolParameters {
  clusterId: bigint;
  /** The pool's other token (the stablecoin, WETH, …). */
  pairedToken: string;
  /** The Uniswap V3 fee tier (500, 3000, 10000); omitted for the Uniswap V2 pair. */
  fee?: number;
}

export interface ExcludePoolReturnType extends ActionReceipt {
  /** The pool's address, derived by the share token from the registered Uniswap factory (CREATE2). */
  pool: string;
}

/**
 * Excludes a Uniswap pool of the share from yield (anyone: the token proves the address from the registered
 * factory, so it works before the pool exists). Preflight: the address derives (`NoDexFactory`,
 * `InvalidPairedToken`), shares are transferable, the pool is not excluded yet.
 * @throws PreflightError; ClusterShareError; RpcError.
 */
export async function excludePool(ctx: ClusterShareContext, parameters: ExcludePoolParameters): Promise<ExcludePoolReturnType> {
  const v3 = parameters.fee !== undefined;
  const site = { contract: "ClusterShareToken" as const, functionName: v3 ? "excludeV3Pool" : "excludePool" };
  signerOf(ctx, site.contract, site.functionName);
  const cluster = await loadCluster(ctx, parameters.clusterId);
  const pool = v3
    ? await requirePreview(site, "v3PoolFor", cluster.token.v3PoolFor(parameters.pairedToken, parameters.fee!))
    : await requirePreview(site, "poolFor", cluster.token.poolFor(parameters.pairedToken));
  if (await read(site.contract, "locked", cluster.token.locked())) {
    throw new PreflightError(site.contract, site.functionName, "locked", "SharesLocked");
  }
  if (await read(site.contract, "isExcluded", cluster.token.isExcluded(pool))) {
    throw new PreflightError(site.contract, site.functionName, "excluded", "ExclusionUnchanged", { account: pool, excluded: true });
  }
  const args = v3 ? [parameters.pairedToken, parameters.fee] : [parameters.pairedToken];
  const result = await transact(ctx, { contract: cluster.token, name: site.contract, functionName: site.functionName, args });
  return { ...result, pool };
}
