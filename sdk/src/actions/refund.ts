import { PreflightError } from "../errors";
import { requireAddress } from "./internal/checks";
import { beginAction, type ClusterParameters } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

const PHASE_FAILED = 2n;

export interface RefundParameters extends ClusterParameters {
  /** Where the stablecoin goes; the signer by default. */
  to?: string;
}

export interface RefundReturnType extends ActionReceipt {
  /** Stablecoin units refunded and share units burned (from `Refunded`). */
  assets: bigint;
  shares: bigint;
}

/**
 * Refunds the signer's shares of a failed raise at the full price. Works while paused. Preflight: the raise failed,
 * the signer holds shares.
 * @throws PreflightError `RefundsNotOpen`, `NothingToRefund`, `ZeroAddress`; ClusterShareError; RpcError.
 */
export async function refund(ctx: ClusterShareContext, parameters: RefundParameters): Promise<RefundReturnType> {
  const site = { contract: "ClusterOffering" as const, functionName: "refund" };
  const { caller: buyer, cluster } = await beginAction(ctx, site, parameters.clusterId);
  const to = parameters.to ?? buyer;
  requireAddress(site, to, "to");
  if ((await read(site.contract, "phase", cluster.offering.phase())) !== PHASE_FAILED) {
    throw new PreflightError(site.contract, site.functionName, "phase", "RefundsNotOpen");
  }
  if ((await read("ClusterShareToken", "balanceOf", cluster.token.balanceOf(buyer))) === 0n) {
    throw new PreflightError(site.contract, site.functionName, "balance", "NothingToRefund");
  }
  const result = await transact(ctx, { contract: cluster.offering, name: site.contract, functionName: "refund", args: [to] });
  const refunded = findEvent(result.events, "Refunded")!;
  return { ...result, assets: refunded.args.assets as bigint, shares: refunded.args.shares as bigint };
}
