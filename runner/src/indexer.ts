/**
 * Feeds real logs from a JSON-RPC node to the compiled mappings, the way graph-node does: logs fetched with
 * eth_getLogs in block ranges for the addresses of every data source, handled in (block, log index) order, each
 * trigger in a fresh WASM state (a RestartableMapping restored per trigger), templates instantiated by handlers and indexed from the block that created
 * them (that block's own logs included, after the block's other triggers), each block's writes committed
 * atomically, and the first handler failure recorded as an indexing error that stops indexing at the block
 * before it instead of crashing or skipping silently.
 */
import { getBytes } from "ethers";
import type { BuiltSubgraph, SourceSpec } from "./manifest";
import type { EntityStore } from "./store";
import type { Entity } from "./values";
import {
  toEthereumBlock, toEthereumEvent, toEthereumTransaction, type RpcBlock, type RpcLog, type RpcTransaction,
} from "./chain/decode";
import type { JsonRpcClient } from "./chain/rpc";
import type { EthereumBlock, EthereumTransaction } from "./wasm/ethereum";
import { MappingModule, type HostContext } from "./wasm/module";
import { RestartableMapping } from "./wasm/restartable";

export interface IndexedBlock {
  number: number;
  hash: string;
  timestamp: number;
}

export interface IndexingError {
  block: number;
  dataSource: string;
  handler: string;
  message: string;
}

export interface IndexerOptions {
  subgraph: BuiltSubgraph;
  store: EntityStore;
  rpc: JsonRpcClient;
  /** Blocks per eth_getLogs request. */
  blockRange?: number;
  /** Mapping logs (graph-ts `log.*`): level 0 critical … 4 debug. */
  onLog?: (level: number, message: string, dataSource: string) => void;
}

/** A data source instance: the manifest's own, or a template instantiated for an address. */
interface DataSource {
  spec: SourceSpec;
  address: string;
  context: Entity;
  module: WebAssembly.Module;
  /** What `dataSource.*` host functions answer for it. */
  host: HostContext["dataSource"];
  /** Its instance, restored before each trigger; undefined until the first, null if the module cannot be restored. */
  mapping?: RestartableMapping | null;
}

/** Blocks fetched ahead of the handlers: enough to fill a JSON-RPC batch, few enough to bound memory. */
const PREFETCH_BLOCKS = 64;

interface Trigger {
  log: RpcLog;
  source: DataSource;
}

export class Indexer {
  private readonly sources: DataSource[] = [];
  private readonly byAddress = new Map<string, DataSource[]>();
  private readonly compiled = new Map<string, WebAssembly.Module>();
  private readonly blockRange: number;
  /** Blocks requested ahead of the handlers, by number, in JSON-RPC batches (see prefetchBlocks). */
  private readonly blockFetches = new Map<number, Promise<FetchedBlock>>();
  private latest: IndexedBlock | null = null;
  private failure: IndexingError | null = null;
  /** The next block to scan. */
  private cursor = 0;
  /** For the benchmark: how many triggers were handled. */
  readonly stats = { triggers: 0 };

  private constructor(private readonly options: IndexerOptions) {
    this.blockRange = options.blockRange ?? 2_000;
  }

  /** Compiles every data source's and template's WASM and registers the manifest's data sources. */
  static async create(options: IndexerOptions): Promise<Indexer> {
    const indexer = new Indexer(options);
    const { subgraph } = options;
    for (const spec of [...subgraph.dataSources, ...subgraph.templates.values()]) {
      indexer.compiled.set(spec.name, await MappingModule.compile(spec.wasm));
    }
    for (const spec of subgraph.dataSources) {
      if (!spec.address) throw new Error(`data source ${spec.name} has no address`);
      indexer.addSource(spec, spec.address, new Map());
    }
    indexer.cursor = Math.min(...subgraph.dataSources.map((s) => s.startBlock ?? 0));
    return indexer;
  }

  /** The last block fully indexed, or null before the first. */
  get indexedBlock(): IndexedBlock | null {
    return this.latest;
  }

  /** The handler failure that stopped indexing, if any. */
  get error(): IndexingError | null {
    return this.failure;
  }

  /** Indexes every block up to `target` (default: the node's head). Stops at the first handler failure. */
  async syncTo(target?: number): Promise<void> {
    const head = target ?? Number(await this.options.rpc.call<string>("eth_blockNumber", []));
    while (!this.failure && this.cursor <= head) {
      const from = this.cursor;
      const to = Math.min(head, from + this.blockRange - 1);
      await this.indexRange(from, to);
      if (this.failure) return;
      this.cursor = to + 1;
      if (!this.latest || this.latest.number < to) this.latest = await this.blockHeader(to);
    }
  }

