import { requirePreview } from "./internal/checks";
import { beginAction, type ClusterParameters } from "./internal/clusterCall";
import type { ClusterShareContext } from "./internal/context";
import { findEvent } from "./internal/events";
import { transact, type ActionReceipt } from "./internal/transact";

export type UpdateNavParameters = ClusterParameters;

export interface UpdateNavReturnType extends ActionReceipt {
  /** The published round and its NAV per share in stablecoin units (from `NavUpdated`). */
  roundId: bigint;
  navPerShare: bigint;
}

/**
 * Publishes a new NAV round on the cluster's NAV oracle (anyone). Preflight: the oracle's own `breakdown` (shares
 * outstanding, hardware acquired) answers.
 * @throws PreflightError (`NoSharesOutstanding`, `HardwareNotAcquired`, …); ClusterShareError (`ZeroNav`); RpcError.
 */
export async function updateNav(ctx: ClusterShareContext, parameters: UpdateNavParameters): Promise<UpdateNavReturnType> {
  const site = { contract: "NavOracle" as const, functionName: "update" };
  const { cluster } = await beginAction(ctx, site, parameters.clusterId);
  await requirePreview(site, "breakdown", cluster.navOracle.breakdown());
  const result = await transact(ctx, { contract: cluster.navOracle, name: site.contract, functionName: "update", args: [] });
  const round = findEvent(result.events, "NavUpdated")!;
  return { ...result, roundId: round.args.roundId as bigint, navPerShare: round.args.navPerShare as bigint };
}
