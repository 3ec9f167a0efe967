/**
 * The `_meta` root field: which block the data reflects, the deployment, and whether indexing hit errors. Types
 * and field descriptions follow graph-node's `meta.graphql`. One extension, `_meta.status` (not in graph-node,
 * whose index-node API on another port answers it): the runner's health, sync state and any node failure that is
 * holding indexing up, since `hasIndexingErrors` only ever reports deterministic handler errors.
 */
import {
  GraphQLBoolean, GraphQLEnumType, GraphQLFloat, GraphQLInputObjectType, GraphQLInt, GraphQLNonNull, GraphQLObjectType,
  GraphQLString, type GraphQLFieldConfig,
} from "graphql";
import type { IndexingStatus } from "../syncLoop";
import type { BlockHeight } from "./blockConstraint";
import type { QueryContext } from "./queryContext";
import { BytesScalar } from "./scalars";

/** A block as `_meta` reports it. */
export interface MetaBlock {
  number: number;
  hash: string;
  timestamp: number;
  parentHash?: string;
}

export interface IndexingMeta {
  /** The latest indexed block, or null before the first one. */
  block: MetaBlock | null;
  deployment: string;
  hasIndexingErrors: boolean;
  /** The runner's indexing status, when it has one (a query service over a store alone has none). */
  status?: IndexingStatus;
}

export const BlockHeightInput = new GraphQLInputObjectType({
  name: "Block_height",
  description: "The block at which the query should be executed.",
  fields: {
    hash: { type: BytesScalar, description: "Value containing a block hash" },
    number: { type: GraphQLInt, description: "Value containing a block number" },
    number_gte: {
      type: GraphQLInt,
      description:
        "Value containing the minimum block number. In the case of `number_gte`, the query will be executed on the " +
        "latest block only if the subgraph has progressed to or past the minimum block number. Defaults to the " +
        "latest block when omitted.",
    },
  },
});

const BlockType = new GraphQLObjectType({
  name: "_Block_",
  fields: {
    hash: { type: BytesScalar, description: "The hash of the block" },
    number: { type: new GraphQLNonNull(GraphQLInt), description: "The block number" },
    timestamp: { type: GraphQLInt, description: "Integer representation of the timestamp stored in blocks for the chain" },
    parentHash: { type: BytesScalar, description: "The hash of the parent block" },
  },
});

const HealthType = new GraphQLEnumType({
  name: "_Health_",
  description: "graph-node's SubgraphHealth: `failed` once a handler failed deterministically",
  values: { healthy: {}, failed: {} },
});

const NodeFailureType = new GraphQLObjectType({
  name: "_NodeFailure_",
  description: "A JSON-RPC (or reorg) failure holding indexing up; the runner retries it with backoff",
  fields: {
    message: { type: new GraphQLNonNull(GraphQLString) },
    attempts: { type: new GraphQLNonNull(GraphQLInt), description: "Consecutive failed attempts" },
    since: { type: new GraphQLNonNull(GraphQLFloat), description: "When the first of them failed, in ms since the epoch" },
    persistent: { type: new GraphQLNonNull(GraphQLBoolean), description: "Whether it has outlasted the retries counted as transient" },
  },
});

const StatusType = new GraphQLObjectType({
  name: "_Status_",
  description: "The local runner's indexing status (an extension: graph-node serves it on its index-node API)",
  fields: {
    health: { type: new GraphQLNonNull(HealthType) },
    synced: { type: new GraphQLNonNull(GraphQLBoolean), description: "Whether indexing has reached the node's head as last seen" },
    chainHeadBlock: { type: GraphQLInt, description: "The node's head number when last seen" },
    latestBlock: { type: GraphQLInt, description: "The latest indexed block number" },
    nodeFailure: { type: NodeFailureType, description: "Null while the node answers" },
  },
});

const MetaType = new GraphQLObjectType({
  name: "_Meta_",
  description: "The type for the top-level _meta field",
  fields: {
    block: { type: new GraphQLNonNull(BlockType) },
    status: { type: StatusType, description: "Local runner extension: health, sync state and node failures" },
    deployment: { type: new GraphQLNonNull(GraphQLString), description: "The deployment ID" },
    hasIndexingErrors: {
      type: new GraphQLNonNull(GraphQLBoolean),
      description: "If `true`, the subgraph encountered indexing errors at some past block",
    },
  },
});

/**
 * The `_meta(block: Block_height): _Meta_` root field: the block the constraint selects (the latest indexed block
 * without one), with its hash, parent hash and timestamp when the runner knows them.
 */
export function metaField(): GraphQLFieldConfig<unknown, QueryContext, { block?: BlockHeight | null }> {
  return {
    type: MetaType,
    description: "Access to subgraph metadata",
    args: { block: { type: BlockHeightInput } },
    resolve(_source, { block }, context) {
      const meta = context.meta;
      if (!meta.block) throw new Error(`subgraph ${meta.deployment} has not indexed any block yet`);
      const { number, pointer } = context.block(block);
      return {
        block: { number, hash: pointer?.hash ?? null, timestamp: pointer?.timestamp ?? null, parentHash: pointer?.parentHash ?? null },
        deployment: meta.deployment,
        hasIndexingErrors: meta.hasIndexingErrors,
        status: meta.status ?? null,
      };
    },
  };
}
