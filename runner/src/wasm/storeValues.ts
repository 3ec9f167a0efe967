/**
 * Entities and their values in WASM memory. A graph-ts `Value` is `{ kind: ValueKind, data: u64 }` where data is
 * the value itself (Int, Int8, Timestamp in microseconds, Bool) or a pointer (String, Bytes, BigInt, BigDecimal,
 * Array<Value>); an `Entity` is a `TypedMap<string, Value>`. Mirrors runtime/wasm/src/to_from/external.rs.
 */
import { ValueKind, type Entity, type Value } from "../values";
import type { AscHeap, TypedMapTypeIds } from "./memory";
import { readBigDecimal, readBigInt, writeBigDecimal, writeBigInt } from "./numbers";
import { AscTypeId } from "./typeIds";

const ENTITY_TYPE_IDS: TypedMapTypeIds = {
  map: AscTypeId.TypedMapStringStoreValue,
  entry: AscTypeId.TypedMapEntryStringStoreValue,
  entries: AscTypeId.ArrayTypedMapEntryStringStoreValue,
};

/** Writes a graph-ts `Value`. */
export function writeStoreValue(heap: AscHeap, value: Value): number {
  return heap.newEnum(AscTypeId.StoreValue, value.kind, storeValuePayload(heap, value));
}

function storeValuePayload(heap: AscHeap, value: Value): bigint {
  switch (value.kind) {
    case ValueKind.String:
      return BigInt(heap.newString(value.value));
    case ValueKind.Int:
      return BigInt(value.value);
    case ValueKind.Int8:
    case ValueKind.Timestamp:
      return value.value;
    case ValueKind.Bool:
      return value.value ? 1n : 0n;
    case ValueKind.Null:
      return 0n;
    case ValueKind.Bytes:
      return BigInt(heap.newUint8Array(value.value));
    case ValueKind.BigInt:
      return BigInt(writeBigInt(heap, value.value));
    case ValueKind.BigDecimal:
      return BigInt(writeBigDecimal(heap, value.value));
    case ValueKind.Array:
      return BigInt(heap.newPointerArray(AscTypeId.ArrayStoreValue, value.value.map((item) => writeStoreValue(heap, item))));
  }
}

/** Reads a graph-ts `Value`. */
export function readStoreValue(heap: AscHeap, pointer: number): Value {
  const { kind, payload } = heap.readEnum(pointer);
  const target = Number(BigInt.asUintN(32, payload));
  switch (kind) {
    case ValueKind.String:
      return { kind, value: heap.readString(target) };
    case ValueKind.Int:
      return { kind, value: Number(BigInt.asIntN(32, payload)) };
    case ValueKind.Int8:
    case ValueKind.Timestamp:
      return { kind, value: BigInt.asIntN(64, payload) };
    case ValueKind.Bool:
      return { kind, value: payload !== 0n };
    case ValueKind.Null:
      return { kind };
    case ValueKind.Bytes:
      return { kind, value: heap.readUint8Array(target) };
    case ValueKind.BigInt:
      return { kind, value: readBigInt(heap, target) };
    case ValueKind.BigDecimal:
      return { kind, value: readBigDecimal(heap, target) };
    case ValueKind.Array:
      return { kind, value: heap.readPointerArray(target).map((item) => readStoreValue(heap, item)) };
    default:
      throw new Error(`unknown store value kind ${kind}`);
  }
}

/** Writes an `Entity` with its fields sorted by name, as graph-node hands entities to mappings. */
export function writeEntity(heap: AscHeap, entity: Readonly<Entity>): number {
  const fields = [...entity].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return heap.newTypedMap(
    ENTITY_TYPE_IDS,
    fields.map(([name, value]) => [name, writeStoreValue(heap, value)]),
  );
}

/** Reads an `Entity` (also a `DataSourceContext`); a field set twice keeps its last value. */
export function readEntity(heap: AscHeap, pointer: number): Entity {
  return new Map(heap.readTypedMap(pointer).map(([name, value]) => [name, readStoreValue(heap, value)]));
}

/** Writes the `Array<Entity>` that `store.loadRelated` returns. */
export function writeEntityArray(heap: AscHeap, entities: Entity[]): number {
  return heap.newPointerArray(
    AscTypeId.ArrayTypedMapStringStoreValue,
    entities.map((entity) => writeEntity(heap, entity)),
  );
}
