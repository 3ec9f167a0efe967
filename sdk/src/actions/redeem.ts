import { PreflightError } from "../errors";
import { requireAddress } from "./internal/checks";
import { loadCluster } from "./internal/cluster";
import { signerOf, type ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

export interface RedeemParameters {
  clusterId: bigint;
  /** Claimable share units to redeem; all of them by default. */
  shares?: bigint;
  /** Who receives the stablecoin; the signer by default. */
  receiver?: string;
  /** Whose claimable shares; the signer by default. */
  controller?: string;
}

export interface RedeemReturnType extends ActionReceipt {
  /** Stablecoin units paid and share units redeemed (from `Withdraw`). */
  assets: bigint;
  shares: bigint;
}

/**
 * Collects the stablecoin for filled (claimable) redemption shares. Preflight: something claimable, at least
 * `shares` of it.
 * @throws PreflightError `ZeroAmount` (nothing claimable), `ExceedsClaimable`; ClusterShareError; RpcError.
 */
export async function redeem(ctx: ClusterShareContext, parameters: RedeemParameters): Promise<RedeemReturnType> {
  const site = { contract: "RedemptionQueue" as const, functionName: "redeem" };
  const signer = await signerOf(ctx, site.contract, site.functionName).getAddress();
  const controller = parameters.controller ?? signer;
  const receiver = parameters.receiver ?? signer;
  requireAddress(site, receiver, "receiver");
  const cluster = await loadCluster(ctx, parameters.clusterId);
  const [claimable] = await read(site.contract, "claimable", cluster.queue.claimable(controller));
  const shares = parameters.shares ?? claimable;
  if (shares === 0n) {
    throw new PreflightError(site.contract, site.functionName, "claimable", "ZeroAmount", {}, `${controller} has nothing claimable`);
  }
  if (shares > claimable) {
    throw new PreflightError(site.contract, site.functionName, "claimable", "ExceedsClaimable", { shares, claimable });
  }
  const result = await transact(ctx, {
    contract: cluster.queue, name: site.contract, functionName: "redeem", args: [shares, receiver, controller],
  });
  const withdraw = findEvent(result.events, "Withdraw")!;
  return { ...result, assets: withdraw.args.assets as bigint, shares: withdraw.args.shares as bigint };
}
