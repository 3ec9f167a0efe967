/**
 * `orderBy`/`orderDirection` as graph-node applies them: `order by <key> <dir>, id <dir>`, where the key is a
 * field of the entity or (for `field__sub`) of the entity a single reference points to. Without `orderBy` the
 * order is `id` ascending, whatever `orderDirection` says (graph-node ignores the direction then). NULL keys come
 * last ascending and first descending, as in Postgres. Each entity's key is computed once per sort.
 */
import type { EntityDef } from "../schema";
import { NULL, type Entity, type Value } from "../values";
import { compareValues, type Comparator } from "./compare";
import type { RequestContext } from "./requestContext";

export type OrderDirection = "asc" | "desc";

/** `entities` (not modified) sorted for `orderBy`/`orderDirection`; throws for values graph-node cannot sort by. */
export function sortEntities(
  entities: Entity[],
  def: EntityDef,
  orderBy: string | null | undefined,
  direction: OrderDirection | null | undefined,
  context: RequestContext,
): Entity[] {
  if (orderBy == null) return sortByKey(entities, idOf, compareValues, 1);
  const sign = direction === "desc" ? -1 : 1;
  const value = context.model.entity(def.name).orderByValues.get(orderBy);
  if (!value) throw new Error(`Entity \`${def.name}\` has no attribute \`${orderBy}\``);
  const { field, child } = value;
  if (child) {
    const key = (entity: Entity): Value => firstById(context.related(entity, field))?.get(child.name) ?? NULL;
    return sortByKey(entities, key, context.model.comparator(child), sign);
  }
  if (field.type.list || field.derivedFrom) {
    throw new Error(`Ordering by \`${orderBy}\` is not supported for type \`${def.name}\``);
  }
  if (field.name === "id") return sortByKey(entities, idOf, compareValues, sign);
  return sortByKey(entities, (entity) => entity.get(field.name) ?? NULL, context.model.comparator(field), sign);
}

/**
 * The entity with the lowest id, or null: what a single relation resolves to when several entities could
 * (a `@derivedFrom` field declared as a single entity), chosen so the answer is deterministic.
 */
export function firstById(entities: Entity[]): Entity | null {
  let first: Entity | null = null;
  for (const entity of entities) if (first === null || compareValues(idOf(entity), idOf(first)) < 0) first = entity;
  return first;
}

function idOf(entity: Entity): Value {
  return entity.get("id")!;
}

function sortByKey(entities: Entity[], key: (entity: Entity) => Value, compare: Comparator, sign: number): Entity[] {
  const decorated = entities.map((entity) => ({ entity, key: key(entity), id: idOf(entity) }));
  decorated.sort((a, b) => sign * (compare(a.key, b.key) || compareValues(a.id, b.id)));
  return decorated.map((item) => item.entity);
}
