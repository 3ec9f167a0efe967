import { BigDecimal, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  DonationsSwept, EarningStarted, EpochClosed, RentPaid, ReserveDeposited, ReserveWithdrawn, RevenueFeedChangeCancelled,
  RevenueFeedChanged, RevenueFeedProposed, RevenueReported, TransferFeeCharged,
} from "../generated/templates/RevenueVault/RevenueVault";
import { Cluster, Epoch, OracleReport, RentPayment, RevenueFeedChange } from "../generated/schema";
import { SECONDS_PER_YEAR, SHARE, ZERO } from "./helpers/constants";
import { currentCluster, loadProtocol } from "./helpers/entities";
import { epochId, eventId } from "./helpers/ids";
import { saveCluster } from "./helpers/snapshots";
import { blockTimestamp } from "./helpers/time";

/** The epoch entity, created open and empty on first use. Not saved. */
function getOrCreateEpoch(cluster: Cluster, number: BigInt): Epoch {
  const id = epochId(cluster.id, number);
  let epoch = Epoch.load(id);
  if (epoch == null) {
    epoch = new Epoch(id);
    epoch.cluster = cluster.id;
    epoch.number = number;
    epoch.rentPaid = ZERO;
    epoch.closed = false;
  }
  return epoch;
}

export function handleRentPaid(event: RentPaid): void {
  const cluster = currentCluster();
  const amount = event.params.amount;
  const epoch = getOrCreateEpoch(cluster, event.params.epoch);
  epoch.rentPaid = epoch.rentPaid.plus(amount);
  epoch.save();

  const payment = new RentPayment(eventId(event));
  payment.cluster = cluster.id;
  payment.payer = event.params.payer;
  payment.epoch = epoch.id;
  payment.amount = amount;
  payment.paymentRef = event.params.paymentRef;
  payment.timestamp = blockTimestamp(event);
  payment.transactionHash = event.transaction.hash;
  payment.save();

  cluster.rentPaid = cluster.rentPaid.plus(amount);
  saveCluster(cluster, event);
  const protocol = loadProtocol();
  protocol.totalRentPaid = protocol.totalRentPaid.plus(amount);
  protocol.save();
}

/**
 * An epoch closed: the release split, the attested revenue, the shortfall, and the yield it implies. (The
 * vault's ShortfallRecorded event, emitted just before, carries nothing this does not.)
 */
export function handleEpochClosed(event: EpochClosed): void {
  const cluster = currentCluster();
  const p = event.params;
  // The vault's own arithmetic: whatever was attested and not released is owed on top of the earlier shortfall.
  cluster.shortfall = cluster.shortfall.plus(p.newlyAttested).minus(p.released);
  cluster.revenueAttested = p.cumulativeRevenue;
  cluster.distributed = cluster.distributed.plus(p.toHolders);
  cluster.protocolFees = cluster.protocolFees.plus(p.protocolFee);
  cluster.operatorFees = cluster.operatorFees.plus(p.operatorFee);
  cluster.reserve = cluster.reserve.plus(p.toReserve);
  cluster.epochsClosed += 1;
  cluster.trailingApr = annualisedYield(cluster, p.toHolders);

  const epoch = getOrCreateEpoch(cluster, p.epoch);
  epoch.closed = true;
  epoch.closedAt = blockTimestamp(event);
  epoch.cumulativeRevenue = p.cumulativeRevenue;
  epoch.newlyAttested = p.newlyAttested;
  epoch.released = p.released;
  epoch.toHolders = p.toHolders;
  epoch.protocolFee = p.protocolFee;
  epoch.operatorFee = p.operatorFee;
  epoch.toReserve = p.toReserve;
  epoch.shortfall = cluster.shortfall;
  epoch.nextEpochEnd = p.nextEpochEnd;
  epoch.save();

  const report = new OracleReport(eventId(event));
  report.cluster = cluster.id;
  report.kind = "Revenue";
  report.value = p.cumulativeRevenue;
  report.timestamp = blockTimestamp(event);
  report.blockNumber = event.block.number;
  report.save();
  saveCluster(cluster, event);

  const protocol = loadProtocol();
  protocol.totalRevenueAttested = protocol.totalRevenueAttested.plus(p.newlyAttested);
  protocol.totalDistributed = protocol.totalDistributed.plus(p.toHolders);
  protocol.totalProtocolFees = protocol.totalProtocolFees.plus(p.protocolFee);
  protocol.save();
}

