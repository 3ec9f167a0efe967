/**
 * One mapping instance per data source that runs trigger after trigger, each starting from exactly the state a
 * fresh instance has right after `_start`: graph-node's semantics (a new instance per trigger, so nothing a
 * handler leaves in memory or in module globals reaches the next one) without paying for instantiation, host
 * function binding and `_start` every time, which cost more than most handlers.
 *
 * After `_start` the instance's memory, its mutable globals (exported by MappingModule.compile, see
 * globalExports.ts) and the host heap's arena are saved; before every trigger they are put back, and memory past
 * the saved image is zeroed as fresh pages are. The one visible difference from a fresh instance, a memory that
 * may already be larger than the module's initial size, changes no result: the allocator only grows memory when
 * it runs out.
 *
 * The triggers of one block share its `ethereum.Block`: it is written once, onto the restored state, and that
 * state is saved too, so the block's later triggers start from it. Each trigger still starts from exactly the
 * same memory; only where its objects lie differs from a fresh instance, which no result depends on.
 *
 * Module-level code that touches trigger state (the store, template creation, logging) cannot be replayed from
 * a snapshot; for such a module `create` answers null and the caller instantiates per trigger instead.
 */
import type { EthereumBlock, EthereumEvent } from "./ethereum";
import type { HostContext } from "./hostContext";
import { MappingModule } from "./module";

/** The trigger-dependent part of a HostContext, switched for each trigger. */
class SwitchableContext implements HostContext {
  target: HostContext | null = null;

  constructor(readonly dataSource: HostContext["dataSource"]) {}

  get store(): HostContext["store"] {
    return this.current().store;
  }

  createDataSource(...args: Parameters<HostContext["createDataSource"]>): void {
    this.current().createDataSource(...args);
  }

  log(level: number, message: string): void {
    this.current().log(level, message);
  }

  private current(): HostContext {
    if (!this.target) throw new ModuleLevelTriggerAccess();
    return this.target;
  }
}

class ModuleLevelTriggerAccess extends Error {
  override name = "ModuleLevelTriggerAccess";
  constructor() {
    super("module-level code used the store, logging or template creation");
  }
}

/** Memory past the saved image that restoring may zero before each trigger (see `oversized`). */
const MAX_EXTRA_MEMORY = 4 * 1024 * 1024;

/** The state after `_start` with one block written, and where the block lies. */
interface BlockImage {
  block: EthereumBlock;
  pointer: number;
  snapshot: MappingSnapshot;
}

export class RestartableMapping {
  private blockImage: BlockImage | null = null;

  private constructor(
    private readonly mapping: MappingModule,
    private readonly context: SwitchableContext,
    private readonly snapshot: MappingSnapshot,
  ) {}

  /**
   * Instantiates `module` for the data source and saves its state after `_start`. Null if module-level code
   * touched trigger state; throws, as instantiation does, for a module that cannot run at all.
   */
  static async create(module: WebAssembly.Module, dataSource: HostContext["dataSource"]): Promise<RestartableMapping | null> {
    if (!MappingModule.exportsMutableGlobals(module)) throw new Error("compile the module with MappingModule.compile");
    const context = new SwitchableContext(dataSource);
    let mapping: MappingModule;
    try {
      mapping = await MappingModule.instantiate(module, context);
    } catch (error) {
      if ((error as Error).cause instanceof ModuleLevelTriggerAccess) return null;
      throw error;
    }
    return new RestartableMapping(mapping, context, MappingSnapshot.take(mapping));
  }

  /**
   * Whether a handler grew the memory so far past the saved image that zeroing it before every trigger costs
   * more than instantiating afresh: the caller should drop this instance and create another.
   */
  get oversized(): boolean {
    return this.mapping.memory.buffer.byteLength - this.snapshot.size > MAX_EXTRA_MEMORY;
  }

  /** Runs `handler` on `event` against `ctx` (whose dataSource must be the one given to `create`). */
  handleEvent(ctx: HostContext, handler: string, event: EthereumEvent): void {
    const image = this.imageOf(event.block);
    image.snapshot.restore(this.mapping);
    this.context.target = ctx;
    try {
      this.mapping.handleEvent(handler, event, image.pointer);
    } finally {
      this.context.target = null;
    }
  }

  /** The saved state holding `block`, written onto the state after `_start` the first time it is asked for. */
  private imageOf(block: EthereumBlock): BlockImage {
    if (this.blockImage?.block !== block) {
      this.blockImage = null;
      this.snapshot.restore(this.mapping);
      const pointer = this.mapping.writeBlock(block);
      this.blockImage = { block, pointer, snapshot: MappingSnapshot.take(this.mapping) };
    }
    return this.blockImage;
  }
}

/** An instance's memory image, mutable global values and host arena, as they were at one moment. */
class MappingSnapshot {
  private constructor(
    private readonly memory: Uint8Array,
    private readonly globals: Array<[WebAssembly.Global, unknown]>,
    private readonly arena: { start: number; free: number },
  ) {}

  get size(): number {
    return this.memory.length;
  }

  static take(mapping: MappingModule): MappingSnapshot {
    const memory = new Uint8Array(mapping.memory.buffer).slice();
    const globals = mapping.mutableGlobals.map((global) => [global, global.value] as [WebAssembly.Global, unknown]);
    return new MappingSnapshot(memory, globals, mapping.heap.arenaState());
  }

  restore(mapping: MappingModule): void {
    const bytes = new Uint8Array(mapping.memory.buffer);
    bytes.set(this.memory);
    bytes.fill(0, this.memory.length);
    for (const [global, value] of this.globals) global.value = value;
    mapping.heap.restoreArena(this.arena);
  }
}
