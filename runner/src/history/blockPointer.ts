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