  private async indexRange(from: number, to: number): Promise<void> {
    const logs = await this.fetchLogs([...this.byAddress.keys()], from, to);
    let pending = this.triggersFor(logs);
    let next = 0;
    while (next < pending.length) {
      const blockNumber = Number(pending[next].log.blockNumber);
      let end = next;
      while (end < pending.length && Number(pending[end].log.blockNumber) === blockNumber) end++;
      const inBlock = pending.slice(next, end);
      next = end;
      this.prefetchBlocks(blockNumber, pending, next);
      const created = await this.indexBlock(blockNumber, inBlock);
      if (this.failure) {
        this.blockFetches.clear();
        return;
      }
      if (created.length > 0) {
        // New data sources index the rest of the range too: fetch their logs and merge them in order.
        const later = await this.fetchLogs(created.map((s) => s.address), blockNumber + 1, to);
        pending = mergeTriggers(pending.slice(next), this.triggersFor(later, new Set(created)));
        next = 0;
      }
    }
  }

  /**
   * Handles one block's triggers, then the logs of that block for data sources the block created (repeating
   * while handlers create more), all in one store transaction. Returns the data sources created.
   */
  private async indexBlock(blockNumber: number, triggers: Trigger[]): Promise<DataSource[]> {
    const block = await this.takeBlock(blockNumber);
    const createdInBlock: DataSource[] = [];
    this.options.store.begin();
    let queue = triggers;
    while (queue.length > 0) {
      const created: DataSource[] = [];
      for (const trigger of queue) {
        if (!(await this.handle(trigger, block, created))) {
          this.options.store.rollback();
          return [];
        }
      }
      createdInBlock.push(...created);
      queue = created.length === 0
        ? []
        : this.triggersFor(await this.fetchLogs(created.map((s) => s.address), blockNumber, blockNumber), new Set(created));
    }
    this.options.store.commit();
    this.latest = { number: blockNumber, hash: block.hash, timestamp: Number(block.block.timestamp) };
    return createdInBlock;
  }

  /** Runs the trigger's handler in a fresh instance state; false (and the failure recorded) if it failed. */
  private async handle(trigger: Trigger, block: FetchedBlock, created: DataSource[]): Promise<boolean> {
    const { log, source } = trigger;
    const handler = source.spec.handlers.get(log.topics[0])!;
    const transaction = block.transaction(log.transactionHash);
    const context: HostContext = {
      store: this.options.store,
      dataSource: source.host,
      createDataSource: (name, params, ctx) => created.push(this.instantiate(name, params, ctx)),
      log: (level, message) => this.options.onLog?.(level, message, source.spec.name),
    };
    try {
      // A log the ABI cannot decode fails like a handler, as graph-node fails a block whose log does not parse.
      const event = toEthereumEvent(source.spec.abi, handler.fragment, log, block.block, transaction);
      if (source.mapping === undefined) source.mapping = await RestartableMapping.create(source.module, source.host);
      if (source.mapping) {
        source.mapping.handleEvent(context, handler.handler, event);
        if (source.mapping.oversized) source.mapping = undefined;
      }
      else (await MappingModule.instantiate(source.module, context)).handleEvent(handler.handler, event);
      this.stats.triggers += 1;
      return true;
    } catch (error) {
      source.mapping = undefined;
      this.failure = {
        block: Number(log.blockNumber),
        dataSource: source.spec.name,
        handler: handler.handler,
        message: error instanceof Error ? error.message : String(error),
      };
      return false;
    }
  }

  private instantiate(name: string, params: string[], context: Entity | null): DataSource {
    const spec = this.options.subgraph.templates.get(name);
    if (!spec) throw new Error(`no data source template named ${name}`);
    if (params.length !== 1) throw new Error(`template ${name} expects one address parameter`);
    return this.addSource(spec, params[0].toLowerCase(), context ?? new Map());
  }

  private addSource(spec: SourceSpec, address: string, context: Entity): DataSource {
    const source: DataSource = {
      spec, address, context, module: this.compiled.get(spec.name)!,
      host: { name: spec.name, network: spec.network, address: getBytes(address), context },
    };
    this.sources.push(source);
    this.byAddress.set(address, [...(this.byAddress.get(address) ?? []), source]);
    return source;
  }

