/**
 * The store as one GraphQL request sees it. Lookups by id and the reverse index behind `@derivedFrom` fields are
 * built lazily, once per request and entity type, so resolving a relation for each of a thousand parents costs
 * one scan of the child table instead of a thousand. Entities are the store's own objects (`EntityStore.all`),
 * never copied and never changed.
 */
import type { FieldDef } from "../schema";
import { idString, type EntityStore } from "../store";
import { ValueKind, type Entity, type Value } from "../values";
import type { IndexingMeta } from "./meta";
import type { ApiModel } from "./model";

const idCache = new WeakMap<Entity, string>();

/**
 * The key an entity is stored under (its id as a string). Cached per entity object: stored entities are replaced,
 * never changed, on every write.
 */
export function entityId(entity: Entity): string {
  let id = idCache.get(entity);
  if (id === undefined) {
    id = idString(entity.get("id")!);
    idCache.set(entity, id);
  }
  return id;
}

export class RequestContext {
  private readonly tables = new Map<string, Map<string, Entity>>();
  private readonly reverseIndexes = new Map<string, Map<string, Entity[]>>();
  private metaSnapshot?: IndexingMeta;

  constructor(
    readonly model: ApiModel,
    private readonly store: EntityStore,
    private readonly readMeta: () => IndexingMeta,
  ) {}

  /** The indexing status, read once so every field of a response describes the same moment. */
  get meta(): IndexingMeta {
    this.metaSnapshot ??= this.readMeta();
    return this.metaSnapshot;
  }

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
      for (const entity of this.store.all(type)) table.set(entityId(entity), entity);
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

