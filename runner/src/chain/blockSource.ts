/**
 * What the indexer reads from the chain, over JSON-RPC: the head number, block headers, logs for a set of
 * addresses over a range, and full blocks (with transactions) for the blocks that hold triggers, fetched ahead of
 * the handlers in batches so that the node works while the mappings run.
 */
import { descendsFrom, toBlockPointer, type BlockPointer } from "../history/blockPointer";
import type { EthereumBlock, EthereumTransaction } from "../wasm/ethereum";
import { toEthereumBlock, toEthereumTransaction, type RpcBlock, type RpcLog, type RpcTransaction } from "./decode";
import type { JsonRpcClient } from "./rpc";

/** Blocks fetched ahead of the handlers: enough to keep the node busy, few enough to bound memory. */
const PREFETCH_BLOCKS = 64;
/**
 * Full blocks asked for in one JSON-RPC batch. Several batches are in flight at once, so the handlers start on
 * the first block as soon as its batch arrives instead of waiting for all PREFETCH_BLOCKS.
 */
const BLOCK_BATCH = 16;
/** Headers asked for in one JSON-RPC batch. */
const HEADER_BATCH = 100;

/**
 * The node's chain changed under an indexing attempt (a block's hash is not the one its logs or its child named).
 * Transient: the next attempt starts by reconciling with the node's chain.
 */
export class ChainReorganisedError extends Error {
  override name = "ChainReorganisedError";
}

/** A block, its transactions converted for the mappings only when a trigger needs them. */
export class FetchedBlock {
  readonly block: EthereumBlock;
  readonly pointer: BlockPointer;
  private readonly raw = new Map<string, RpcTransaction>();
  private readonly converted = new Map<string, EthereumTransaction>();

  constructor(raw: RpcBlock) {
    this.block = toEthereumBlock(raw);
    this.pointer = toBlockPointer(raw);
    for (const tx of raw.transactions) this.raw.set(tx.hash.toLowerCase(), tx);
  }

  /** The transaction `hash`; throws if the block does not hold it (the node reorganised under us). */
  transaction(hash: string): EthereumTransaction {
    const key = hash.toLowerCase();
    let transaction = this.converted.get(key);
    if (!transaction) {
      const raw = this.raw.get(key);
      if (!raw) throw new ChainReorganisedError(`transaction ${hash} not in block ${this.pointer.hash}`);
      transaction = toEthereumTransaction(raw);
      this.converted.set(key, transaction);
    }
    return transaction;
  }
}

/** A range's logs requested ahead, for the addresses known then. */
interface LogFetch {
  from: number;
  to: number;
  addresses: Set<string>;
  logs: Promise<RpcLog[]>;
}

export class BlockSource {
  /** Full blocks requested ahead of the handlers, by number. */
  private readonly fetches = new Map<number, Promise<FetchedBlock>>();
  /** The next range's logs, requested while the handlers run the current one. */
  private logsAhead: LogFetch | null = null;

  constructor(private readonly rpc: JsonRpcClient) {}

  /** The node's latest block number. */
  async headNumber(): Promise<number> {
    return Number(await this.rpc.call<string>("eth_blockNumber", []));
  }

  /** The node's canonical hash at each of `numbers` (null where the node has no such block). */
  async canonicalHashes(numbers: number[]): Promise<(string | null)[]> {
    const headers = await this.rawHeaders(numbers);
    return headers.map((header) => header?.hash.toLowerCase() ?? null);
  }

  /** The headers of blocks `from`..`to`, checked to form one chain; throws ChainReorganisedError if they do not. */
  async chain(from: number, to: number): Promise<BlockPointer[]> {
    const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const pointers = (await this.rawHeaders(numbers)).map((header, i) => {
      if (!header) throw new ChainReorganisedError(`block ${numbers[i]} is no longer on the node's chain`);
      return toBlockPointer(header);
    });
    for (let i = 1; i < pointers.length; i++) {
      if (!descendsFrom(pointers[i], pointers[i - 1])) {
        throw new ChainReorganisedError(`block ${pointers[i].number}'s parent is not the block ${pointers[i - 1].number} fetched with it`);
      }
    }
    return pointers;
  }

  /** The header of block `number`. */
  async header(number: number): Promise<BlockPointer> {
    return (await this.chain(number, number))[0];
  }

