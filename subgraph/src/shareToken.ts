import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";
import { Paused, RewardClaimed, Transfer, Unlocked, Unpaused } from "../generated/templates/ClusterShareToken/ClusterShareToken";
import { Claim, Cluster } from "../generated/schema";
import { currentCluster, getOrCreateAccount, getOrCreatePosition, isZeroAddress } from "./helpers/entities";
import { eventId } from "./helpers/ids";
import { saveCluster } from "./helpers/snapshots";

/** Share movements: balances, holder count, and supply on mint and burn. */
export function handleTransfer(event: Transfer): void {
  const cluster = currentCluster();
  const value = event.params.value;
  if (isZeroAddress(event.params.from)) cluster.totalSupply = cluster.totalSupply.plus(value);
  else moveBalance(cluster, event.params.from, value.neg());
  if (isZeroAddress(event.params.to)) cluster.totalSupply = cluster.totalSupply.minus(value);
  else moveBalance(cluster, event.params.to, value);
  saveCluster(cluster, event);
}

/** Changes `account`'s balance by `delta`, counting holders as balances leave or reach zero. */
function moveBalance(cluster: Cluster, account: Address, delta: BigInt): void {
  const position = getOrCreatePosition(cluster, account);
  const before = position.balance;
  position.balance = before.plus(delta);
  if (before.isZero() && !position.balance.isZero()) cluster.holders += 1;
  if (!before.isZero() && position.balance.isZero()) cluster.holders -= 1;
  position.save();
}

export function handleRewardClaimed(event: RewardClaimed): void {
  const cluster = currentCluster();
  const amount = event.params.amount;
  const claim = new Claim(eventId(event));
  claim.cluster = cluster.id;
  claim.account = getOrCreateAccount(event.params.account).id;
  claim.to = event.params.to;
  claim.amount = amount;
  claim.timestamp = event.block.timestamp.toI64();
  claim.transactionHash = event.transaction.hash;
  claim.save();

  const position = getOrCreatePosition(cluster, event.params.account);
  position.claimed = position.claimed.plus(amount);
  position.save();
  cluster.claimed = cluster.claimed.plus(amount);
  saveCluster(cluster, event);
}

export function handlePaused(event: Paused): void {
  setPaused(event, true);
}

export function handleUnpaused(event: Unpaused): void {
  setPaused(event, false);
}

function setPaused(event: ethereum.Event, paused: boolean): void {
  const cluster = currentCluster();
  cluster.paused = paused;
  saveCluster(cluster, event);
}

/** Shares became transferable: the raise succeeded. */
export function handleUnlocked(event: Unlocked): void {
  const cluster = currentCluster();
  cluster.state = "Active";
  saveCluster(cluster, event);
}
