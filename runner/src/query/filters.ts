/**
 * Compiles a `where: <Entity>_filter` argument into a predicate over stored entities, with the semantics of the
 * SQL graph-node generates for it: comparisons with a NULL column never match (SQL three-valued logic; only
 * `field: null` / `field_not: null` test for NULL), an empty `_in`/`_not_in` list matches nothing, list fields'
 * `_contains` means "contains all of" and `_not_contains` "shares none of" (Postgres `@>` and `not &&`, with the
 * `_nocase` variants identical, as graph-node ignores case there), string filters are LIKE patterns, nested
 * `field_` filters are "a related entity matches" (and cannot be nested twice), and `and`/`or` must stand alone
 * in their object.
 */
import type { EntityDef } from "../schema";
import { NULL, ValueKind, type Entity, type Value } from "../values";
import { takesList, type FilterField } from "./filterFields";
import { inputToValue } from "./inputValues";
import { likeMatcher, likePattern, type LikeShape } from "./likePattern";
import type { RequestContext } from "./requestContext";

export type Predicate = (entity: Entity) => boolean;

/**
 * The predicate for `where` on entities of `def`. Throws graph-node's error for filters it refuses; `insideChild`
 * is set while compiling the filter of a `field_` key, where another `field_` is not allowed.
 */
export function compileFilter(
  def: EntityDef, where: Record<string, unknown>, context: RequestContext, insideChild = false,
): Predicate {
  const keys = Object.keys(where);
  const logical = keys.find((key) => key === "and" || key === "or");
  if (logical && keys.length > 1) {
    const others = keys.filter((key) => key !== logical).map((key) => `'${key}'`).join(", ");
    throw new Error(
      `Cannot mix column filters with '${logical}' operator at the same level. ` +
        `Found column filter(s) ${others} alongside '${logical}' operator.`,
    );
  }
  const predicates = keys.map((key) => compileKey(def, key, where[key], context, insideChild));
  return allOf(predicates);
}

function compileKey(def: EntityDef, key: string, input: unknown, context: RequestContext, insideChild: boolean): Predicate {
  if (key === "and" || key === "or") {
    if (!Array.isArray(input)) throw new Error("Filter must by an object");
    const parts = input.map((item) => compileFilter(def, asFilterObject(item), context, insideChild));
    return key === "and" ? allOf(parts) : (entity) => parts.some((part) => part(entity));
  }
  const filterField = context.model.entity(def.name).filterFields.get(key);
  if (!filterField) throw new Error(`Entity \`${def.name}\` has no attribute \`${key}\``);
  if (filterField.op !== "child") return compileComparison(filterField, input, context);
  if (insideChild) throw new Error("Child filters can not be nested");
  const { field } = filterField;
  const matchesChild = compileFilter(context.model.entity(field.type.name).def, asFilterObject(input), context, true);
  return (entity) => context.related(entity, field).some(matchesChild);
}

function asFilterObject(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new Error("Filter must by an object");
  return input as Record<string, unknown>;
}

function allOf(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0];
  return (entity) => predicates.every((predicate) => predicate(entity));
}

const ORDER_TESTS: Record<string, (order: number) => boolean> = {
  gt: (order) => order > 0,
  lt: (order) => order < 0,
  gte: (order) => order >= 0,
  lte: (order) => order <= 0,
};

function compileComparison({ key, field, op }: FilterField, input: unknown, context: RequestContext): Predicate {
  const compare = context.model.comparator(field);
  const value = inputToValue(field, input, context.model.schema, field.type.list || takesList(op));
  const column = (entity: Entity): Value => entity.get(field.name) ?? NULL;
  const unsupported = (): Error => new Error(`Unsupported filter \`${key}\` for value \`${formatInput(input)}\``);
  // SQL semantics: any comparison with a NULL column is unknown, so the entity does not match.
  const whenNotNull = (test: (x: Value) => boolean): Predicate => (entity) => {
    const x = column(entity);
    return x.kind !== ValueKind.Null && test(x);
  };

  switch (op) {
    case "":
      return value.kind === ValueKind.Null
        ? (entity) => column(entity).kind === ValueKind.Null
        : whenNotNull((x) => compare(x, value) === 0);
    case "not":
      return value.kind === ValueKind.Null
        ? (entity) => column(entity).kind !== ValueKind.Null
        : whenNotNull((x) => compare(x, value) !== 0);
    case "gt":
    case "lt":
    case "gte":
    case "lte": {
      if (value.kind === ValueKind.Null) throw unsupported();
      const test = ORDER_TESTS[op];
      return whenNotNull((x) => test(compare(x, value)));
    }
    case "in":
    case "not_in": {
      if (value.kind !== ValueKind.Array) throw new Error(`Non-list value passed to \`_${op}\` filter`);
      const items = value.value;
      // graph-node generates `false` for an empty list, whether the operator is `_in` or `_not_in`.
      if (items.length === 0) return () => false;
      const listed = (x: Value): boolean => items.some((item) => compare(x, item) === 0);
      return op === "in" ? whenNotNull(listed) : whenNotNull((x) => !listed(x));
    }
    default:
      if (value.kind === ValueKind.Null) throw unsupported();
      return whenNotNull(patternTest(op, value, compare) ?? throwError(unsupported()));
  }
}

/** The test for a `_contains`/`_starts_with`/`_ends_with` family operator, or null if `value` does not support it. */
function patternTest(op: string, value: Value, compare: (a: Value, b: Value) => number): ((x: Value) => boolean) | null {
  const negated = op.startsWith("not_");
  const base = negated ? op.slice("not_".length) : op;
  const caseInsensitive = base.endsWith("_nocase");
  const shape = base.replace(/_nocase$/, "") as LikeShape;
  if (value.kind === ValueKind.Array && shape === "contains") {
    const items = value.value;
    const inList = (list: Value[], item: Value): boolean => list.some((element) => compare(element, item) === 0);
    return negated
      ? (x) => x.kind === ValueKind.Array && !items.some((item) => inList(x.value, item))
      : (x) => x.kind === ValueKind.Array && items.every((item) => inList(x.value, item));
  }
  if (value.kind === ValueKind.String) {
    const matches = likeMatcher(likePattern(shape, value.value), caseInsensitive);
    return (x) => x.kind === ValueKind.String && matches(x.value) !== negated;
  }
  if (value.kind === ValueKind.Bytes && shape === "contains") {
    const needle = Buffer.from(value.value);
    return (x) => x.kind === ValueKind.Bytes && Buffer.from(x.value).includes(needle) !== negated;
  }
  return null;
}

function throwError(error: Error): never {
  throw error;
}

function formatInput(input: unknown): string {
  return input === null || input === undefined ? "null" : String(input);
}
