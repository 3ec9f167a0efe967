import {
  IssuanceConfigured, OfferingFailed, OfferingSucceeded, Refunded, SharesPurchased,
} from "../generated/templates/ClusterOffering/ClusterOffering";
import { Purchase, Refund } from "../generated/schema";
import { currentCluster, getOrCreateAccount, getOrCreatePosition, loadProtocol } from "./helpers/entities";
import { eventId } from "./helpers/ids";
import { saveCluster } from "./helpers/snapshots";
import { blockTimestamp } from "./helpers/time";

/** A purchase in the raise, or later issuance at NAV plus premium once the cluster is active. */
export function handleSharesPurchased(event: SharesPurchased): void {
  const cluster = currentCluster();
  const assets = event.params.assets;
  const shares = event.params.shares;
  const inRaise = cluster.state == "Raising";

  const purchase = new Purchase(eventId(event));
  purchase.cluster = cluster.id;
  purchase.buyer = event.params.buyer;
  purchase.receiver = getOrCreateAccount(event.params.receiver).id;
  purchase.kind = inRaise ? "Raise" : "Issuance";
  purchase.assets = assets;
  purchase.shares = shares;
  purchase.timestamp = blockTimestamp(event);
  purchase.blockNumber = event.block.number;
  purchase.transactionHash = event.transaction.hash;
  purchase.save();

  const position = getOrCreatePosition(cluster, event.params.receiver);
  position.sharesPurchased = position.sharesPurchased.plus(shares);
  position.assetsPaid = position.assetsPaid.plus(assets);
  position.save();

  if (inRaise) {
    cluster.raised = cluster.raised.plus(assets);
    cluster.sharesSold = cluster.sharesSold.plus(shares);
    const protocol = loadProtocol();
    protocol.totalRaised = protocol.totalRaised.plus(assets);
    protocol.save();
  } else {
    cluster.issued = cluster.issued.plus(shares);
  }
  saveCluster(cluster, event);
}

export function handleOfferingSucceeded(event: OfferingSucceeded): void {
  const cluster = currentCluster();
  cluster.state = "Active";
  saveCluster(cluster, event);
}

export function handleOfferingFailed(event: OfferingFailed): void {
  const cluster = currentCluster();
  cluster.state = "RaiseFailed";
  saveCluster(cluster, event);
}

export function handleRefunded(event: Refunded): void {
  const cluster = currentCluster();
  const refund = new Refund(eventId(event));
  refund.cluster = cluster.id;
  refund.buyer = getOrCreateAccount(event.params.buyer).id;
  refund.to = event.params.to;
  refund.assets = event.params.assets;
  refund.shares = event.params.shares;
  refund.timestamp = blockTimestamp(event);
  refund.transactionHash = event.transaction.hash;
  refund.save();

  const position = getOrCreatePosition(cluster, event.params.buyer);
  position.assetsRefunded = position.assetsRefunded.plus(event.params.assets);
  position.save();
  cluster.refunded = cluster.refunded.plus(event.params.assets);
  saveCluster(cluster, event);
}

export function handleIssuanceConfigured(event: IssuanceConfigured): void {
  const cluster = currentCluster();
  cluster.issuanceEnabled = event.params.enabled;
  cluster.issuancePremiumBps = event.params.premiumBps;
  cluster.issuanceCap = event.params.cap;
  saveCluster(cluster, event);
}
