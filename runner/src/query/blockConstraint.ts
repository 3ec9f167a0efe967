/**
 * The `block: Block_height` argument graph-node accepts on every root field. The runner keeps only the latest
 * state, so it answers a constraint that the latest indexed block satisfies and refuses the rest with an error:
 * blocks not indexed yet and unknown hashes with graph-node's own messages, older blocks (time travel) with a
 * message saying the runner cannot do it.
 */
import { bytesToHex } from "../values";
import type { IndexingMeta } from "./meta";

/** The coerced `Block_height` input (graph-node's fields: `hash: Bytes`, `number: Int`, `number_gte: Int`). */
export interface BlockHeight {
  hash?: Uint8Array | null;
  number?: number | null;
  number_gte?: number | null;
}

/** A block a constraint asks for: its number, and whether it is the latest indexed block. */
export interface RequestedBlock {
  number: number;
  latest: boolean;
}

/**
 * The block `constraint` selects, or the latest indexed block without one. Throws for a block number beyond the
 * indexed head and for a hash that is not the head's.
 */
export function requestedBlock(constraint: BlockHeight | null | undefined, meta: IndexingMeta): RequestedBlock {
  const head = meta.block;
  const notYetIndexed = (argument: string, wanted: number): Error =>
    new Error(
      `Failed to decode \`block.${argument}\` value: \`subgraph ${meta.deployment} has only indexed up to block number ` +
        `${head?.number ?? -1} and data for block number ${wanted} is therefore not yet available\``,
    );
  if (constraint?.hash != null) {
    if (!head || bytesToHex(constraint.hash) !== `0x${head.hash.toLowerCase().replace(/^0x/, "")}`) {
      throw new Error("Failed to decode `block.hash` value: `no block with that hash found`");
    }
    return { number: head.number, latest: true };
  }
  if (constraint?.number != null) {
    if (!head || constraint.number > head.number) throw notYetIndexed("number", constraint.number);
    return { number: constraint.number, latest: constraint.number === head.number };
  }
  if (constraint?.number_gte != null && (!head || constraint.number_gte > head.number)) {
    throw notYetIndexed("number_gte", constraint.number_gte);
  }
  return { number: head?.number ?? 0, latest: true };
}

/** For entity queries, which can only be answered from the latest state: refuses any other block. */
export function requireLatestBlock(constraint: BlockHeight | null | undefined, meta: IndexingMeta): void {
  const block = requestedBlock(constraint, meta);
  if (!block.latest) {
    throw new Error(
      `Failed to decode \`block.number\` value: \`the local runner keeps only the latest state (block ` +
        `${meta.block?.number}); querying block ${block.number} (time travel) is not supported\``,
    );
  }
}
