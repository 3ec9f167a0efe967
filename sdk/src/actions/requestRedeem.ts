import { requireAddress, requireBalance, requirePositive, requireTransferAllowed } from "./internal/checks";
import { beginAction, type ClusterParameters } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { transact, type ActionReceipt } from "./internal/transact";

export interface RequestRedeemParameters extends ClusterParameters {
  /** Share units to redeem. */
  shares: bigint;
  /** Who may cancel and redeem the request; the signer by default. */
  controller?: string;
  /** Whose shares are escrowed; the signer by default (else the signer must be the owner's ERC-7540 operator). */
  owner?: string;
}

export interface RequestRedeemReturnType extends ActionReceipt {
  /** The request's id (the era it joined), from `RedeemRequest`. */
  requestId: bigint;
}

/**
 * Asks to redeem shares at NAV through the queue (ERC-7540): the shares move into escrow and stop earning. Preflight:
 * a positive amount, the owner's balance, and for another controller a transfer the policy allows.
 * @throws PreflightError; ClusterShareError (`RequestInProgress`, `Unauthorized`); RpcError.
 */
export async function requestRedeem(ctx: ClusterShareContext, parameters: RequestRedeemParameters): Promise<RequestRedeemReturnType> {
  const site = { contract: "RedemptionQueue" as const, functionName: "requestRedeem" };
  requirePositive(site, parameters.shares, "shares");
  const { caller, cluster } = await beginAction(ctx, site, parameters.clusterId);
  const owner = parameters.owner ?? caller;
  const controller = parameters.controller ?? caller;
  requireAddress(site, controller, "controller");
  await requireBalance(site, cluster.token, "ClusterShareToken", owner, parameters.shares);
  if (controller.toLowerCase() !== owner.toLowerCase()) {
    await requireTransferAllowed(site, cluster, owner, controller, parameters.shares, "ControllerNotAllowed");
  }
  const result = await transact(ctx, {
    contract: cluster.redemptionQueue, name: site.contract, functionName: "requestRedeem", args: [parameters.shares, controller, owner],
  });
  return { ...result, requestId: findEvent(result.events, "RedeemRequest")!.args.requestId as bigint };
}
