/**
 * Clusters from the subgraph: the GraphQL selection and its mapping to the `Cluster` entity. The subgraph does not
 * index stablecoin decimals, so the mapping takes them (the reads fetch them once per cluster from the vault).
 */
import { amount } from "../../entities/amount";
import { getAddress } from "ethers";
import type { Cluster } from "../../entities/cluster";
import { timestampToSeconds, type TimestampUnit } from "./timestamp";
import type { ClusterAddresses } from "../../context";

/** The fields `clusterFromSubgraph` reads. */
export const CLUSTER_FIELDS = `
  id clusterId name symbol gpuModel gpuCount region metadataURI operator { id }
  stablecoin token vault offering redemptionQueue navOracle policy
  state paused createdAt totalSupply pricePerShare softCap hardCap deadline raised reserve navPerShare epochLength`;

/**
 * A Cluster row as the API serialises it (BigInt and Bytes as strings): the entity's text fields as they are,
 * contract addresses lowercase.
 */
export interface ClusterRow
  extends ClusterAddresses, Pick<Cluster, "name" | "symbol" | "gpuModel" | "gpuCount" | "region" | "metadataURI" | "state" | "paused"> {
  id: string;
  clusterId: string;
  operator: { id: string };
  /** A `Timestamp`: microseconds in graph-node (seconds from older mappings). */
  createdAt: string;
  stablecoin: string;
  totalSupply: string;
  pricePerShare: string;
  softCap: string;
  hardCap: string;
  deadline: string;
  raised: string;
  reserve: string;
  navPerShare: string | null;
  epochLength: string;
}

/** All clusters, paged by id (see `queryAll`). */
export const CLUSTERS_QUERY = `
  query Clusters($first: Int!, $lastId: ID!, $block: Block_height) {
    clusters(first: $first, orderBy: id, orderDirection: asc, where: { id_gt: $lastId }, block: $block) { ${CLUSTER_FIELDS} }
    _meta(block: $block) { block { number } hasIndexingErrors }
  }`;

/**
 * Builds a `Cluster` from its row and its stablecoin's decimals. Addresses are checksummed like the chain's; the
 * `Timestamp` field is read in `timestampUnit`.
 */
export function clusterFromSubgraph(row: ClusterRow, stablecoinDecimals: number, timestampUnit: TimestampUnit): Cluster {
  const checksum = getAddress;
  const stable = (raw: string) => amount(BigInt(raw), stablecoinDecimals);
  return {
    id: BigInt(row.clusterId),
    name: row.name,
    symbol: row.symbol,
    operator: checksum(row.operator.id),
    gpuModel: row.gpuModel,
    gpuCount: row.gpuCount,
    region: row.region,
    metadataURI: row.metadataURI,
    stablecoin: checksum(row.stablecoin),
    stablecoinDecimals,
    contracts: {
      token: checksum(row.token), vault: checksum(row.vault), offering: checksum(row.offering),
      redemptionQueue: checksum(row.redemptionQueue), navOracle: checksum(row.navOracle), policy: checksum(row.policy),
    },
    state: row.state,
    paused: row.paused,
    totalSupply: amount(BigInt(row.totalSupply), 18),
    pricePerShare: stable(row.pricePerShare),
    softCap: stable(row.softCap),
    hardCap: stable(row.hardCap),
    deadline: Number(row.deadline),
    raised: stable(row.raised),
    reserve: stable(row.reserve),
    navPerShare: row.navPerShare === null ? null : stable(row.navPerShare),
    epochLength: Number(row.epochLength),
    launchedAt: timestampToSeconds(row.createdAt, timestampUnit),
  };
}
