/**
 * Feeds real logs from a JSON-RPC node to the compiled mappings, the way graph-node does: logs fetched with
 * eth_getLogs in block ranges for the addresses of every data source, handled in (block, log index) order, each
 * trigger in a fresh WASM state (a RestartableMapping restored per trigger), templates instantiated by handlers and
 * indexed from the block that created them (that block's own logs included, after the block's other triggers).
 *
 * A block is the unit of work (BlockState): its writes, the data sources it creates and the block pointer commit
 * together or not at all, so an attempt that fails anywhere (a handler, a decode, the RPC) leaves the store at the
 * last whole block and the next attempt resumes from there without counting anything twice. The first handler
 * failure is recorded as an indexing error that stops indexing at the block before it. Each attempt first checks
 * that the node still holds the indexed head and, after a reorg, rolls back to the common ancestor.
 */
import { getBytes } from "ethers";
import { BlockState } from "./blockState";
import { BlockSource, ChainReorganisedError, type FetchedBlock } from "./chain/blockSource";
import { toEthereumEvent, type RpcLog } from "./chain/decode";
import type { JsonRpcClient } from "./chain/rpc";
import { descendsFrom, type BlockPointer } from "./history/blockPointer";
import { commonAncestor, isCanonical } from "./history/reorg";
import type { BuiltSubgraph, SourceSpec } from "./manifest";
import type { EntityStore } from "./store";
import type { Entity } from "./values";
import { MappingModule, type HostContext } from "./wasm/module";
import { LogLevel } from "./wasm/hostContext";
import { RestartableMapping } from "./wasm/restartable";

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
  /** Mapping logs (graph-ts `log.*`, level 0 critical … 4 debug) and the indexer's own ("runner"). */
  onLog?: (level: number, message: string, dataSource: string) => void;
}

/** A data source instance: the manifest's own, or a template instantiated for an address. */
interface DataSource {
  spec: SourceSpec;
  address: string;
  context: Entity;
  module: WebAssembly.Module;
  /** The block whose handlers created it (-1 for the manifest's): a reorg below it removes it. */
  createdAt: number;
  /** What `dataSource.*` host functions answer for it. */
  host: HostContext["dataSource"];
  /** Its instance, restored before each trigger; undefined until the first, null if the module cannot be restored. */
  mapping?: RestartableMapping | null;
}

interface Trigger {
  log: RpcLog;
  source: DataSource;
}

export class Indexer {
  private sources: DataSource[] = [];
  private byAddress = new Map<string, DataSource[]>();
  private readonly compiled = new Map<string, WebAssembly.Module>();
  private readonly blockRange: number;
  private readonly blocks: BlockSource;
  private failure: IndexingError | null = null;
  private startBlock = 0;
  private nodeHead: number | null = null;
  /** For the benchmark: how many triggers were handled. */
  readonly stats = { triggers: 0 };

