/**
 * `dataSource.*`: the running data source's address, network and context, and creation of data sources from
 * templates (recorded through the host context, which decides what creating one means).
 */
import type { HostEnv, HostFunctions } from "../hostContext";
import { readEntity, writeEntity } from "../storeValues";

/** The `dataSource.*` imports. */
export function dataSourceHostFunctions({ heap, ctx }: HostEnv): HostFunctions {
  const readParams = (ptr: number): string[] => heap.readPointerArray(ptr).map((param) => heap.readString(param));
  return {
    "dataSource.address": (): number => heap.newUint8Array(ctx.dataSource.address),
    "dataSource.network": (): number => heap.newString(ctx.dataSource.network),
    "dataSource.context": (): number => writeEntity(heap, ctx.dataSource.context),
    "dataSource.create": (namePtr: number, paramsPtr: number): void =>
      ctx.createDataSource(heap.readString(namePtr), readParams(paramsPtr), null),
    "dataSource.createWithContext": (namePtr: number, paramsPtr: number, contextPtr: number): void =>
      ctx.createDataSource(heap.readString(namePtr), readParams(paramsPtr), readEntity(heap, contextPtr)),
  };
}