/** One epoch's holder yield over the shares' NAV value, scaled to a year; null while there is no NAV or supply. */
function annualisedYield(cluster: Cluster, toHolders: BigInt): BigDecimal | null {
  const nav = cluster.navPerShare;
  // `===`: BigInt overloads `==`, which must not see a null.
  if (nav === null || cluster.totalSupply.isZero() || cluster.epochLength.isZero()) return null;
  const value = (nav as BigInt).times(cluster.totalSupply).div(SHARE);
  if (value.isZero()) return null;
  const epochsPerYear = BigInt.fromI64(SECONDS_PER_YEAR).toBigDecimal().div(cluster.epochLength.toBigDecimal());
  return toHolders.toBigDecimal().times(epochsPerYear).div(value.toBigDecimal());
}

export function handleReserveWithdrawn(event: ReserveWithdrawn): void {
  setReserve(event.params.reserve, event);
}

export function handleReserveDeposited(event: ReserveDeposited): void {
  setReserve(event.params.reserve, event);
}

export function handleDonationsSwept(event: DonationsSwept): void {
  setReserve(event.params.reserve, event);
}

/** The vault reports the reserve after each movement; take its figure rather than re-deriving it. */
function setReserve(reserve: BigInt, event: ethereum.Event): void {
  const cluster = currentCluster();
  cluster.reserve = reserve;
  saveCluster(cluster, event);
}

/** The cluster started earning: the feed's baseline is its first high-water mark. */
export function handleEarningStarted(event: EarningStarted): void {
  const cluster = currentCluster();
  if (event.params.known) cluster.feedHighWater = event.params.baseline;
  saveCluster(cluster, event);
}

/** What a close read from the feed: its mark from now on and the billing carried to later closes. */
export function handleRevenueReported(event: RevenueReported): void {
  const cluster = currentCluster();
  cluster.feedHighWater = event.params.highWater;
  cluster.carriedRevenue = event.params.carried;
  saveCluster(cluster, event);
}

export function handleRevenueFeedProposed(event: RevenueFeedProposed): void {
  const cluster = currentCluster();
  const change = newFeedChange(cluster, "Proposed", event.params.aggregator, event);
  change.heartbeat = event.params.heartbeat;
  change.baseline = event.params.baseline;
  change.maxCarried = event.params.maxCarried;
  change.readyAt = event.params.readyAt;
  change.save();
  cluster.pendingRevenueFeed = event.params.aggregator;
  cluster.pendingRevenueFeedReadyAt = event.params.readyAt;
  saveCluster(cluster, event);
}

export function handleRevenueFeedChangeCancelled(event: RevenueFeedChangeCancelled): void {
  const cluster = currentCluster();
  const change = newFeedChange(cluster, "Cancelled", event.params.aggregator, event);
  change.by = event.params.by;
  change.save();
  cluster.pendingRevenueFeed = null;
  cluster.pendingRevenueFeedReadyAt = null;
  saveCluster(cluster, event);
}

export function handleRevenueFeedChanged(event: RevenueFeedChanged): void {
  const cluster = currentCluster();
  const p = event.params;
  const change = newFeedChange(cluster, "Applied", p.aggregator, event);
  change.previous = p.previous;
  change.heartbeat = p.heartbeat;
  change.decimals = p.decimals;
  change.baseline = p.baseline;
  change.carried = p.carried;
  change.save();
  cluster.revenueFeed = p.aggregator;
  cluster.feedHighWater = p.baseline;
  cluster.carriedRevenue = p.carried;
  cluster.pendingRevenueFeed = null;
  cluster.pendingRevenueFeedReadyAt = null;
  saveCluster(cluster, event);
}

/** A transfer fee took part of a payment into the vault or from it to the share token. */
export function handleTransferFeeCharged(event: TransferFeeCharged): void {
  const cluster = currentCluster();
  cluster.transferFeesLost = cluster.transferFeesLost.plus(event.params.sent.minus(event.params.received));
  saveCluster(cluster, event);
}

function newFeedChange(cluster: Cluster, kind: string, aggregator: Bytes, event: ethereum.Event): RevenueFeedChange {
  const change = new RevenueFeedChange(eventId(event));
  change.cluster = cluster.id;
  change.kind = kind;
  change.aggregator = aggregator;
  change.timestamp = blockTimestamp(event);
  change.blockNumber = event.block.number;
  change.transactionHash = event.transaction.hash;
  return change;
}
