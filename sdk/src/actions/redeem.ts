import { PreflightError } from "../errors";
import { requireAddress } from "./internal/checks";
import { beginAction, type ClusterParameters } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

export interface RedeemParameters extends ClusterParameters {
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
  const { caller, cluster } = await beginAction(ctx, site, parameters.clusterId);
  const controller = parameters.controller ?? caller;
  const receiver = parameters.receiver ?? caller;
  requireAddress(site, receiver, "receiver");
  const [claimable] = await read(site.contract, "claimable", cluster.redemptionQueue.claimable(controller));
  const shares = parameters.shares ?? claimable;
  if (shares === 0n) {
    throw new PreflightError(site.contract, site.functionName, "claimable", "ZeroAmount", {}, `${controller} has nothing claimable`);
  }
  if (shares > claimable) {
    throw new PreflightError(site.contract, site.functionName, "claimable", "ExceedsClaimable", { shares, claimable });
  }
  const result = await transact(ctx, {
    contract: cluster.redemptionQueue, name: site.contract, functionName: "redeem", args: [shares, receiver, controller],
  });
  const withdraw = findEvent(result.events, "Withdraw")!;
  return { ...result, assets: withdraw.args.assets as bigint, shares: withdraw.args.shares as bigint };
}