  private constructor(private readonly options: IndexerOptions) {
    this.blockRange = options.blockRange ?? 2_000;
    this.blocks = new BlockSource(options.rpc);
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
      indexer.register(indexer.newSource(spec, spec.address, new Map(), -1));
    }
    indexer.startBlock = Math.min(...subgraph.dataSources.map((s) => s.startBlock ?? 0));
    return indexer;
  }

  /** The last block fully indexed, or null before the first. */
  get indexedBlock(): BlockPointer | null {
    return this.options.store.head;
  }

  /** The node's head when it was last asked, or null before. */
  get chainHead(): number | null {
    return this.nodeHead;
  }

  /** The handler failure that stopped indexing, if any. */
  get error(): IndexingError | null {
    return this.failure;
  }

  /** The data sources indexed now (the manifest's and every template instance). */
  get dataSources(): { name: string; address: string }[] {
    return this.sources.map((s) => ({ name: s.spec.name, address: s.address }));
  }

  /**
   * One indexing attempt: reconciles with the node's chain (rolling back a reorg), then indexes every block up
   * to `target` (default and at most: the node's head). Stops at the first handler failure. Rejects on any RPC
   * failure or chain change; every block committed before stays, and calling it again resumes after them.
   */
  async syncTo(target?: number): Promise<void> {
    this.blocks.reset();
    const nodeHead = await this.blocks.headNumber();
    this.nodeHead = nodeHead;
    await this.reconcile();
    const last = Math.min(target ?? nodeHead, nodeHead);
    // Blocks from here on may still be reorganised: each one's header is kept (history/blockHistory.ts).
    const windowStart = nodeHead - this.options.store.history.retainedBlocks + 1;
    while (!this.failure && this.nextBlock <= last) {
      const from = this.nextBlock;
      const to = Math.min(last, from + this.blockRange - 1);
      await this.indexRange(from, to, windowStart, Math.min(last, to + this.blockRange));
    }
  }

  private get nextBlock(): number {
    const head = this.options.store.head;
    return head ? head.number + 1 : this.startBlock;
  }

  /** Rolls back to the common ancestor when the node's chain no longer holds the indexed head. */
  private async reconcile(): Promise<void> {
    const { store } = this.options;
    const head = store.head;
    if (!head || (await isCanonical(head, this.blocks))) return;
    const ancestor = await commonAncestor(store.history, this.blocks);
    store.revertTo(ancestor);
    this.sources = this.sources.filter((source) => source.createdAt <= ancestor.number);
    this.byAddress = addressIndex(this.sources);
    // As graph-node unfails a subgraph whose failing block was reverted: the new branch gets its own chance.
    if (this.failure && this.failure.block > ancestor.number) this.failure = null;
    this.options.onLog?.(
      LogLevel.Info,
      `chain reorganised: reverted blocks ${ancestor.number + 1}..${head.number} to common ancestor ${ancestor.number} (${ancestor.hash})`,
      "runner",
    );
  }

  /** Indexes `from`..`to`; the logs of the next range, up to `nextTo`, are fetched while its handlers run. */
  private async indexRange(from: number, to: number, windowStart: number, nextTo: number): Promise<void> {
    // The window's headers and the range's logs are independent: both requests are in flight together.
    const [pointers, logs] = await Promise.all([
      to >= windowStart ? this.blocks.chain(Math.max(from, windowStart), to) : [],
      this.blocks.logs([...this.byAddress.keys()], from, to),
    ]);
    const headers = new Map(pointers.map((pointer) => [pointer.number, pointer]));
    this.blocks.prefetchLogs([...this.byAddress.keys()], to + 1, nextTo);
    let pending = this.triggersFor(logs);
    let next = 0;
    while (next < pending.length) {
      const blockNumber = Number(pending[next].log.blockNumber);
      let end = next;
      while (end < pending.length && Number(pending[end].log.blockNumber) === blockNumber) end++;
      const inBlock = pending.slice(next, end);
      next = end;
      this.blocks.prefetch([blockNumber, ...pending.slice(next).map((t) => Number(t.log.blockNumber))]);
      this.commitEmptyBlocks(headers, blockNumber - 1);
      const outcome = await this.indexBlock(blockNumber, inBlock, headers.get(blockNumber));
      if ("failure" in outcome) {
        // The head moves to the block before the failing one, so `_meta` names the last block whose data is whole.
        if (this.nextBlock < blockNumber) this.options.store.commitBlock(headers.get(blockNumber - 1) ?? (await this.blocks.header(blockNumber - 1)), []);
        this.failure = outcome.failure;
        return;
      }
      if (outcome.created.length > 0) {
        // New data sources index the rest of the range too: fetch their logs and merge them in order.
        const later = await this.blocks.logs(outcome.created.map((s) => s.address), blockNumber + 1, to);
        pending = mergeTriggers(pending.slice(next), this.triggersFor(later, outcome.created));
        next = 0;
      }
    }
    this.commitEmptyBlocks(headers, to);
    if (this.nextBlock <= to) this.options.store.commitBlock(await this.blocks.header(to), []);
  }

  /** Commits the headers (blocks without triggers, inside the reorg window) up to block `last`. */
  private commitEmptyBlocks(headers: Map<number, BlockPointer>, last: number): void {
    for (let number = this.nextBlock; number <= last; number++) {
      const pointer = headers.get(number);
      if (!pointer) continue;
      this.checkLinksToHead(pointer);
      this.options.store.commitBlock(pointer, []);
    }
  }

  /**
   * Handles one block's triggers, then the logs of that block for data sources the block created (repeating
   * while handlers create more), in one BlockState, and commits it; or returns the handler failure, with nothing
   * of the block committed.
   */
  private async indexBlock(
    blockNumber: number, triggers: Trigger[], header: BlockPointer | undefined,
  ): Promise<{ created: DataSource[] } | { failure: IndexingError }> {
    const block = await this.blocks.block(blockNumber);
    if (header && header.hash !== block.pointer.hash) {
      throw new ChainReorganisedError(`block ${blockNumber} changed from ${header.hash} to ${block.pointer.hash} while indexing`);
    }
    this.checkLinksToHead(block.pointer);
    const state = new BlockState<DataSource>(this.options.store);
    let queue = triggers;
    while (queue.length > 0) {
      const before = state.createdSources.length;
      for (const trigger of queue) {
        const failure = await this.handle(trigger, block, state);
        if (failure) return { failure };
      }
      const created = state.createdSources.slice(before);
      queue = created.length === 0
        ? []
        : this.triggersFor(await this.blocks.logs(created.map((s) => s.address), blockNumber, blockNumber), created);
    }
    // Synchronous from here: queries and the next attempt see the block whole or not at all.
    state.commit(block.pointer);
    for (const source of state.createdSources) this.register(source);
    return { created: state.createdSources };
  }

  /** Throws ChainReorganisedError when `pointer` is the block after the head but not its child. */
  private checkLinksToHead(pointer: BlockPointer): void {
    const head = this.options.store.head;
    if (head && head.number === pointer.number - 1 && !descendsFrom(pointer, head)) {
      throw new ChainReorganisedError(`block ${pointer.number} does not descend from the indexed head ${head.hash}`);
    }
  }

  /** Runs the trigger's handler in a fresh instance state; returns the failure if it failed deterministically. */
  private async handle(trigger: Trigger, block: FetchedBlock, state: BlockState<DataSource>): Promise<IndexingError | null> {
    const { log, source } = trigger;
    const handler = source.spec.handlers.get(log.topics[0])!;
    if (log.blockHash.toLowerCase() !== block.pointer.hash) {
      throw new ChainReorganisedError(`a log of block ${block.pointer.number} names block ${log.blockHash}, not ${block.pointer.hash}`);
    }
    const transaction = block.transaction(log.transactionHash);
    const context: HostContext = {
      store: state,
      dataSource: source.host,
      createDataSource: (name, params, ctx) => state.createdSources.push(this.instantiate(name, params, ctx, block.pointer.number)),
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
      return null;
    } catch (error) {
      source.mapping = undefined;
      return {
        block: Number(log.blockNumber),
        dataSource: source.spec.name,
        handler: handler.handler,
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }

  private instantiate(name: string, params: string[], context: Entity | null, block: number): DataSource {
    const spec = this.options.subgraph.templates.get(name);
    if (!spec) throw new Error(`no data source template named ${name}`);
    if (params.length !== 1) throw new Error(`template ${name} expects one address parameter`);
    return this.newSource(spec, params[0].toLowerCase(), context ?? new Map(), block);
  }

  private newSource(spec: SourceSpec, address: string, context: Entity, createdAt: number): DataSource {
    return {
      spec, address, context, createdAt, module: this.compiled.get(spec.name)!,
      host: { name: spec.name, network: spec.network, address: getBytes(address), context },
    };
  }

  private register(source: DataSource): void {
    this.sources.push(source);
    this.byAddress.set(source.address, [...(this.byAddress.get(source.address) ?? []), source]);
  }

  /** Matches logs to the data sources (all registered ones, or only `only`) that handle them, in (block, log index) order. */
  private triggersFor(logs: RpcLog[], only?: DataSource[]): Trigger[] {
    const sources = only ? addressIndex(only) : this.byAddress;
    const triggers: Trigger[] = [];
    for (const log of logs) {
      if (log.removed) continue;
      for (const source of sources.get(log.address.toLowerCase()) ?? []) {
        if (source.spec.handlers.has(log.topics[0])) triggers.push({ log, source });
      }
    }
    return triggers.sort(compareTriggers);
  }
}

/** Data sources by (lower-case) address. */
function addressIndex(sources: DataSource[]): Map<string, DataSource[]> {
  const index = new Map<string, DataSource[]>();
  for (const source of sources) index.set(source.address, [...(index.get(source.address) ?? []), source]);
  return index;
}

function compareTriggers(a: Trigger, b: Trigger): number {
  return Number(a.log.blockNumber) - Number(b.log.blockNumber) || Number(a.log.logIndex) - Number(b.log.logIndex);
}

function mergeTriggers(a: Trigger[], b: Trigger[]): Trigger[] {
  return [...a, ...b].sort(compareTriggers);
}
