/**
 * The reversible history of the most recent blocks, as graph-node keeps it for its reorg threshold: for each
 * committed block its pointer and, for every entity the block changed, the version before it. Undoing the blocks
 * above a number restores the state at that number, which serves both reorgs (undo for good) and time-travel
 * queries (undo on a copy). Entity versions are shared, never copied: the store replaces entities, it never
 * changes one in place.
 */
import type { Entity } from "../values";
import type { BlockPointer } from "./blockPointer";

/** One entity's version before a block changed it (undefined: the entity did not exist). */
export interface PriorVersion {
  type: string;
  id: string;
  before: Entity | undefined;
}

interface HistoryEntry {
  pointer: BlockPointer;
  priors: PriorVersion[];
}

export class BlockHistory {
  /** Ascending by block number. */
  private readonly entries: HistoryEntry[] = [];
  private readonly byHash = new Map<string, BlockPointer>();

  /** @param retainedBlocks how many of the latest blocks stay reversible and queryable (graph-node's reorg threshold). */
  constructor(readonly retainedBlocks: number) {
    if (!Number.isInteger(retainedBlocks) || retainedBlocks < 1) {
      throw new Error(`the retained history must be a positive number of blocks, not ${retainedBlocks}`);
    }
  }

  /** Records a committed block (above every recorded one) and forgets the blocks that fell out of the window. */
  push(pointer: BlockPointer, priors: PriorVersion[]): void {
    const last = this.entries[this.entries.length - 1];
    if (last && pointer.number <= last.pointer.number) {
      throw new Error(`block ${pointer.number} recorded after block ${last.pointer.number}`);
    }
    this.entries.push({ pointer, priors });
    this.byHash.set(pointer.hash, pointer);
    const oldestKept = pointer.number - this.retainedBlocks + 1;
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop].pointer.number < oldestKept) drop++;
    for (const { pointer: gone } of this.entries.splice(0, drop)) this.byHash.delete(gone.hash);
  }

  /** The recorded pointers, newest first. */
  pointersNewestFirst(): BlockPointer[] {
    return this.entries.map((entry) => entry.pointer).reverse();
  }

  /** The oldest block the history can restore, or null when empty. */
  get earliest(): BlockPointer | null {
    return this.entries[0]?.pointer ?? null;
  }

  /** The recorded pointer of block `number`, or null. */
  pointerAt(number: number): BlockPointer | null {
    const index = this.indexAbove(number) - 1;
    const entry = this.entries[index];
    return entry && entry.pointer.number === number ? entry.pointer : null;
  }

  /** The recorded pointer with `hash` (lower-case 0x-hex), or null. */
  pointerWithHash(hash: string): BlockPointer | null {
    return this.byHash.get(hash) ?? null;
  }

  /** The prior versions of every block above `number`, newest block first: the undo log back to `number`. */
  *priorsAbove(number: number): Generator<PriorVersion> {
    for (let i = this.entries.length - 1; i >= 0 && this.entries[i].pointer.number > number; i--) {
      const { priors } = this.entries[i];
      for (let j = priors.length - 1; j >= 0; j--) yield priors[j];
    }
  }

  /** Forgets every block above `number` (after the store undid them). */
  truncateAbove(number: number): void {
    for (const { pointer } of this.entries.splice(this.indexAbove(number))) this.byHash.delete(pointer.hash);
  }

  /** The index of the first entry above `number` (binary search: entries are ascending). */
  private indexAbove(number: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.entries[mid].pointer.number <= number) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
