/**
 * How graph-node's Postgres store orders and equates values, which both the filters (`_gt`, `_in`, ...) and
 * `orderBy` need: numbers numerically (so BigInt "9" < "10", unlike the strings), BigDecimal by value, Bytes
 * byte-wise, strings by code point (graph-node requires the "C" collation), enums in declaration order (they are
 * Postgres enum types), lists element by element, and NULL above every value (Postgres' default NULLS LAST for
 * ascending order).
 */
import type { FieldType, SubgraphSchema } from "../schema";
import { ValueKind, type Value } from "../values";

export type Comparator = (a: Value, b: Value) => number;

/** Total order of two values stored in the same column; NULL sorts after everything else. */
export function compareValues(a: Value, b: Value): number {
  if (a.kind === ValueKind.Null || b.kind === ValueKind.Null) {
    return (a.kind === ValueKind.Null ? 1 : 0) - (b.kind === ValueKind.Null ? 1 : 0);
  }
  const x = integerOf(a);
  const y = integerOf(b);
  if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  if (a.kind !== b.kind) return a.kind - b.kind;
  switch (a.kind) {
    case ValueKind.String:
      return compareStrings(a.value, (b as typeof a).value);
    case ValueKind.BigDecimal:
      return a.value.compare((b as typeof a).value);
    case ValueKind.Bytes:
      return Buffer.compare(bufferOf(a.value), bufferOf((b as typeof a).value));
    case ValueKind.Bool:
      return Number(a.value) - Number((b as typeof a).value);
    case ValueKind.Array:
      return compareLists(a.value, (b as typeof a).value, compareValues);
    default:
      return 0;
  }
}

/**
 * The comparator for values of a field of type `type`: enum fields compare by the declaration order of their
 * values (as Postgres enum types do), everything else by `compareValues`.
 */
export function comparatorFor(type: FieldType, schema: SubgraphSchema): Comparator {
  if (type.category !== "enum") return compareValues;
  const rank = new Map(schema.enums.get(type.name)!.map((name, index) => [name, index]));
  const compareEnum: Comparator = (a, b) => {
    if (a.kind === ValueKind.String && b.kind === ValueKind.String) return rank.get(a.value)! - rank.get(b.value)!;
    if (a.kind === ValueKind.Array && b.kind === ValueKind.Array) return compareLists(a.value, b.value, compareEnum);
    return compareValues(a, b);
  };
  return compareEnum;
}

/** Postgres "C" collation: byte order of UTF-8, i.e. code point order (UTF-16 code units differ above U+D7FF). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate starts a code point above U+FFFF, so it is larger than any other unit it differs from.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function compareLists(a: Value[], b: Value[], compare: Comparator): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = compare(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Int, BigInt, Int8 and Timestamp as one integer domain (the store accepts BigInt values for Int8 fields). */
function integerOf(v: Value): bigint | null {
  switch (v.kind) {
    case ValueKind.Int:
      return BigInt(v.value);
    case ValueKind.BigInt:
    case ValueKind.Int8:
    case ValueKind.Timestamp:
      return v.value;
    default:
      return null;
  }
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
