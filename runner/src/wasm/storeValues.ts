/**
 * Entities and their values in WASM memory. A graph-ts `Value` is `{ kind: ValueKind, data: u64 }` where data is
 * the value itself (Int, Int8, Timestamp in microseconds, Bool) or a pointer (String, Bytes, BigInt, BigDecimal,
 * Array<Value>); an `Entity` is a `TypedMap<string, Value>`. Mirrors runtime/wasm/src/to_from/external.rs.
 */
import { byName, inNameOrder, ValueKind, type Entity, type Value } from "../values";
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
  switch (value.kind) {
    case ValueKind.Int:
      return heap.newEnum(AscTypeId.StoreValue, value.kind, BigInt(value.value));
    case ValueKind.Int8:
    case ValueKind.Timestamp:
      return heap.newEnum(AscTypeId.StoreValue, value.kind, value.value);
    default:
      return heap.newEnumU32(AscTypeId.StoreValue, value.kind, storeValuePointer(heap, value));
  }
}

/** The payload of a value stored behind a pointer (or a bool, or nothing for null). */
function storeValuePointer(heap: AscHeap, value: Exclude<Value, { kind: ValueKind.Int | ValueKind.Int8 | ValueKind.Timestamp }>): number {
  switch (value.kind) {
    case ValueKind.String:
      return heap.newString(value.value);
    case ValueKind.Bool:
      return value.value ? 1 : 0;
    case ValueKind.Null:
      return 0;
    case ValueKind.Bytes:
      return heap.newUint8Array(value.value);
    case ValueKind.BigInt:
      return writeBigInt(heap, value.value);
    case ValueKind.BigDecimal:
      return writeBigDecimal(heap, value.value);
    case ValueKind.Array:
      return heap.newPointerArray(AscTypeId.ArrayStoreValue, value.value.map((item) => writeStoreValue(heap, item)));
  }
}

/** Reads a graph-ts `Value`. */
export function readStoreValue(heap: AscHeap, pointer: number): Value {
  const kind = heap.readEnumKind(pointer);
  switch (kind) {
    case ValueKind.String:
      return { kind, value: heap.readString(heap.readEnumWord(pointer)) };
    case ValueKind.Int:
      return { kind, value: heap.readEnumWord(pointer) | 0 };
    case ValueKind.Int8:
    case ValueKind.Timestamp:
      return { kind, value: BigInt.asIntN(64, heap.readEnum(pointer).payload) };
    case ValueKind.Bool:
      return { kind, value: (heap.readEnumWord(pointer) | heap.readEnumWord(pointer, true)) !== 0 };
    case ValueKind.Null:
      return { kind };
    case ValueKind.Bytes:
      return { kind, value: heap.readUint8Array(heap.readEnumWord(pointer)) };
    case ValueKind.BigInt:
      return { kind, value: readBigInt(heap, heap.readEnumWord(pointer)) };
    case ValueKind.BigDecimal:
      return { kind, value: readBigDecimal(heap, heap.readEnumWord(pointer)) };
    case ValueKind.Array:
      return { kind, value: heap.readPointerArray(heap.readEnumWord(pointer)).map((item) => readStoreValue(heap, item)) };
    default:
      throw new Error(`unknown store value kind ${kind}`);
  }
}

/** Writes an `Entity` with its fields sorted by name, as graph-node hands entities to mappings. */
export function writeEntity(heap: AscHeap, entity: Readonly<Entity>): number {
  const entries: [string, number][] = [];
  for (const [name, value] of entity) entries.push([name, writeStoreValue(heap, value)]);
  // The store keeps its versions in name order; only other entities (a data source's context) need sorting.
  return heap.newTypedMap(ENTITY_TYPE_IDS, inNameOrder(entries) ? entries : entries.sort(byName));
}

/** Reads an `Entity` (also a `DataSourceContext`); a field set twice keeps its last value. */
export function readEntity(heap: AscHeap, pointer: number): Entity {
  const entity: Entity = new Map();
  heap.readTypedMap(pointer, (name, value) => entity.set(name, readStoreValue(heap, value)));
  return entity;
}

/** Writes the `Array<Entity>` that `store.loadRelated` returns. */
export function writeEntityArray(heap: AscHeap, entities: Entity[]): number {
  return heap.newPointerArray(
    AscTypeId.ArrayTypedMapStringStoreValue,
    entities.map((entity) => writeEntity(heap, entity)),
  );
}
