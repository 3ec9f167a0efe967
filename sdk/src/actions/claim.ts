import { PreflightError } from "../errors";
import { requireAddress } from "./internal/checks";
import { loadCluster } from "./internal/cluster";
import { signerOf, type ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

export interface ClaimParameters {
  clusterId: bigint;
  /** Where the stablecoin goes: the signer by default; another address when the stablecoin blocks the holder. */
  to?: string;
}

export interface ClaimReturnType extends ActionReceipt {
  /** Stablecoin units claimed (from `RewardClaimed`). */
  amount: bigint;
}

/**
 * Claims the signer's streamed yield in one cluster. Works while the cluster is paused. Preflight: a receiver, and
 * something earned.
 * @throws PreflightError `NothingToClaim`, `ZeroAddress`; ClusterShareError; RpcError.
 */
export async function claim(ctx: ClusterShareContext, parameters: ClaimParameters): Promise<ClaimReturnType> {
  const site = { contract: "ClusterShareToken" as const, functionName: "claim" };
  const holder = await signerOf(ctx, site.contract, site.functionName).getAddress();
  const to = parameters.to ?? holder;
  requireAddress(site, to, "to");
  const cluster = await loadCluster(ctx, parameters.clusterId);
  if ((await read(site.contract, "earned", cluster.token.earned(holder))) === 0n) {
    throw new PreflightError(site.contract, site.functionName, "earned", "NothingToClaim");
  }
  const result = await transact(ctx, { contract: cluster.token, name: site.contract, functionName: "claim", args: [to] });
  return { ...result, amount: findEvent(result.events, "RewardClaimed")!.args.amount as bigint };
}
