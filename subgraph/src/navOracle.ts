import { HardwareAcquired, NavUpdated } from "../generated/templates/NavOracle/NavOracle";
import { OracleReport } from "../generated/schema";
import { currentCluster } from "./helpers/entities";
import { eventId } from "./helpers/ids";
import { saveCluster } from "./helpers/snapshots";
import { blockTimestamp } from "./helpers/time";

/** A NAV round was published: the cluster's NAV and the report with its breakdown. */
export function handleNavUpdated(event: NavUpdated): void {
  const cluster = currentCluster();
  const p = event.params;
  const report = new OracleReport(eventId(event));
  report.cluster = cluster.id;
  report.kind = "Nav";
  report.value = p.navPerShare;
  report.roundId = p.roundId;
  report.entryPerShare = p.entryPerShare;
  report.hardwareValue = p.hardwareValue;
  report.reserve = p.reserve;
  report.pendingReserve = p.pendingReserve;
  report.streaming = p.streaming;
  report.totalSupply = p.totalSupply;
  report.appraised = p.appraised;
  report.pendingKnown = p.pendingKnown;
  report.observedAt = p.observedAt;
  report.timestamp = blockTimestamp(event);
  report.blockNumber = event.block.number;
  report.save();

  cluster.navPerShare = p.navPerShare;
  cluster.navUpdatedAt = p.observedAt;
  cluster.hardwareValue = p.hardwareValue;
  saveCluster(cluster, event);
}

export function handleHardwareAcquired(event: HardwareAcquired): void {
  const cluster = currentCluster();
  cluster.hardwareValue = event.params.cost;
  saveCluster(cluster, event);
}
