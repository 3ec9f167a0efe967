/**
 * Reorg detection against the node: the indexed head is still canonical when the node's block at its number has
 * its hash; otherwise the common ancestor is the newest retained block the node still has. The retained pointers
 * were checked to link parent to child when recorded, so a match at one block vouches for every block below it.
 */
import type { BlockSource } from "../chain/blockSource";
import type { BlockHistory } from "./blockHistory";
import type { BlockPointer } from "./blockPointer";

/** The chain moved further back than the retained history reaches: the runner cannot roll back that far. */
export class ReorgBeyondHistoryError extends Error {
  override name = "ReorgBeyondHistoryError";
}

/** Whether the node's chain still holds `head`. */
export async function isCanonical(head: BlockPointer, blocks: BlockSource): Promise<boolean> {
  const [hash] = await blocks.canonicalHashes([head.number]);
  return hash === head.hash;
}

/**
 * The newest block of `history` that is still on the node's chain. Throws ReorgBeyondHistoryError when none is
 * (the reorg is deeper than the history kept).
 */
export async function commonAncestor(history: BlockHistory, blocks: BlockSource): Promise<BlockPointer> {
  const retained = history.pointersNewestFirst();
  const hashes = await blocks.canonicalHashes(retained.map((pointer) => pointer.number));
  const ancestor = retained.find((pointer, i) => hashes[i] === pointer.hash);
  if (!ancestor) {
    const oldest = retained[retained.length - 1];
    throw new ReorgBeyondHistoryError(
      `the node's chain no longer holds any of the last ${retained.length} indexed blocks ` +
        `(down to block ${oldest?.number}): the reorg is deeper than the retained history of ${history.retainedBlocks} blocks`,
    );
  }
  return ancestor;
}
