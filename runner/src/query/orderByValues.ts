/**
 * The values of an `<Entity>_orderBy` enum, as graph-node generates them: every field of the entity, and for
 * each single (non-list) entity reference, derived or not, `field__sub` for each of the referenced type's fields
 * that is neither a list nor an entity reference. Whether a value can actually be sorted on is decided when a
 * query uses it (graph-node lists list fields too, then refuses them at query time).
 */
import type { EntityDef, FieldDef, SubgraphSchema } from "../schema";

export interface OrderByValue {
  /** The enum value, e.g. `totalShares` or `owner__label`. */
  name: string;
  field: FieldDef;
  /** For `field__sub`: the referenced entity's field to sort by. */
  child?: FieldDef;
}

/** The `<def.name>_orderBy` enum values, in graph-node's order. */
export function orderByValuesOf(def: EntityDef, schema: SubgraphSchema): OrderByValue[] {
  const values: OrderByValue[] = [];
  for (const field of def.fields.values()) {
    values.push({ name: field.name, field });
    if (field.type.category !== "entity" || field.type.list) continue;
    for (const child of schema.entities.get(field.type.name)!.fields.values()) {
      if (child.type.list || child.type.category === "entity") continue;
      values.push({ name: `${field.name}__${child.name}`, field, child });
    }
  }
  return values;
}
