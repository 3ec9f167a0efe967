import { PreflightError } from "../errors";
import { latestTimestamp, requirePreview } from "./internal/checks";
import { beginAction, type ClusterParameters } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { read } from "./internal/read";
import { transact, type ActionReceipt } from "./internal/transact";

export type CloseEpochParameters = ClusterParameters;

export interface CloseEpochReturnType extends ActionReceipt {
  /** The closed epoch and what it released, split (from `EpochClosed`). */
  epoch: bigint;
  released: bigint;
  toHolders: bigint;
}

/**
 * Closes the running epoch of a cluster's vault (anyone, once it ended): reads the revenue feed, releases the
 * attested rent and streams the holders' part. Preflight: the epoch has ended, then the vault's own `previewClose`
 * (pause, oracle reads, everything the close checks).
 * @throws PreflightError `EpochNotEnded` or the error `previewClose` reverts with; ClusterShareError; RpcError.
 */
export async function closeEpoch(ctx: ClusterShareContext, parameters: CloseEpochParameters): Promise<CloseEpochReturnType> {
  const site = { contract: "RevenueVault" as const, functionName: "closeEpoch" };
  const { cluster } = await beginAction(ctx, site, parameters.clusterId);
  const [endsAt, epoch, now] = await Promise.all([
    read(site.contract, "epochEnd", cluster.vault.epochEnd()),
    read(site.contract, "currentEpoch", cluster.vault.currentEpoch()),
    latestTimestamp(site, cluster),
  ]);
  // The close runs in the next block, one second later at the earliest.
  if (now + 1n < endsAt) {
    throw new PreflightError(site.contract, site.functionName, "epochEnded", "EpochNotEnded", { epoch, endsAt });
  }
  await requirePreview(site, "previewClose", cluster.vault.previewClose());
  const result = await transact(ctx, { contract: cluster.vault, name: site.contract, functionName: "closeEpoch", args: [] });
  const closed = findEvent(result.events, "EpochClosed")!;
  return {
    ...result,
    epoch: closed.args.epoch as bigint,
    released: closed.args.released as bigint,
    toHolders: closed.args.toHolders as bigint,
  };
}
