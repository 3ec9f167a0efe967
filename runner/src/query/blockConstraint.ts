/**
 * The `block: Block_height` argument graph-node accepts on every root field, answered from the store's retained
 * history (the last `reorgThreshold` blocks): a block number or hash within it selects the state after that
 * block, `number_gte` the latest state once the head has reached it. Blocks beyond the head, before the history
 * and unknown hashes are refused with graph-node's own messages.
 */
import type { EntityStore } from "../store";
import { bytesToHex } from "../values";
import type { IndexingMeta, MetaBlock } from "./meta";

/** The coerced `Block_height` input (graph-node's fields: `hash: Bytes`, `number: Int`, `number_gte: Int`). */
export interface BlockHeight {
  hash?: Uint8Array | null;
  number?: number | null;
  number_gte?: number | null;
}

/** A block a constraint selects: its number, and its pointer when the runner knows it. */
export interface RequestedBlock {
  number: number;
  pointer: MetaBlock | null;
}

/**
 * The block `constraint` selects, or the latest indexed block without one. Throws for a block beyond the indexed
 * head, a block older than the retained history and a hash the history does not hold.
 */
export function requestedBlock(constraint: BlockHeight | null | undefined, meta: IndexingMeta, store: EntityStore): RequestedBlock {
  const head = meta.block;
  const unavailable = (argument: string, reason: string): Error =>
    new Error(`Failed to decode \`block.${argument}\` value: \`subgraph ${meta.deployment} ${reason}\``);
  const notYetIndexed = (argument: string, wanted: number): Error =>
    unavailable(argument, `has only indexed up to block number ${head?.number ?? -1} and data for block number ${wanted} is therefore not yet available`);
  if (constraint?.hash != null) {
    const hash = bytesToHex(constraint.hash).toLowerCase();
    if (head && hash === head.hash.toLowerCase()) return { number: head.number, pointer: head };
    const pointer = store.history.pointerWithHash(hash);
    if (!pointer || !head || pointer.number > head.number) {
      throw new Error("Failed to decode `block.hash` value: `no block with that hash found`");
    }
    return { number: pointer.number, pointer };
  }
  if (constraint?.number != null) {
    const wanted = constraint.number;
    if (!head || wanted > head.number) throw notYetIndexed("number", wanted);
    if (wanted === head.number) return { number: wanted, pointer: head };
    const earliest = store.history.earliest?.number ?? head.number;
    if (wanted < earliest) {
      throw unavailable("number", `only has data starting at block number ${earliest} and data for block number ${wanted} is therefore not available`);
    }
    return { number: wanted, pointer: store.history.pointerAt(wanted) };
  }
  if (constraint?.number_gte != null && (!head || constraint.number_gte > head.number)) {
    throw notYetIndexed("number_gte", constraint.number_gte);
  }
  return { number: head?.number ?? 0, pointer: head };
}
