/**
 * `cluster(id)`: what a cluster page shows, the cluster and its closed epochs. From the subgraph: one query plus
 * one multicall (none once the stablecoin decimals are cached, only the head check). From the chain: the registry
 * entry, then the cluster's views and its EpochClosed logs sent together.
 */
import { amount } from "../entities/amount";
import type { Cluster } from "../entities/cluster";
import type { Epoch } from "../entities/epoch";
import { CLUSTER_CALL_COUNT, clusterCalls, clusterFromChain } from "./chain/clusters";
import { factoryInterface, vaultInterface } from "./chain/interfaces";
import { readLogs } from "./chain/logs";
import { multicall } from "./multicall";
import { chainAtSubgraphBlock, decimalsOf, readWithFallback, SubgraphBehindError, type ReadContext, type Sourced } from "./source";
import { querySubgraph, type SubgraphMeta } from "./subgraph/client";
import { CLUSTER_FIELDS, clusterFromSubgraph, type ClusterRow } from "./subgraph/clusters";
import { EPOCH_FIELDS, epochFromSubgraph, type EpochRow } from "./subgraph/epochs";

/** A cluster page: the cluster and its closed epochs, oldest first. */
export interface ClusterPage {
  cluster: Cluster;
  epochs: Epoch[];
}

/** Thrown when no cluster has the id. */
export class UnknownClusterError extends Error {
  constructor(readonly clusterId: bigint) {
    super(`No cluster has id ${clusterId}`);
    this.name = "UnknownClusterError";
  }
}

/** Epochs shown on a page: a weekly cluster's 19 years. */
const EPOCHS_SHOWN = 1000;

const CLUSTER_PAGE_QUERY = `
  query ClusterPage($id: ID!) {
    cluster(id: $id) {
      ${CLUSTER_FIELDS}
      epochs(first: ${EPOCHS_SHOWN}, orderBy: number, orderDirection: asc, where: { closed: true }) { ${EPOCH_FIELDS} }
    }
    _meta { block { number } hasIndexingErrors }
  }`;

/** One cluster and its closed epochs. @throws UnknownClusterError for an id no cluster has (from either source). */
export async function readCluster(ctx: ReadContext, clusterId: bigint): Promise<Sourced<ClusterPage>> {
  const answer = await readWithFallback<ClusterPage | null>(
    ctx,
    async (endpoint) => {
      const { cluster: row, _meta: meta } = await querySubgraph<{ cluster: (ClusterRow & { epochs: EpochRow[] }) | null; _meta: SubgraphMeta }>(
        endpoint, CLUSTER_PAGE_QUERY, { id: clusterId.toString() },
      );
      const { head } = await chainAtSubgraphBlock(ctx, meta, row ? [row.vault] : [], []);
      if (!row) {
        // A cluster launched in a block the subgraph has not indexed yet (within maxSubgraphLag) exists all the same.
        if (head > meta.block.number) {
          throw new SubgraphBehindError(`the subgraph, at block ${meta.block.number}, does not know cluster ${clusterId} (chain head ${head})`);
        }
        return { data: null, meta, head };
      }
      const decimals = decimalsOf(ctx, row.vault);
      const cluster = clusterFromSubgraph(row, decimals, ctx.timestampUnit);
      return { data: { cluster, epochs: row.epochs.map((e) => epochFromSubgraph(cluster.id, e, decimals)) }, meta, head };
    },
    () => readClusterFromChain(ctx, clusterId),
  );
  if (!answer.data) throw new UnknownClusterError(clusterId);
  return answer as Sourced<ClusterPage>;
}

async function readClusterFromChain(ctx: ReadContext, clusterId: bigint): Promise<{ data: ClusterPage | null; block: number }> {
  const registry = await multicall(ctx.provider, ctx.deployment.multicall3, [
    { target: ctx.deployment.factory, iface: factoryInterface, method: "cluster", args: [clusterId], allowFailure: true },
  ]);
  const [entryResult] = registry.results;
  if (!entryResult.ok) return { data: null, block: registry.block };
  const entry = { id: clusterId, entry: entryResult.value[0] };
  const [views, logs] = await Promise.all([
    multicall(ctx.provider, ctx.deployment.multicall3, clusterCalls(entry), registry.block),
    readLogs(ctx, vaultInterface, "EpochClosed", { addresses: [entry.entry.contracts.vault], toBlock: registry.block }),
  ]);
  const cluster = clusterFromChain(entry, views.results.slice(0, CLUSTER_CALL_COUNT));
  const stable = (raw: bigint) => amount(raw, cluster.stablecoinDecimals);
  const epochs = logs.map(({ event: { args } }): Epoch => ({
    clusterId,
    number: args.epoch,
    cumulativeRevenue: stable(args.cumulativeRevenue),
    newlyAttested: stable(args.newlyAttested),
    released: stable(args.released),
    toHolders: stable(args.toHolders),
    protocolFee: stable(args.protocolFee),
    operatorFee: stable(args.operatorFee),
    toReserve: stable(args.toReserve),
    nextEpochEnd: Number(args.nextEpochEnd),
  }));
  return { data: { cluster, epochs }, block: registry.block };
}
