import { BigInt, ethereum } from "@graphprotocol/graph-ts";
import {
  CancelRedeemRequest, RedeemEraMatured, RedeemRequest, RedeemSettled, Withdraw,
} from "../generated/templates/RedemptionQueue/RedemptionQueue";
import { Cluster, Position, RedemptionClaim, RedemptionEra, RedemptionRequest, RedemptionSettlement } from "../generated/schema";
import { ZERO } from "./helpers/constants";
import { currentCluster, getOrCreateAccount, getOrCreatePosition, loadProtocol } from "./helpers/entities";
import { eventId, redemptionEraId, redemptionRequestId } from "./helpers/ids";
import {
  loadOrCreateEra, refreshIdlePosition, refreshRequest, statusOf, syncRequest, without,
} from "./helpers/redemption";
import { saveCluster } from "./helpers/snapshots";
import { blockTimestamp } from "./helpers/time";

/** Shares entered the queue for `controller` in the fresh era `requestId` (the queue's requestRedeem). */
export function handleRedeemRequest(event: RedeemRequest): void {
  const cluster = currentCluster();
  const shares = event.params.shares;
  const era = loadOrCreateEra(cluster, event.params.requestId);
  const position = getOrCreatePosition(cluster, event.params.controller);
  syncOpenRequest(position);

  // The fresh era is untouched: one unit per share, no checkpoint.
  era.units = era.units.plus(shares);
  era.pending = era.pending.plus(shares);

  const id = redemptionRequestId(cluster.id, event.params.controller, event.params.requestId);
  let request = RedemptionRequest.load(id);
  if (request == null) request = newRequest(id, cluster, era, event);
  if (request.units.isZero()) request.paidPerUnit = ZERO;
  request.units = request.units.plus(shares);
  request.pendingAtSync = request.units;
  request.sharesRequested = request.sharesRequested.plus(shares);
  request.updatedAt = blockTimestamp(event);
  position.openRedemptionRequest = id;
  if (!era.openRequests.includes(id)) {
    const open = era.openRequests;
    open.push(id);
    era.openRequests = open;
  }
  era.save();
  refreshRequest(request, era, position);
  request.save();
  position.save();

  cluster.sharesPendingRedemption = cluster.sharesPendingRedemption.plus(shares);
  saveCluster(cluster, event);
}

/** The controller's pending shares went back to it: exactly its own, nobody else's figures move. */
export function handleCancelRedeemRequest(event: CancelRedeemRequest): void {
  const cluster = currentCluster();
  const position = getOrCreatePosition(cluster, event.params.controller);
  const request = RedemptionRequest.load(redemptionRequestId(cluster.id, event.params.controller, event.params.requestId))!;
  const era = RedemptionEra.load(request.era)!;
  syncRequest(request, era, position);
  era.units = era.units.minus(request.units);
  // The last request out of an era takes its rounding dust with its own shares (the event's `shares`), so an era
  // emptied by cancels ends with nothing pending.
  era.pending = era.pending.minus(event.params.shares);
  era.openRequests = without(era.openRequests, request.id);
  era.save();

  request.units = ZERO;
  request.pendingAtSync = ZERO;
  request.paidPerUnit = ZERO;
  request.sharesCancelled = request.sharesCancelled.plus(event.params.shares);
  request.updatedAt = blockTimestamp(event);
  position.openRedemptionRequest = null;
  refreshRequest(request, era, position);
  refreshIdlePosition(position);
  request.save();
  position.save();

  cluster.sharesPendingRedemption = cluster.sharesPendingRedemption.minus(event.params.shares);
  saveCluster(cluster, event);
}

/** The fresh era's epoch closed: it matured, on its own or merged into the matured era (exactly: both untouched). */
export function handleRedeemEraMatured(event: RedeemEraMatured): void {
  const cluster = currentCluster();
  const fresh = RedemptionEra.load(redemptionEraId(cluster.id, event.params.requestId))!;
  fresh.matured = true;
  if (event.params.era.equals(event.params.requestId)) {
    fresh.save();
    return;
  }
  const into = RedemptionEra.load(redemptionEraId(cluster.id, event.params.era))!;
  into.units = into.units.plus(event.params.shares);
  into.pending = into.pending.plus(event.params.shares);
  const open = into.openRequests;
  for (let i = 0; i < fresh.openRequests.length; i++) {
    const request = RedemptionRequest.load(fresh.openRequests[i])!;
    request.era = into.id;
    request.save();
    open.push(request.id);
  }
  into.openRequests = open;
  into.save();
  fresh.mergedInto = into.id;
  fresh.units = ZERO;
  fresh.pending = ZERO;
  fresh.openRequests = [];
  fresh.save();
}

