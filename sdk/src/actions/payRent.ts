import { encodeBytes32String, isHexString } from "ethers";
import { PreflightError } from "../errors";
import { ensureAllowance, requireBalance, requireNotPaused, requirePositive } from "./internal/checks";
import { loadCluster } from "./internal/cluster";
import { signerOf, type ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

export interface PayRentParameters {
  clusterId: bigint;
  /** Stablecoin units to pay into the vault's escrow. */
  amount: bigint;
  /** The payment's reference (an invoice id): 32 bytes hex, or text of up to 31 characters. */
  paymentRef: string;
}

export interface PayRentReturnType extends ActionReceipt {
  /** Stablecoin units the vault booked (what arrived) and the epoch they were paid in (from `RentPaid`). */
  amount: bigint;
  epoch: bigint;
}

/**
 * Pays rent into a cluster's revenue vault (anyone may pay). Approves the vault for exactly `amount` when the
 * allowance is short. Preflight: a positive amount, not paused, the cluster active (raise succeeded), the payer's
 * balance.
 * @throws PreflightError (`EnforcedPause`, `ClusterNotActive`, `ERC20InsufficientBalance`); ClusterShareError; RpcError.
 */
export async function payRent(ctx: ClusterShareContext, parameters: PayRentParameters): Promise<PayRentReturnType> {
  const site = { contract: "RevenueVault" as const, functionName: "payRent" };
  const signer = signerOf(ctx, site.contract, site.functionName);
  const payer = await signer.getAddress();
  requirePositive(site, parameters.amount);
  const paymentRef = isHexString(parameters.paymentRef, 32) ? parameters.paymentRef : encodeBytes32String(parameters.paymentRef);
  const cluster = await loadCluster(ctx, parameters.clusterId);
  await requireNotPaused(site, cluster);
  if (await read("ClusterShareToken", "locked", cluster.token.locked())) {
    throw new PreflightError(site.contract, site.functionName, "active", "ClusterNotActive");
  }
  await requireBalance(site, cluster.stablecoin, "ERC20Permit", payer, parameters.amount);
  await ensureAllowance(ctx, cluster, signer, await cluster.vault.getAddress(), parameters.amount);
  const result = await transact(ctx, {
    contract: cluster.vault, name: site.contract, functionName: "payRent", args: [parameters.amount, paymentRef],
  });
  const paid = findEvent(result.events, "RentPaid")!;
  return { ...result, amount: paid.args.amount as bigint, epoch: paid.args.epoch as bigint };
}
