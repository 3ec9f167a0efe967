import { PreflightError } from "../errors";
import { beginAction, type ClusterParameters } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

export interface CancelRedeemRequestParameters extends ClusterParameters {
  requestId: bigint;
  /** The request's controller; the signer by default. */
  controller?: string;
}

export interface CancelRedeemRequestReturnType extends ActionReceipt {
  /** Share units returned to the controller (from `CancelRedeemRequest`). */
  shares: bigint;
}

/**
 * Cancels what is still pending of a redemption request; the shares go back to the controller (never blocked by
 * the transfer policy). Preflight: shares pending in that request.
 * @throws PreflightError `NothingPending`; ClusterShareError; RpcError.
 */
export async function cancelRedeemRequest(
  ctx: ClusterShareContext,
  parameters: CancelRedeemRequestParameters,
): Promise<CancelRedeemRequestReturnType> {
  const site = { contract: "RedemptionQueue" as const, functionName: "cancelRedeemRequest" };
  const { caller, cluster } = await beginAction(ctx, site, parameters.clusterId);
  const controller = parameters.controller ?? caller;
  const pending = await read(site.contract, "pendingRedeemRequest", cluster.redemptionQueue.pendingRedeemRequest(parameters.requestId, controller));
  if (pending === 0n) {
    throw new PreflightError(site.contract, site.functionName, "pending", "NothingPending", { requestId: parameters.requestId, controller });
  }
  const result = await transact(ctx, {
    contract: cluster.redemptionQueue, name: site.contract, functionName: "cancelRedeemRequest", args: [parameters.requestId, controller],
  });
  return { ...result, shares: findEvent(result.events, "CancelRedeemRequest")!.args.shares as bigint };
}
