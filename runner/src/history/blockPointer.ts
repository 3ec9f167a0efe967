/** A block as the runner remembers it: enough to detect a reorganisation and to answer `_meta.block`. */
export interface BlockPointer {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
}

/** The pointer of a block header as eth_getBlockByNumber returns it (hex fields). */
export function toBlockPointer(raw: { number: string; hash: string; parentHash: string; timestamp: string }): BlockPointer {
  return {
    number: Number(raw.number),
    hash: raw.hash.toLowerCase(),
    parentHash: raw.parentHash.toLowerCase(),
    timestamp: Number(raw.timestamp),
  };
}

const UNKNOWN_PARENT = `0x${"0".repeat(64)}`;

/**
 * Whether `child` names `parent` as its parent. Hardhat's `hardhat_mine` reserves blocks whose headers carry a zero
 * parent hash (the node never computed it); such a header links to whatever precedes it, and a reorganisation is
 * still caught by comparing the indexed head's hash with the node's block at that number.
 */
export function descendsFrom(child: BlockPointer, parent: BlockPointer): boolean {
  return child.parentHash === parent.hash || child.parentHash === UNKNOWN_PARENT;
}
