import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";
import {
  DonationsSwept, EscrowExclusionCancelled, EscrowExclusionProposed, EscrowExclusionSet, ExclusionSet, Paused, RewardClaimed, StrandedYieldReturned, Transfer, TransferPolicyProposalCancelled,
  TransferPolicyProposed, TransferPolicySet, Unlocked, Unpaused,
} from "../generated/templates/ClusterShareToken/ClusterShareToken";
import { Claim, Cluster, EscrowExclusionChange, Position } from "../generated/schema";
import {
  currentCluster, currentClusterId, getOrCreateAccount, getOrCreatePosition, getOrCreatePositionIn, isZeroAddress,
} from "./helpers/entities";
import { eventId } from "./helpers/ids";
import { saveCluster } from "./helpers/snapshots";
import { blockTimestamp } from "./helpers/time";

/** Share movements: balances, holder count, and supply on mint and burn. */
export function handleTransfer(event: Transfer): void {
  const clusterId = currentClusterId();
  const value = event.params.value;
  const minted = isZeroAddress(event.params.from);
  const burned = isZeroAddress(event.params.to);
  let holdersDelta = 0;
  if (!minted) holdersDelta += moveBalance(clusterId, event.params.from, value.neg());
  if (!burned) holdersDelta += moveBalance(clusterId, event.params.to, value);
  // Most transfers move shares between holders who keep a balance: the cluster (and so its daily snapshot) does
  // not change, and loading and writing both would only cost indexing time.
  if (!minted && !burned && holdersDelta == 0) return;
  const cluster = currentCluster();
  if (minted) cluster.totalSupply = cluster.totalSupply.plus(value);
  if (burned) cluster.totalSupply = cluster.totalSupply.minus(value);
  cluster.holders += holdersDelta;
  saveCluster(cluster, event);
}

/** Changes `account`'s balance by `delta`; returns how the holder count changes (+1, -1 or 0). */
function moveBalance(clusterId: string, account: Address, delta: BigInt): i32 {
  const position = getOrCreatePositionIn(clusterId, account);
  const wasHolder = isHolder(position);
  position.balance = position.balance.plus(delta);
  position.save();
  return holderChange(wasHolder, isHolder(position));
}

/**
 * Whether a position counts in `Cluster.holders`: people holding shares, not the excluded accounts (DEX pools,
 * the redemption queue escrowing requested shares, protocol contracts).
 */
function isHolder(position: Position): boolean {
  return !position.excluded && !position.balance.isZero();
}

function holderChange(before: boolean, after: boolean): i32 {
  return (after ? 1 : 0) - (before ? 1 : 0);
}

export function handleRewardClaimed(event: RewardClaimed): void {
  const cluster = currentCluster();
  const amount = event.params.amount;
  const claim = new Claim(eventId(event));
  claim.cluster = cluster.id;
  claim.account = getOrCreateAccount(event.params.account).id;
  claim.to = event.params.to;
  claim.amount = amount;
  claim.timestamp = blockTimestamp(event);
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
/** An account stopped or started earning (a pool, a self-exclusion, a protocol contract at launch). */
export function handleExclusionSet(event: ExclusionSet): void {
  const cluster = currentCluster();
  const position = getOrCreatePosition(cluster, event.params.account);
  const wasHolder = isHolder(position);
  position.excluded = event.params.excluded;
  position.save();
  const change = holderChange(wasHolder, isHolder(position));
  if (change == 0) return;
  cluster.holders += change;
  saveCluster(cluster, event);
}

export function handleUnlocked(event: Unlocked): void {
  const cluster = currentCluster();
  cluster.state = "Active";
  saveCluster(cluster, event);
}

export function handleTransferPolicyProposed(event: TransferPolicyProposed): void {
  const cluster = currentCluster();
  cluster.pendingPolicy = event.params.policy;
  cluster.pendingPolicyExecutableAt = event.params.executableAt;
  saveCluster(cluster, event);
}

export function handleTransferPolicyProposalCancelled(event: TransferPolicyProposalCancelled): void {
  const cluster = currentCluster();
  cluster.pendingPolicy = null;
  cluster.pendingPolicyExecutableAt = null;
  saveCluster(cluster, event);
}

/** Also emitted inside the launch, before the cluster entity exists: the launch event carries that policy. */
export function handleTransferPolicySet(event: TransferPolicySet): void {
  const cluster = Cluster.load(currentClusterId());
  if (cluster == null) return;
  cluster.policy = event.params.policy;
  cluster.pendingPolicy = null;
  cluster.pendingPolicyExecutableAt = null;
  saveCluster(cluster, event);
}

export function handleStrandedYieldReturned(event: StrandedYieldReturned): void {
  returnToStream(event, event.params.amount);
}

export function handleDonationsSwept(event: DonationsSwept): void {
  returnToStream(event, event.params.amount);
}

function returnToStream(event: ethereum.Event, amount: BigInt): void {
  const cluster = currentCluster();
  cluster.returnedToStream = cluster.returnedToStream.plus(amount);
  saveCluster(cluster, event);
}

/** The protocol admin proposed excluding a lending market's escrow from yield. */
export function handleEscrowExclusionProposed(event: EscrowExclusionProposed): void {
  const change = newEscrowExclusionChange(event, "Proposed", event.params.escrow);
  change.executableAt = event.params.executableAt;
  change.save();
}

/** The guardian or admin withdrew a proposed escrow exclusion. */
export function handleEscrowExclusionCancelled(event: EscrowExclusionCancelled): void {
  const change = newEscrowExclusionChange(event, "Cancelled", event.params.escrow);
  change.by = event.params.by;
  change.save();
}

/** An escrow exclusion was applied, or lifted by the operator or admin (the position's flag follows ExclusionSet). */
export function handleEscrowExclusionSet(event: EscrowExclusionSet): void {
  newEscrowExclusionChange(event, event.params.excluded ? "Applied" : "Lifted", event.params.escrow).save();
}

function newEscrowExclusionChange(event: ethereum.Event, kind: string, escrow: Address): EscrowExclusionChange {
  const change = new EscrowExclusionChange(eventId(event));
  change.cluster = currentClusterId();
  change.kind = kind;
  change.escrow = escrow;
  change.timestamp = blockTimestamp(event);
  change.blockNumber = event.block.number;
  change.transactionHash = event.transaction.hash;
  return change;
}
