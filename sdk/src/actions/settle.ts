import { requireNotPaused, requirePreview } from "./internal/checks";
import { beginAction, type ClusterParameters } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { transact, type ActionReceipt } from "./internal/transact";

export type SettleParameters = ClusterParameters;

export interface SettleReturnType extends ActionReceipt {
  /** Share units filled and stablecoin units set aside for them, over every era this settlement filled. */
  sharesFilled: bigint;
  assets: bigint;
}

/**
 * Settles the redemption queue for the epoch just closed (anyone, once per vault epoch): prices matured requests at
 * NAV minus the fee and fills them from the reserve. Preflight: not paused, then the queue's own `previewSettle`
 * (due, something matured, reserve and price).
 * @throws PreflightError (`SettlementNotDue`, `NothingToSettle`, `ReserveTooSmall`, …); ClusterShareError; RpcError.
 */
export async function settle(ctx: ClusterShareContext, parameters: SettleParameters): Promise<SettleReturnType> {
  const site = { contract: "RedemptionQueue" as const, functionName: "settle" };
  const { cluster } = await beginAction(ctx, site, parameters.clusterId);
  await requireNotPaused(site, cluster);
  await requirePreview(site, "previewSettle", cluster.redemptionQueue.previewSettle());
  const result = await transact(ctx, { contract: cluster.redemptionQueue, name: site.contract, functionName: "settle", args: [] });
  const fills = result.events.filter((e) => e.name === "RedeemSettled");
  return {
    ...result,
    sharesFilled: fills.reduce((sum, e) => sum + (e.args.sharesFilled as bigint), 0n),
    assets: fills.reduce((sum, e) => sum + (e.args.assets as bigint), 0n),
  };
}
