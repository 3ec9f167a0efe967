import { buildModule } from "@nomicfoundation/ignition-core";
import type { ClusterFactory } from "../../sdk/src/types";

/** Ignition's id of the module that launches the cluster `key` (`Cluster_<key>`, one journal entry per cluster). */
export function clusterModuleId(key: string): string {
  return `Cluster_${key}`;
}

/**
 * Launches one cluster through an existing factory, sent by `operator` (the factory makes the sender the
 * cluster's operator). Journaled under its own module id, so a re-run finds the launch done and sends nothing.
 */
export function clusterModule(key: string, factory: string, operator: string, params: ClusterFactory.LaunchParamsStruct) {
  return buildModule(clusterModuleId(key), (m) => {
    const registry = m.contractAt("ClusterFactory", factory, { id: "Factory" });
    m.call(registry, "launch", [params as never], { id: "Launch", from: operator });
    return { factory: registry };
  });
}
