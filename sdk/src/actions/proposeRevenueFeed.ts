import { clusterAction, type ClusterParameters } from "./internal/clusterCall";

export interface ProposeRevenueFeedParameters extends ClusterParameters {
  /** The new AggregatorV3Interface feed. */
  aggregator: string;
  /** Its heartbeat in seconds. */
  heartbeat: number;
  /** Its answer (stablecoin units) that stands for the billing already seen. */
  baseline: bigint;
  /** The cap on carried revenue when the change applies. */
  maxCarried: bigint;
}

/**
 * Proposes a replacement revenue feed (migration, new decimals, a feed gone bad); it applies after `FEED_CHANGE_DELAY`. Protocol admin only.
 * Preflight: the signer's role, then a simulation.
 * @throws PreflightError naming the failed check; ClusterShareError; RpcError.
 */
export const proposeRevenueFeed = clusterAction<ProposeRevenueFeedParameters>({
  target: "vault", functionName: "proposeRevenueFeed", roles: ["admin"],
  args: (parameters) => [parameters.aggregator, parameters.heartbeat, parameters.baseline, parameters.maxCarried],
});