  /**
   * Logs of `addresses` over `from`..`to` (none for no address or an empty range), in (block, log index) order:
   * from the prefetch of that range if there is one, plus the logs of addresses added since it was requested.
   */
  async logs(addresses: string[], from: number, to: number): Promise<RpcLog[]> {
    const ahead = this.logsAhead;
    if (!ahead || ahead.from !== from || ahead.to !== to) return this.fetchLogs(addresses, from, to);
    this.logsAhead = null;
    const added = addresses.filter((address) => !ahead.addresses.has(address));
    if (added.length === 0) return ahead.logs;
    const [known, more] = await Promise.all([ahead.logs, this.fetchLogs(added, from, to)]);
    return [...known, ...more].sort(compareLogs);
  }

  /** Requests the logs of `addresses` over `from`..`to` now, for a later `logs` call on that range. */
  prefetchLogs(addresses: string[], from: number, to: number): void {
    if (from > to) return;
    const logs = this.fetchLogs(addresses, from, to);
    // Awaited by `logs`; a prefetch that indexing never reaches (it stopped) must not crash the process.
    logs.catch(() => undefined);
    this.logsAhead = { from, to, addresses: new Set(addresses), logs };
  }

  private async fetchLogs(addresses: string[], from: number, to: number): Promise<RpcLog[]> {
    if (addresses.length === 0 || from > to) return [];
    return this.rpc.call<RpcLog[]>("eth_getLogs", [{ address: addresses, fromBlock: hex(from), toBlock: hex(to) }]);
  }

  /**
   * Keeps up to PREFETCH_BLOCKS full blocks requested ahead: `numbers` (ascending, the blocks the next triggers
   * are in, the current one first), topped up in JSON-RPC batches of BLOCK_BATCH whenever a batch's worth has
   * been taken.
   */
  prefetch(numbers: Iterable<number>): void {
    if (this.fetches.size > PREFETCH_BLOCKS - BLOCK_BATCH) return;
    const wanted: number[] = [];
    for (const number of numbers) {
      if (this.fetches.size + wanted.length >= PREFETCH_BLOCKS) break;
      if (number !== wanted[wanted.length - 1] && !this.fetches.has(number)) wanted.push(number);
    }
    for (let i = 0; i < wanted.length; i += BLOCK_BATCH) this.requestBlocks(wanted.slice(i, i + BLOCK_BATCH));
  }

  private requestBlocks(wanted: number[]): void {
    const batch = this.rpc.batch(wanted.map((number) => ({ method: "eth_getBlockByNumber", params: [hex(number), true] })));
    wanted.forEach((number, i) => {
      const fetch = batch.then((blocks) => toFetchedBlock(number, blocks[i] as RpcBlock | null));
      // Awaited later by `block`; a prefetch that indexing never reaches (it stopped) must not crash the process.
      fetch.catch(() => undefined);
      this.fetches.set(number, fetch);
    });
  }

  /** The full block `number`, prefetched or fetched now. */
  async block(number: number): Promise<FetchedBlock> {
    const fetch = this.fetches.get(number)
      ?? this.rpc.call<RpcBlock | null>("eth_getBlockByNumber", [hex(number), true]).then((raw) => toFetchedBlock(number, raw));
    this.fetches.delete(number);
    return fetch;
  }

  /** Drops everything prefetched: after a failed attempt or a reorg it may belong to another chain. */
  reset(): void {
    this.fetches.clear();
    this.logsAhead = null;
  }

  private async rawHeaders(numbers: number[]): Promise<(RpcBlock | null)[]> {
    const headers: (RpcBlock | null)[] = [];
    for (let i = 0; i < numbers.length; i += HEADER_BATCH) {
      const calls = numbers.slice(i, i + HEADER_BATCH).map((number) => ({ method: "eth_getBlockByNumber", params: [hex(number), false] }));
      headers.push(...((await this.rpc.batch(calls)) as (RpcBlock | null)[]));
    }
    return headers;
  }
}

function toFetchedBlock(number: number, raw: RpcBlock | null): FetchedBlock {
  if (!raw) throw new ChainReorganisedError(`block ${number} is no longer on the node's chain`);
  return new FetchedBlock(raw);
}

function compareLogs(a: RpcLog, b: RpcLog): number {
  return Number(a.blockNumber) - Number(b.blockNumber) || Number(a.logIndex) - Number(b.logIndex);
}

function hex(n: number): string {
  return "0x" + n.toString(16);
}
