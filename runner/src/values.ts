/**
 * The values an entity holds, as graph-node's `store::Value`: one tagged union shared by the WASM host (which
 * converts them to and from AssemblyScript memory), the store (which checks them against the schema) and the
 * query server (which filters, orders and prints them).
 */
import { BigDecimal } from "./bigDecimal";

export { BigDecimal };

/** graph-ts `ValueKind`, in its numeric order (the discriminant written into WASM memory). */
export enum ValueKind {
  String = 0,
  Int = 1,
  BigDecimal = 2,
  Bool = 3,
  Array = 4,
  Null = 5,
  Bytes = 6,
  BigInt = 7,
  Int8 = 8,
  Timestamp = 9,
}

export type Value =
  | { kind: ValueKind.String; value: string }
  | { kind: ValueKind.Int; value: number }
  | { kind: ValueKind.BigDecimal; value: BigDecimal }
  | { kind: ValueKind.Bool; value: boolean }
  | { kind: ValueKind.Array; value: Value[] }
  | { kind: ValueKind.Null }
  | { kind: ValueKind.Bytes; value: Uint8Array }
  | { kind: ValueKind.BigInt; value: bigint }
  | { kind: ValueKind.Int8; value: bigint }
  | { kind: ValueKind.Timestamp; value: bigint };

/** An entity: field name to value, in insertion order. `id` is a field like any other. */
export type Entity = Map<string, Value>;

export const NULL: Value = { kind: ValueKind.Null };

/** A deep copy, so no caller can change what another holds (graph-node copies on set and on get). */
export function cloneValue(v: Value): Value {
  switch (v.kind) {
    case ValueKind.Array:
      return { kind: v.kind, value: v.value.map(cloneValue) };
    case ValueKind.Bytes:
      return { kind: v.kind, value: new Uint8Array(v.value) };
    default:
      return { ...v };
  }
}

export function cloneEntity(e: Entity): Entity {
  return new Map([...e].map(([k, v]) => [k, cloneValue(v)]));
}

/** Whether `fields` are in name order already (as every version the store keeps is). */
export function inNameOrder(fields: ReadonlyArray<readonly [string, unknown]>): boolean {
  for (let i = 1; i < fields.length; i++) if (fields[i - 1][0] > fields[i][0]) return false;
  return true;
}

/** Orders fields by name, by UTF-16 code units as graph-node's BTreeMap of field names does. */
export function byName([a]: readonly [string, unknown], [b]: readonly [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function bytesToHex(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes).toString("hex");
}

/** The bytes of a hex string, with or without its 0x prefix; throws on an odd length or a non-hex digit. */
export function hexToBytes(hex: string): Uint8Array {
  const body = hex.startsWith("0x") ? hex.slice(2) : hex;
  // Buffer's hex decoding stops at the first pair that is not hex: a short result is how bad digits show.
  const decoded = Buffer.from(body, "hex");
  if (body.length !== 2 * decoded.length) throw new Error(`not hex: ${hex}`);
  // A plain Uint8Array over the same memory: Buffer's `slice` would share where Uint8Array's copies.
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
}

/** Equality of two values, as the store needs it to tell an unchanged immutable entity from a changed one. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case ValueKind.Null:
      return true;
    case ValueKind.Array: {
      const other = (b as typeof a).value;
      return a.value.length === other.length && a.value.every((v, i) => valuesEqual(v, other[i]));
    }
    case ValueKind.Bytes:
      return Buffer.from(a.value).equals(Buffer.from((b as typeof a).value));
    case ValueKind.BigDecimal:
      return a.value.compare((b as typeof a).value) === 0;
    default:
      return a.value === (b as typeof a).value;
  }
}

export function entitiesEqual(a: Entity, b: Entity): boolean {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of keys) if (!valuesEqual(a.get(k) ?? NULL, b.get(k) ?? NULL)) return false;
  return true;
}

/**
 * How graph-node's GraphQL API prints a value: BigInt, BigDecimal, Int8 and Timestamp as strings (they exceed
 * JSON's safe integers), Bytes as 0x-hex, the rest as JSON.
 */
export function toJson(v: Value): unknown {
  switch (v.kind) {
    case ValueKind.Null:
      return null;
    case ValueKind.Array:
      return v.value.map(toJson);
    case ValueKind.Bytes:
      return bytesToHex(v.value);
    case ValueKind.BigDecimal:
      return v.value.toString();
    case ValueKind.BigInt:
    case ValueKind.Int8:
    case ValueKind.Timestamp:
      return v.value.toString();
    default:
      return v.value;
  }
}
