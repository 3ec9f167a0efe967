import { ethereum } from "@graphprotocol/graph-ts";
import { Cluster, ClusterDailySnapshot } from "../../generated/schema";
import { SECONDS_PER_DAY } from "./constants";

/**
 * Writes `cluster`'s state into today's snapshot. Called after every change to a cluster, so the snapshot holds
 * the state at the day's last event; the daily flows are the difference to the first write of the day.
 */
export function snapshotCluster(cluster: Cluster, event: ethereum.Event): void {
  const day = <i32>(event.block.timestamp.toI64() / SECONDS_PER_DAY);
  const id = cluster.id + "-" + day.toString();
  let snapshot = ClusterDailySnapshot.load(id);
  if (snapshot == null) {
    snapshot = new ClusterDailySnapshot(id);
    snapshot.cluster = cluster.id;
    snapshot.day = day;
    // The day's flows count from the cluster's totals before today's first change.
    const previous = ClusterDailySnapshot.load(cluster.lastSnapshot);
    snapshot.dailyRentPaid = previous == null ? cluster.rentPaid : cluster.rentPaid.minus(previous.rentPaid);
    snapshot.dailyDistributed = previous == null ? cluster.distributed : cluster.distributed.minus(previous.distributed);
  } else {
    snapshot.dailyRentPaid = snapshot.dailyRentPaid.plus(cluster.rentPaid.minus(snapshot.rentPaid));
    snapshot.dailyDistributed = snapshot.dailyDistributed.plus(cluster.distributed.minus(snapshot.distributed));
  }
  snapshot.rentPaid = cluster.rentPaid;
  snapshot.distributed = cluster.distributed;
  snapshot.totalSupply = cluster.totalSupply;
  snapshot.holders = cluster.holders;
  snapshot.reserve = cluster.reserve;
  snapshot.navPerShare = cluster.navPerShare;
  snapshot.shortfall = cluster.shortfall;
  snapshot.save();
  cluster.lastSnapshot = id;
}

/** Saves the cluster after recording today's snapshot of it. */
export function saveCluster(cluster: Cluster, event: ethereum.Event): void {
  snapshotCluster(cluster, event);
  cluster.save();
}
