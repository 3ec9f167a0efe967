/**
 * The fields of an `<Entity>_filter` input type, in graph-node's order and with its operator sets (graph-node
 * `graph/src/schema/api.rs`). One list serves both the schema generation (which turns each entry into an input
 * field) and the filter compiler (which looks up what a `where` key means), so a key can never be accepted by one
 * and misread by the other.
 */
import type { EntityDef, FieldDef, SubgraphSchema } from "../schema";

/** The operator a filter key applies; "" is equality and "child" is the nested `field_: <Other>_filter`. */
export type FilterOp =
  | "" | "not" | "gt" | "lt" | "gte" | "lte" | "in" | "not_in"
  | "contains" | "contains_nocase" | "not_contains" | "not_contains_nocase"
  | "starts_with" | "starts_with_nocase" | "not_starts_with" | "not_starts_with_nocase"
  | "ends_with" | "ends_with_nocase" | "not_ends_with" | "not_ends_with_nocase"
  | "child";

export interface FilterField {
  /** The input field name, e.g. `name_starts_with_nocase`. */
  key: string;
  field: FieldDef;
  op: FilterOp;
  /** The GraphQL input type: a named type (scalar, enum or `<Entity>_filter`), possibly a list of non-null items. */
  input: { named: string; list: boolean };
}

const ORDERED: FilterOp[] = ["", "not", "gt", "lt", "gte", "lte", "in", "not_in"];
const STRING_OPS: FilterOp[] = [
  ...ORDERED,
  "contains", "contains_nocase", "not_contains", "not_contains_nocase",
  "starts_with", "starts_with_nocase", "not_starts_with", "not_starts_with_nocase",
  "ends_with", "ends_with_nocase", "not_ends_with", "not_ends_with_nocase",
];
const SCALAR_OPS: Record<string, FilterOp[]> = {
  BigInt: ORDERED,
  BigDecimal: ORDERED,
  ID: ORDERED,
  Int: ORDERED,
  Int8: ORDERED,
  Timestamp: ORDERED,
  Boolean: ["", "not", "in", "not_in"],
  Bytes: [...ORDERED, "contains", "not_contains"],
  String: STRING_OPS,
};
const ENUM_OPS: FilterOp[] = ["", "not", "in", "not_in"];
const LIST_OPS: FilterOp[] = ["", "not", "contains", "contains_nocase", "not_contains", "not_contains_nocase"];

/** The filter operators that take a list of values rather than one. */
export function takesList(op: FilterOp): boolean {
  return op === "in" || op === "not_in";
}

/**
 * The scalar through which a reference to `entity` is filtered: graph-node accepts ids as `String` (for ID, String
 * and Bytes ids) or `Int` (for Int8 ids).
 */
export function referenceScalar(entity: EntityDef): string {
  return entity.idType === "Int8" ? "Int" : "String";
}

/** Every field of `<def.name>_filter` except `and`/`or`, which apply to the whole object rather than a field. */
export function filterFieldsOf(def: EntityDef, schema: SubgraphSchema): FilterField[] {
  const result: FilterField[] = [];
  const add = (field: FieldDef, ops: FilterOp[], named: string, listValued: boolean): void => {
    for (const op of ops) {
      const key = op === "" ? field.name : `${field.name}_${op}`;
      result.push({ key, field, op, input: { named, list: listValued || takesList(op) } });
    }
  };
  for (const field of def.fields.values()) {
    const { type } = field;
    const target = type.category === "entity" ? schema.entities.get(type.name)! : null;
    // Derived fields have no column to compare: only the nested filter on the entities they derive from applies.
    if (!field.derivedFrom) {
      const named = target ? referenceScalar(target) : type.name;
      if (type.list) add(field, LIST_OPS, named, true);
      else if (target) add(field, SCALAR_OPS[named], named, false);
      else if (type.category === "enum") add(field, ENUM_OPS, named, false);
      else add(field, SCALAR_OPS[type.name] ?? ["", "not"], named, false);
    }
    if (target) result.push({ key: `${field.name}_`, field, op: "child", input: { named: `${type.name}_filter`, list: false } });
  }
  return result;
}
