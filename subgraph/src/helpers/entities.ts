import { Address, Bytes, dataSource } from "@graphprotocol/graph-ts";
import { Account, Cluster, Position, Protocol } from "../../generated/schema";
import { CLUSTER_KEY, PROTOCOL_ID, ZERO } from "./constants";
import { positionId } from "./ids";

/** The protocol totals, created on first use. */
export function loadProtocol(): Protocol {
  let protocol = Protocol.load(PROTOCOL_ID);
  if (protocol == null) {
    protocol = new Protocol(PROTOCOL_ID);
    protocol.clusterCount = 0;
    protocol.protocolFeeBps = 0;
    protocol.totalRaised = ZERO;
    protocol.totalRentPaid = ZERO;
    protocol.totalRevenueAttested = ZERO;
    protocol.totalDistributed = ZERO;
    protocol.totalProtocolFees = ZERO;
    protocol.totalRedeemedAssets = ZERO;
  }
  return protocol;
}

/** The cluster of the per-cluster template running now (its id travels in the data source context). */
export function currentCluster(): Cluster {
  return Cluster.load(currentClusterId())!;
}

/** The id of the per-cluster template's cluster, without loading it. */
export function currentClusterId(): string {
  return dataSource.context().getString(CLUSTER_KEY);
}

export function getOrCreateAccount(address: Address): Account {
  const id = address.toHexString();
  let account = Account.load(id);
  if (account == null) {
    account = new Account(id);
    account.address = address;
    account.save();
  }
  return account;
}

/** `account`'s position in `cluster`, created (with its account) on first use. Not saved. */
export function getOrCreatePosition(cluster: Cluster, account: Address): Position {
  return getOrCreatePositionIn(cluster.id, account);
}

/** `account`'s position in the cluster `clusterId`, created (with its account) on first use. Not saved. */
export function getOrCreatePositionIn(clusterId: string, account: Address): Position {
  const id = positionId(clusterId, account);
  let position = Position.load(id);
  if (position == null) {
    getOrCreateAccount(account);
    position = new Position(id);
    position.cluster = clusterId;
    position.account = account.toHexString();
    position.balance = ZERO;
    position.excluded = false;
    position.claimed = ZERO;
    position.sharesPurchased = ZERO;
    position.assetsPaid = ZERO;
    position.assetsRefunded = ZERO;
    position.sharesRedeemed = ZERO;
    position.assetsRedeemed = ZERO;
    position.sharesPendingRedemption = ZERO;
    position.claimableRedemptionShares = ZERO;
    position.claimableRedemptionAssets = ZERO;
    position.unclaimedRedemptions = [];
    position.claimableSharesSynced = ZERO;
    position.claimableAssetsSynced = ZERO;
    position.frozen = false;
  }
  return position;
}

export function isZeroAddress(address: Bytes): boolean {
  return address.equals(Address.zero());
}
