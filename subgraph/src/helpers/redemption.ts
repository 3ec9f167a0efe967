/**
 * A mirror of the redemption queue's O(1) bookkeeping (eras, units, per-unit accumulator, sync checkpoints), so
 * that every request's pending, filled and claimable figures equal what the queue's views return, to the unit.
 * The queue syncs a controller only when that controller acts; the figures here are the views: the checkpoint
 * plus the progress since, recomputed whenever the era changes.
 */
import { BigInt } from "@graphprotocol/graph-ts";
import { Cluster, Position, RedemptionEra, RedemptionRequest } from "../../generated/schema";
import { ASSETS_PER_UNIT_SCALE, REMAINING_SCALE, ZERO } from "./constants";
import { redemptionEraId } from "./ids";

export function loadOrCreateEra(cluster: Cluster, number: BigInt): RedemptionEra {
  const id = redemptionEraId(cluster.id, number);
  let era = RedemptionEra.load(id);
  if (era == null) {
    era = new RedemptionEra(id);
    era.cluster = cluster.id;
    era.number = number;
    era.units = ZERO;
    era.pending = ZERO;
    era.matured = false;
    era.settled = false;
    era.finished = false;
    era.remainingPerUnit = REMAINING_SCALE;
    era.assetsPerUnit = ZERO;
    era.openRequests = [];
  }
  return era;
}

/** The queue's `_progress`: pending shares now (the view `pendingRedeemRequest`). */
function pendingNow(request: RedemptionRequest, era: RedemptionEra): BigInt {
  if (!era.settled) return request.pendingAtSync;
  if (era.finished) return ZERO;
  return request.units.times(era.remainingPerUnit).div(REMAINING_SCALE);
}

/** Shares filled since the last sync (remainingPerUnit never rises, so this is never negative). */
function filledSinceSync(request: RedemptionRequest, era: RedemptionEra): BigInt {
  return request.pendingAtSync.minus(pendingNow(request, era));
}

/** Stablecoin earned since the last sync, floored like the queue. */
function gainedSinceSync(request: RedemptionRequest, era: RedemptionEra): BigInt {
  if (!era.settled) return ZERO;
  return request.units.times(era.assetsPerUnit.minus(request.paidPerUnit)).div(ASSETS_PER_UNIT_SCALE);
}

/** The queue's `_sync`: credits the progress to the checkpoint and the controller's claimable word. */
export function syncRequest(request: RedemptionRequest, era: RedemptionEra, position: Position): void {
  if (request.units.isZero()) return;
  const filled = filledSinceSync(request, era);
  const gained = gainedSinceSync(request, era);
  request.pendingAtSync = pendingNow(request, era);
  request.sharesSynced = request.sharesSynced.plus(filled);
  request.assetsSynced = request.assetsSynced.plus(gained);
  position.claimableSharesSynced = position.claimableSharesSynced.plus(filled);
  position.claimableAssetsSynced = position.claimableAssetsSynced.plus(gained);
  if (era.finished) {
    request.units = ZERO;
    request.paidPerUnit = ZERO;
  } else if (era.settled) {
    request.paidPerUnit = era.assetsPerUnit;
  }
  if (!filled.isZero()) markUnclaimed(position, request.id);
}

/**
 * Recomputes the request's figures and its controller's from the checkpoint plus the progress since (the
 * queue's views `pendingRedeemRequest` and `claimable`), and its status.
 */
export function refreshRequest(request: RedemptionRequest, era: RedemptionEra, position: Position): void {
  const filled = filledSinceSync(request, era);
  const gained = gainedSinceSync(request, era);
  request.sharesPending = request.units.isZero() ? ZERO : pendingNow(request, era);
  request.sharesFilled = request.sharesSynced.plus(filled);
  request.assetsFilled = request.assetsSynced.plus(gained);
  request.status = statusOf(request);
  if (!filled.isZero()) markUnclaimed(position, request.id);
  const open = position.openRedemptionRequest;
  if (open != null && open == request.id) {
    position.sharesPendingRedemption = request.sharesPending;
    position.claimableRedemptionShares = position.claimableSharesSynced.plus(filled);
    position.claimableRedemptionAssets = position.claimableAssetsSynced.plus(gained);
  }
}

/** The controller's claimable figures when it has no request in progress. */
export function refreshIdlePosition(position: Position): void {
  position.sharesPendingRedemption = ZERO;
  position.claimableRedemptionShares = position.claimableSharesSynced;
  position.claimableRedemptionAssets = position.claimableAssetsSynced;
}

export function statusOf(request: RedemptionRequest): string {
  if (!request.sharesPending.isZero()) return request.sharesFilled.isZero() ? "Pending" : "PartiallyFilled";
  if (!request.sharesCancelled.isZero() && request.sharesClaimed.equals(request.sharesFilled)) return "Cancelled";
  return request.sharesClaimed.lt(request.sharesFilled) ? "Claimable" : "Claimed";
}

function markUnclaimed(position: Position, requestId: string): void {
  const list = position.unclaimedRedemptions;
  if (!list.includes(requestId)) {
    list.push(requestId);
    position.unclaimedRedemptions = list;
  }
}

/** Removes `id` from `ids` (a copy; AssemblyScript arrays on entities must be written back). */
export function without(ids: string[], id: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i] != id) out.push(ids[i]);
  return out;
}