  /** Matches logs to the data sources (optionally only `only`) that handle them, in (block, log index) order. */
  private triggersFor(logs: RpcLog[], only?: Set<DataSource>): Trigger[] {
    const triggers: Trigger[] = [];
    for (const log of logs) {
      if (log.removed) continue;
      for (const source of this.byAddress.get(log.address.toLowerCase()) ?? []) {
        if ((!only || only.has(source)) && source.spec.handlers.has(log.topics[0])) triggers.push({ log, source });
      }
    }
    return triggers.sort(compareTriggers);
  }

  private async fetchLogs(addresses: string[], from: number, to: number): Promise<RpcLog[]> {
    if (addresses.length === 0 || from > to) return [];
    return this.options.rpc.call<RpcLog[]>("eth_getLogs", [
      { address: addresses, fromBlock: hex(from), toBlock: hex(to) },
    ]);
  }

  /**
   * Keeps up to PREFETCH_BLOCKS blocks requested ahead: block `current` and those of the triggers from
   * `pending[next]` on, fetched in one JSON-RPC batch whenever fewer than half are still outstanding.
   */
  private prefetchBlocks(current: number, pending: Trigger[], next: number): void {
    if (this.blockFetches.size > PREFETCH_BLOCKS / 2) return;
    const wanted = this.blockFetches.has(current) ? [] : [current];
    for (let i = next; i < pending.length && wanted.length < PREFETCH_BLOCKS; i++) {
      const number = Number(pending[i].log.blockNumber);
      if (number !== wanted[wanted.length - 1] && !this.blockFetches.has(number)) wanted.push(number);
    }
    const batch = this.options.rpc.batch(wanted.map((number) => ({ method: "eth_getBlockByNumber", params: [hex(number), true] })));
    wanted.forEach((number, i) => {
      const fetch = batch.then((blocks) => toFetchedBlock(number, blocks[i] as RpcBlock | null));
      // Awaited later by takeBlock; a prefetch that indexing never reaches (it stopped) must not crash the process.
      fetch.catch(() => undefined);
      this.blockFetches.set(number, fetch);
    });
  }

  /** The block `number`, prefetched or fetched now. */
  private async takeBlock(number: number): Promise<FetchedBlock> {
    const fetch = this.blockFetches.get(number) ?? this.fetchBlock(number);
    this.blockFetches.delete(number);
    return fetch;
  }

  private async fetchBlock(number: number): Promise<FetchedBlock> {
    return toFetchedBlock(number, await this.options.rpc.call<RpcBlock | null>("eth_getBlockByNumber", [hex(number), true]));
  }

  private async blockHeader(number: number): Promise<IndexedBlock> {
    const raw = await this.options.rpc.call<RpcBlock | null>("eth_getBlockByNumber", [hex(number), false]);
    if (!raw) throw new Error(`block ${number} not found`);
    return { number, hash: raw.hash, timestamp: Number(raw.timestamp) };
  }

  /** The data sources indexed now (the manifest's and every template instance). */
  get dataSources(): { name: string; address: string }[] {
    return this.sources.map((s) => ({ name: s.spec.name, address: s.address }));
  }
}

/** A block, its transactions converted for the mappings only when a trigger needs them. */
class FetchedBlock {
  readonly block: EthereumBlock;
  readonly hash: string;
  private readonly raw = new Map<string, RpcTransaction>();
  private readonly converted = new Map<string, EthereumTransaction>();

  constructor(raw: RpcBlock) {
    this.block = toEthereumBlock(raw);
    this.hash = raw.hash;
    for (const tx of raw.transactions) this.raw.set(tx.hash.toLowerCase(), tx);
  }

  /** The transaction `hash`; throws if the block does not hold it (the node reorganised under us). */
  transaction(hash: string): EthereumTransaction {
    const key = hash.toLowerCase();
    let transaction = this.converted.get(key);
    if (!transaction) {
      const raw = this.raw.get(key);
      if (!raw) throw new Error(`transaction ${hash} not in block ${this.hash}`);
      transaction = toEthereumTransaction(raw);
      this.converted.set(key, transaction);
    }
    return transaction;
  }
}

function toFetchedBlock(number: number, raw: RpcBlock | null): FetchedBlock {
  if (!raw) throw new Error(`block ${number} not found`);
  return new FetchedBlock(raw);
}

function compareTriggers(a: Trigger, b: Trigger): number {
  return Number(a.log.blockNumber) - Number(b.log.blockNumber) || Number(a.log.logIndex) - Number(b.log.logIndex);
}

function mergeTriggers(a: Trigger[], b: Trigger[]): Trigger[] {
  return [...a, ...b].sort(compareTriggers);
}

function hex(n: number): string {
  return "0x" + n.toString(16);
}
