import { PreflightError } from "../errors";
import { latestTimestamp, requireAddress, type CheckSite } from "./internal/checks";
import type { ClusterHandle } from "./internal/cluster";
import { beginAction, type ClusterParameters } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

export interface ClaimParameters extends ClusterParameters {
  /** Where the stablecoin goes: the signer by default; another address when the stablecoin blocks the holder. */
  to?: string;
}

export interface ClaimReturnType extends ActionReceipt {
  /** Stablecoin units claimed (from `RewardClaimed`). */
  amount: bigint;
}

/**
 * Claims the signer's streamed yield in one cluster. Works while the cluster is paused. Preflight: a receiver, and
 * something earned (or being earned: an eligible balance while the stream runs).
 * @throws PreflightError `NothingToClaim`, `ZeroAddress`; ClusterShareError; RpcError.
 */
export async function claim(ctx: ClusterShareContext, parameters: ClaimParameters): Promise<ClaimReturnType> {
  const site = { contract: "ClusterShareToken" as const, functionName: "claim" };
  const { caller: holder, cluster } = await beginAction(ctx, site, parameters.clusterId);
  const to = parameters.to ?? holder;
  requireAddress(site, to, "to");
  if ((await read(site.contract, "earned", cluster.token.earned(holder))) === 0n && !(await earnsNextBlock(site, cluster, holder))) {
    throw new PreflightError(site.contract, site.functionName, "earned", "NothingToClaim");
  }
  const result = await transact(ctx, { contract: cluster.token, name: site.contract, functionName: "claim", args: [to] });
  return { ...result, amount: findEvent(result.events, "RewardClaimed")!.args.amount as bigint };
}

/**
 * `earned` is read at the latest block, the claim runs in a later one: an eligible holder of a running stream has
 * earned something by then even when `earned` reads zero (a purchase in the block before), so only an account
 * that cannot earn is refused.
 */
async function earnsNextBlock(site: CheckSite, cluster: ClusterHandle, holder: string): Promise<boolean> {
  const [balance, excluded, periodFinish, now] = await Promise.all([
    read(site.contract, "balanceOf", cluster.token.balanceOf(holder)),
    read(site.contract, "isExcluded", cluster.token.isExcluded(holder)),
    read(site.contract, "periodFinish", cluster.token.periodFinish()),
    latestTimestamp(site, cluster),
  ]);
  return balance > 0n && !excluded && periodFinish > now;
}
