/** `clusters()`: every cluster, from the subgraph (one query plus one multicall) or the chain (two multicalls). */
import type { Cluster } from "../entities/cluster";
import { readClustersFromChain } from "./chain/clusters";
import { chainAtSubgraphBlock, decimalsOf, readWithFallback, type ReadContext, type Sourced } from "./source";
import { queryAll } from "./subgraph/paginate";
import { CLUSTERS_QUERY, clusterFromSubgraph, type ClusterRow } from "./subgraph/clusters";

/** Every cluster the factory launched, in id order. */
export async function readClusters(ctx: ReadContext): Promise<Sourced<Cluster[]>> {
  return readWithFallback(
    ctx,
    async (endpoint) => {
      const { rows, meta } = await queryAll<ClusterRow>(endpoint, CLUSTERS_QUERY, "clusters");
      const { head } = await chainAtSubgraphBlock(ctx, meta, rows.map((r) => r.vault), []);
      const data = rows
        .map((row) => clusterFromSubgraph(row, decimalsOf(ctx, row.vault), ctx.timestampUnit))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      return { data, meta, head };
    },
    () => readClustersFromChain(ctx),
  );
}
