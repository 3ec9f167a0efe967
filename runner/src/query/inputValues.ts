/**
 * Turns GraphQL inputs (already coerced by graphql-js and the custom scalars into strings, numbers, bigints,
 * BigDecimals and byte arrays) into store `Value`s of the kind a field holds, so filters compare like with like:
 * a BigInt filter value becomes a BigInt value, an entity reference an id value of the referenced type's id kind.
 */
import type { EntityDef, FieldDef, SubgraphSchema } from "../schema";
import { idString, SCALAR_KINDS } from "../store";
import { hexToBytes, NULL, ValueKind, type Value } from "../values";

/**
 * The id value `input` denotes for an entity of `def` (ids arrive as `ID`/`String` strings, or `Int` for Int8
 * ids); throws graph-node's decode error for malformed Bytes or Int8 ids.
 */
export function idFromInput(def: EntityDef, input: string | number): Value {
  const text = String(input);
  switch (def.idType) {
    case "Bytes":
      try {
        return { kind: ValueKind.Bytes, value: hexToBytes(text) };
      } catch (error) {
        throw new Error(`Failed to decode \`Bytes\` value: \`${(error as Error).message}\``);
      }
    case "Int8":
      if (!/^[+-]?\d+$/.test(text)) throw new Error(`Failed to decode \`Int8\` value: \`${text}\``);
      return { kind: ValueKind.Int8, value: BigInt(text) };
    default:
      return { kind: ValueKind.String, value: text };
  }
}

/** The store key of the entity of `def` that the `id: ID!` argument names (normalising Bytes hex and Int8). */
export function idKeyFromInput(def: EntityDef, input: string): string {
  return idString(idFromInput(def, input));
}

/**
 * The value `input` denotes for `field`: a single item, or with `asList` a list of items (list fields, and the
 * `_in`/`_not_in` operators). `null` stays NULL.
 */
export function inputToValue(field: FieldDef, input: unknown, schema: SubgraphSchema, asList: boolean): Value {
  if (input === null || input === undefined) return NULL;
  if (asList) {
    return { kind: ValueKind.Array, value: (input as unknown[]).map((item) => inputToValue(field, item, schema, false)) };
  }
  const { type } = field;
  if (type.category === "entity") return idFromInput(schema.entities.get(type.name)!, input as string | number);
  if (type.category === "enum") return { kind: ValueKind.String, value: input as string };
  return { kind: SCALAR_KINDS[type.name], value: input } as Value;
}
