/**
 * What host functions can reach: the caller's context (store, data source, template creation, logging) and the
 * instance's heap. Host functions throw plain Errors; the module turns any error escaping a call into a
 * HandlerError, the way graph-node turns a deterministic host error into a failed handler.
 */
import type { EntityAccess } from "../store";
import type { Entity } from "../values";
import type { AscHeap } from "./memory";

/** graph-ts `log.Level`. */
export enum LogLevel {
  Critical = 0,
  Error = 1,
  Warning = 2,
  Info = 3,
  Debug = 4,
}

export interface HostContext {
  store: EntityAccess;
  dataSource: {
    name: string;
    network: string;
    /** 20 bytes. */
    address: Uint8Array;
    /** The data source's DataSourceContext (empty for data sources created without one). */
    context: Entity;
  };
  /** dataSource.create / createWithContext: instantiate template `name` for params[0] (an address). */
  createDataSource(name: string, params: string[], context: Entity | null): void;
  /** graph-ts log.Level: 0 critical, 1 error, 2 warning, 3 info, 4 debug (see LogLevel). */
  log(level: number, message: string): void;
}

export interface HostEnv {
  heap: AscHeap;
  ctx: HostContext;
}

/**
 * Host functions by import name (`bigInt.plus`, `store.set`, `abort`...). Arguments arrive as WASM passes them:
 * pointers and i32s as numbers, i64s as bigints.
 */
// `any` arguments: each host function has its own WASM signature, which no single TS type describes.
export type HostFunctions = Record<string, (...args: any[]) => number | bigint | boolean | void>;