/** A settlement filled part or all of an era: every request in it progresses by the same fraction. */
export function handleRedeemSettled(event: RedeemSettled): void {
  const cluster = currentCluster();
  const p = event.params;
  const settlement = new RedemptionSettlement(eventId(event));
  settlement.cluster = cluster.id;
  settlement.settlementId = p.settlementId;
  settlement.requestId = p.requestId;
  settlement.navPerShare = p.navPerShare;
  settlement.pricePerShare = p.pricePerShare;
  settlement.sharesFilled = p.sharesFilled;
  settlement.assets = p.assets;
  settlement.sharesPending = p.sharesPending;
  settlement.fullyFilled = p.fullyFilled;
  settlement.remainingPerUnit = p.remainingPerUnit;
  settlement.assetsPerUnit = p.assetsPerUnit;
  settlement.timestamp = blockTimestamp(event);
  settlement.transactionHash = event.transaction.hash;
  settlement.save();

  const era = RedemptionEra.load(redemptionEraId(cluster.id, p.requestId))!;
  era.assetsPerUnit = p.assetsPerUnit;
  era.remainingPerUnit = p.remainingPerUnit;
  era.settled = true;
  era.pending = p.sharesPending;
  if (p.fullyFilled) era.finished = true;
  const open = era.openRequests;
  for (let i = 0; i < open.length; i++) {
    const request = RedemptionRequest.load(open[i])!;
    const settlements = request.settlements;
    settlements.push(settlement.id);
    request.settlements = settlements;
    request.save();
  }
  if (p.fullyFilled) era.openRequests = [];
  era.save();
  refreshRequests(era, open);

  cluster.sharesPendingRedemption = cluster.sharesPendingRedemption.minus(p.sharesFilled);
  cluster.sharesRedeemed = cluster.sharesRedeemed.plus(p.sharesFilled);
  cluster.assetsRedeemed = cluster.assetsRedeemed.plus(p.assets);
  saveCluster(cluster, event);
  const protocol = loadProtocol();
  protocol.totalRedeemedAssets = protocol.totalRedeemedAssets.plus(p.assets);
  protocol.save();
}

/** The controller redeemed filled shares: the claim is allocated to its oldest unclaimed requests first. */
export function handleWithdraw(event: Withdraw): void {
  const cluster = currentCluster();
  const controller = event.params.owner;
  const position = getOrCreatePosition(cluster, controller);
  syncOpenRequest(position);
  position.claimableSharesSynced = position.claimableSharesSynced.minus(event.params.shares);
  position.claimableAssetsSynced = position.claimableAssetsSynced.minus(event.params.assets);
  position.sharesRedeemed = position.sharesRedeemed.plus(event.params.shares);
  position.assetsRedeemed = position.assetsRedeemed.plus(event.params.assets);
  allocateClaim(position, event.params.shares, event.params.assets, event);

  const claim = new RedemptionClaim(eventId(event));
  claim.cluster = cluster.id;
  claim.controller = getOrCreateAccount(controller).id;
  claim.receiver = event.params.receiver;
  claim.sender = event.params.sender;
  claim.shares = event.params.shares;
  claim.assets = event.params.assets;
  claim.timestamp = blockTimestamp(event);
  claim.transactionHash = event.transaction.hash;
  claim.save();

  const openId = position.openRedemptionRequest;
  if (openId == null) {
    refreshIdlePosition(position);
    position.save();
  } else {
    const request = RedemptionRequest.load(openId!)!;
    const era = RedemptionEra.load(request.era)!;
    refreshRequest(request, era, position);
    request.save();
    position.save();
  }
}

function newRequest(id: string, cluster: Cluster, era: RedemptionEra, event: RedeemRequest): RedemptionRequest {
  const request = new RedemptionRequest(id);
  request.cluster = cluster.id;
  request.era = era.id;
  request.controller = getOrCreateAccount(event.params.controller).id;
  request.requestId = event.params.requestId;
  request.status = "Pending";
  request.sharesRequested = ZERO;
  request.sharesPending = ZERO;
  request.sharesFilled = ZERO;
  request.assetsFilled = ZERO;
  request.sharesCancelled = ZERO;
  request.sharesClaimed = ZERO;
  request.assetsClaimed = ZERO;
  request.units = ZERO;
  request.pendingAtSync = ZERO;
  request.paidPerUnit = ZERO;
  request.sharesSynced = ZERO;
  request.assetsSynced = ZERO;
  request.createdAt = blockTimestamp(event);
  request.settlements = [];
  return request;
}

/** Syncs the controller's request in progress, as the queue does before any action of that controller. */
function syncOpenRequest(position: Position): void {
  const openId = position.openRedemptionRequest;
  if (openId == null) return;
  const request = RedemptionRequest.load(openId!)!;
  const era = RedemptionEra.load(request.era)!;
  syncRequest(request, era, position);
  if (request.units.isZero()) position.openRedemptionRequest = null;
  refreshRequest(request, era, position);
  request.save();
}

function refreshRequests(era: RedemptionEra, ids: string[]): void {
  for (let i = 0; i < ids.length; i++) {
    const request = RedemptionRequest.load(ids[i])!;
    const position = Position.load(era.cluster + "-" + request.controller)!;
    refreshRequest(request, era, position);
    request.save();
    position.save();
  }
}

function allocateClaim(position: Position, shares: BigInt, assets: BigInt, event: ethereum.Event): void {
  let sharesLeft = shares;
  let assetsLeft = assets;
  const queue = position.unclaimedRedemptions;
  const remaining: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const request = RedemptionRequest.load(queue[i])!;
    const available = request.sharesFilled.minus(request.sharesClaimed);
    if (!sharesLeft.isZero() && !available.isZero()) {
      const take = sharesLeft.lt(available) ? sharesLeft : available;
      const assetsAvailable = request.assetsFilled.minus(request.assetsClaimed);
      // The last share of the claim takes what is left of its stablecoin, so the claim is allocated exactly.
      const assetsTaken = take.equals(sharesLeft) ? assetsLeft : assetsAvailable.times(take).div(available);
      request.sharesClaimed = request.sharesClaimed.plus(take);
      request.assetsClaimed = request.assetsClaimed.plus(assetsTaken);
      request.status = statusOf(request);
      request.updatedAt = blockTimestamp(event);
      request.save();
      sharesLeft = sharesLeft.minus(take);
      assetsLeft = assetsLeft.minus(assetsTaken);
    }
    if (request.sharesClaimed.lt(request.sharesFilled) || !request.sharesPending.isZero()) remaining.push(request.id);
  }
  position.unclaimedRedemptions = remaining;
}

