/**
 * The `_meta` root field: which block the data reflects, the deployment, and whether indexing hit errors. Types
 * and field descriptions follow graph-node's `meta.graphql`.
 */
import {
  GraphQLBoolean, GraphQLInputObjectType, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLString,
  type GraphQLFieldConfig,
} from "graphql";
import { requestedBlock, type BlockHeight } from "./blockConstraint";
import type { RequestContext } from "./requestContext";
import { BytesScalar } from "./scalars";

export interface IndexingMeta {
  /** The latest indexed block, or null before the first one. */
  block: { number: number; hash: string; timestamp: number } | null;
  deployment: string;
  hasIndexingErrors: boolean;
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

const MetaType = new GraphQLObjectType({
  name: "_Meta_",
  description: "The type for the top-level _meta field",
  fields: {
    block: { type: new GraphQLNonNull(BlockType) },
    deployment: { type: new GraphQLNonNull(GraphQLString), description: "The deployment ID" },
    hasIndexingErrors: {
      type: new GraphQLNonNull(GraphQLBoolean),
      description: "If `true`, the subgraph encountered indexing errors at some past block",
    },
  },
});

/**
 * The `_meta(block: Block_height): _Meta_` root field. As in graph-node, a block constraint by number reports
 * that number with a null hash; without one (or by hash) the latest indexed block is reported in full.
 */
export function metaField(): GraphQLFieldConfig<unknown, RequestContext, { block?: BlockHeight | null }> {
  return {
    type: MetaType,
    description: "Access to subgraph metadata",
    args: { block: { type: BlockHeightInput } },
    resolve(_source, { block }, context) {
      const meta = context.meta;
      const head = meta.block;
      if (!head) throw new Error(`subgraph ${meta.deployment} has not indexed any block yet`);
      const wanted = requestedBlock(block, meta);
      const byNumber = block?.number != null;
      return {
        block: byNumber
          ? { number: wanted.number, hash: null, timestamp: null, parentHash: null }
          : { number: head.number, hash: head.hash, timestamp: head.timestamp, parentHash: null },
        deployment: meta.deployment,
        hasIndexingErrors: meta.hasIndexingErrors,
      };
    },
  };
}
