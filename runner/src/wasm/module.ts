/**
 * A compiled subgraph mapping, instantiated with the graph-ts host functions and called the way graph-node calls
 * it: after instantiation the module's `_start` runs (module-level code), then each handler export is called with
 * a pointer to its trigger written into the module's memory.
 *
 * graph-node instantiates a fresh instance for every trigger: the stub runtime never frees memory and module
 * globals keep their values between calls. An instance here can run many handlers, but its memory only grows and
 * its globals carry over, so callers indexing should either instantiate per trigger or use RestartableMapping,
 * which puts one instance back into its post-`_start` state before each trigger. An instance whose handler
 * failed should be dropped.
 */
import { writeEthereumBlock, writeEthereumEvent, type EthereumBlock, type EthereumEvent } from "./ethereum";
import { hostFunctions } from "./host";
import type { HostContext } from "./hostContext";
import { exportMutableGlobals, GLOBAL_EXPORT_PREFIX } from "./globalExports";
import { linkImports } from "./imports";
import { AscHeap } from "./memory";

export type { HostContext } from "./hostContext";
export type { EthereumEvent } from "./ethereum";

/** A handler failed deterministically: an abort, a critical log, a refused store write, a host error or a trap. */
export class HandlerError extends Error {
  override name = "HandlerError";
}

const globalsExported = new WeakSet<WebAssembly.Module>();

type ExportedFunction = (...args: Array<number | bigint>) => number | bigint | undefined;

export class MappingModule {
  private constructor(
    private readonly exports: WebAssembly.Exports,
    /** The instance's heap, for callers that pass or read AssemblyScript objects themselves (tests, tools). */
    readonly heap: AscHeap,
  ) {}

  /**
   * Compiles the mapping's WASM once; instantiate it as often as needed. Its mutable globals are exported too
   * (see globalExports.ts), so that an instance's state can be saved and restored.
   */
  static async compile(wasm: Uint8Array): Promise<WebAssembly.Module> {
    // A copy: WebAssembly.compile's typing refuses views that might be over a SharedArrayBuffer.
    const compiled = await WebAssembly.compile(new Uint8Array(exportMutableGlobals(wasm).wasm));
    globalsExported.add(compiled);
    return compiled;
  }

  /** Whether `module` came from `compile`, so that `mutableGlobals` lists all of them. */
  static exportsMutableGlobals(module: WebAssembly.Module): boolean {
    return globalsExported.has(module);
  }

  /** The instance's linear memory. */
  get memory(): WebAssembly.Memory {
    return this.exports.memory as WebAssembly.Memory;
  }

  /** Every mutable global the module defines (exported by `compile`). */
  get mutableGlobals(): WebAssembly.Global[] {
    return Object.entries(this.exports)
      .filter(([name]) => name.startsWith(GLOBAL_EXPORT_PREFIX))
      .map(([, global]) => global as WebAssembly.Global);
  }

  /**
   * Instantiates the mapping against `ctx` and runs its `_start`. Throws an Error naming any import the runner
   * does not provide, and a HandlerError if the module-level code fails.
   */
  static async instantiate(module: WebAssembly.Module, ctx: HostContext): Promise<MappingModule> {
    const heap = new AscHeap();
    const instance = await WebAssembly.instantiate(module, linkImports(module, hostFunctions({ heap, ctx })));
    heap.bind(instance.exports);
    const mapping = new MappingModule(instance.exports, heap);
    if (typeof instance.exports._start === "function") mapping.call("_start");
    return mapping;
  }

  /**
   * Runs `handler` (an exported function name) on `event`; throws HandlerError on failure. `blockPointer` is the
   * event's block if `writeBlock` wrote it already.
   */
  handleEvent(handler: string, event: EthereumEvent, blockPointer?: number): void {
    const run = this.exportedFunction(handler);
    this.failingAsHandlerError(() => run(writeEthereumEvent(this.heap, event, blockPointer)));
  }

  /** Writes `block` into the instance's memory and returns its pointer; throws HandlerError on failure. */
  writeBlock(block: EthereumBlock): number {
    return this.failingAsHandlerError(() => writeEthereumBlock(this.heap, block));
  }

  /**
   * Calls any exported function with WASM arguments (numbers for i32/f64 and pointers, bigints for i64) and
   * returns its raw result; throws HandlerError on failure.
   */
  call(name: string, args: Array<number | bigint> = []): number | bigint | undefined {
    const run = this.exportedFunction(name);
    return this.failingAsHandlerError(() => run(...args));
  }

  private exportedFunction(name: string): ExportedFunction {
    const exported = this.exports[name];
    // A missing handler is a manifest/build mismatch, not a handler failure: a plain Error.
    if (typeof exported !== "function") throw new Error(`the mapping exports no function \`${name}\``);
    return exported as ExportedFunction;
  }

  private failingAsHandlerError<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof HandlerError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      // Host functions throw their own messages; traps (unreachable, integer division by zero, out-of-bounds
      // access, stack overflow) come from the engine and say little without this prefix.
      const isTrap =
        error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(message));
      throw new HandlerError(isTrap ? `WASM trap: ${message}` : message, { cause: error });
    }
  }
}
