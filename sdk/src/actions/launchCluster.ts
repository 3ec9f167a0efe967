import { PreflightError } from "../errors";
import type { ClusterFactory } from "../types";
import { factoryOf } from "./internal/cluster";
import { signerOf, type ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { transact, type ActionReceipt } from "./internal/transact";

/** The factory's launch parameters (the Solidity `LaunchParams` struct), as typechain types them. */
export type LaunchClusterParameters = ClusterFactory.LaunchParamsStruct;

export interface LaunchClusterReturnType extends ActionReceipt {
  /** The new cluster's id and contracts (from `ClusterLaunched`). */
  clusterId: bigint;
  contracts: { token: string; vault: string; offering: string; redemptionQueue: string; navOracle: string; policy: string };
}

/**
 * Launches a cluster: share token, revenue vault, offering, redemption queue, NAV oracle and optionally an
 * allowlist, in one transaction; the signer becomes its operator. Preflight: a raise (`offering.hardCap` > 0) takes
 * neither initial shares nor a hardware cost, a cluster without one needs the hardware cost; then the factory's own
 * checks by simulation.
 * @throws PreflightError `InconsistentLaunch`; ClusterShareError (`UnsupportedStablecoin`, `InvalidParameter`, …).
 */
export async function launchCluster(ctx: ClusterShareContext, parameters: LaunchClusterParameters): Promise<LaunchClusterReturnType> {
  const site = { contract: "ClusterFactory" as const, functionName: "launch" };
  signerOf(ctx, site.contract, site.functionName);
  const raising = BigInt(parameters.offering.hardCap) > 0n;
  if (raising && BigInt(parameters.initialShares) > 0n) {
    throw new PreflightError(site.contract, site.functionName, "launch", "InconsistentLaunch", { name: "initialShares" });
  }
  if (raising !== (BigInt(parameters.nav.hardwareCost) === 0n)) {
    throw new PreflightError(site.contract, site.functionName, "launch", "InconsistentLaunch", { name: "hardwareCost" });
  }
  const result = await transact(ctx, { contract: factoryOf(ctx), name: site.contract, functionName: "launch", args: [parameters] });
  const launched = findEvent(result.events, "ClusterLaunched")!;
  // An ethers Result: named fields read through, copied into a plain object.
  const c = launched.args.contracts as LaunchClusterReturnType["contracts"];
  const { token, vault, offering, redemptionQueue, navOracle, policy } = c;
  return {
    ...result,
    clusterId: launched.args.clusterId as bigint,
    contracts: { token, vault, offering, redemptionQueue, navOracle, policy },
  };
}
