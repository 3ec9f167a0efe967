/**
 * The store as one GraphQL request sees it at one block (the head, or a past block of the retained history). Lookups by id and the reverse index behind `@derivedFrom` fields are
 * built lazily, once per request and entity type, so resolving a relation for each of a thousand parents costs
 * one scan of the child table instead of a thousand. Entities are the store's own objects (`EntityStore.all`),
 * never copied and never changed.
 */
import type { FieldDef } from "../schema";
import { entityId, idString, type EntityStore } from "../store";

export { entityId };
import { ValueKind, type Entity, type Value } from "../values";
import type { ApiModel } from "./model";

export class RequestContext {
  private readonly tables = new Map<string, Map<string, Entity>>();
  private readonly reverseIndexes = new Map<string, Map<string, Entity[]>>();

  /** @param blockNumber the block whose state this view shows (see EntityStore.entitiesAt). */
  constructor(
    readonly model: ApiModel,
    private readonly store: EntityStore,
    readonly blockNumber: number,
  ) {}

  /** Every entity of `type`, in store order. */
  all(type: string): Entity[] {
    return [...this.table(type).values()];
  }

  /** The entity of `type` stored under `id`, or null. */
  entity(type: string, id: string): Entity | null {
    return this.table(type).get(id) ?? null;
  }

  /**
   * The entities `field` of `entity` points to, each once: the referenced entity or entities for a stored
   * reference (dangling ids are skipped), or for an `@derivedFrom` field the entities whose referencing field
   * holds (or, for a list, contains) this entity's id.
   */
  related(entity: Entity, field: FieldDef): Entity[] {
    const target = field.type.name;
    if (field.derivedFrom) return this.reverseIndex(target, field.derivedFrom).get(entityId(entity)) ?? [];
    const related: Entity[] = [];
    for (const id of referencedIds(entity.get(field.name))) {
      const found = this.entity(target, id);
      if (found) related.push(found);
    }
    return related;
  }

  private table(type: string): Map<string, Entity> {
    let table = this.tables.get(type);
    if (!table) {
      table = new Map();
      for (const entity of this.store.entitiesAt(type, this.blockNumber)) table.set(entityId(entity), entity);
      this.tables.set(type, table);
    }
    return table;
  }

  /** For entities of `type`: referenced id → the entities whose `field` refers to it. */
  private reverseIndex(type: string, field: string): Map<string, Entity[]> {
    const key = `${type}.${field}`;
    let index = this.reverseIndexes.get(key);
    if (!index) {
      index = new Map();
      for (const entity of this.table(type).values()) {
        for (const id of referencedIds(entity.get(field))) {
          const list = index.get(id);
          if (list) list.push(entity);
          else index.set(id, [entity]);
        }
      }
      this.reverseIndexes.set(key, index);
    }
    return index;
  }
}

/** The distinct ids a reference value (single or list, possibly null) points to. */
function referencedIds(value: Value | undefined): string[] {
  if (!value || value.kind === ValueKind.Null) return [];
  if (value.kind !== ValueKind.Array) return [idString(value)];
  const ids = new Set<string>();
  for (const item of value.value) if (item.kind !== ValueKind.Null) ids.add(idString(item));
  return [...ids];
}

