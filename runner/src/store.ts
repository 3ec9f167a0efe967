/**
 * The entity store, with graph-node's semantics: `set` stores a copy and `get` returns a fresh copy (a mapping
 * changing an entity it loaded changes nothing until it saves it); every write is checked against the schema
 * (unknown fields, missing non-null fields, wrong value kinds, derived fields are refused); immutable entities
 * cannot be changed or removed once written. It also keeps the latest block pointer and the reversible history of
 * recent blocks (history/blockHistory.ts): blocks are committed whole, undone on a reorg and read back for
 * time-travel queries.
 */
import { BlockHistory, type PriorVersion } from "./history/blockHistory";
import type { BlockPointer } from "./history/blockPointer";
import { EntityChecks, idString, idValue, StoreError } from "./entityChecks";
import type { SubgraphSchema } from "./schema";
import { byName, cloneEntity, cloneValue, entitiesEqual, inNameOrder, type Entity, type Value } from "./values";

export { idString, SCALAR_KINDS, StoreError } from "./entityChecks";

/** graph-node's default reorg threshold (ETHEREUM_REORG_THRESHOLD): blocks kept reversible. */
export const DEFAULT_RETAINED_BLOCKS = 250;

/** What handlers read and write through: the store itself, or a block's overlay over it (BlockState). */
export interface EntityAccess {
  readonly schema: SubgraphSchema;
  /** A fresh copy of the entity, or null. */
  get(type: string, id: string): Entity | null;
  /** The entity itself (not to be changed), or null. */
  peek(type: string, id: string): Readonly<Entity> | null;
  /** Stores a copy of `entity` (checked against the schema). */
  set(type: string, id: string, entity: Entity): void;
  /**
   * `set` for an entity the caller built for this write alone and gives up, values and all (the host's entity
   * read out of WASM memory): it is stored without copying its values.
   */
  setFresh(type: string, id: string, entity: Entity): void;
  remove(type: string, id: string): void;
  all(type: string): Iterable<Entity>;
}

/** One write of a block: the entity's new version, or null for a removal. */
export type EntityWrite = [type: string, id: string, entity: Entity | null];

export class EntityStore implements EntityAccess {
  private readonly tables = new Map<string, Map<string, Entity>>();
  /** The recent blocks' pointers and undo log: what reorgs roll back and time-travel queries read. */
  readonly history: BlockHistory;
  private latest: BlockPointer | null = null;
  private readonly checks: EntityChecks;

  /** @param retainedBlocks how many recent blocks stay reversible and queryable (graph-node's reorg threshold). */
  constructor(readonly schema: SubgraphSchema, retainedBlocks = DEFAULT_RETAINED_BLOCKS) {
    for (const name of schema.entities.keys()) this.tables.set(name, new Map());
    this.history = new BlockHistory(retainedBlocks);
    this.checks = new EntityChecks(schema);
  }

  /** The latest committed block, or null before the first. */
  get head(): BlockPointer | null {
    return this.latest;
  }

  /** A fresh copy of the entity, or null. */
  get(type: string, id: string): Entity | null {
    const entity = this.table(type).get(id);
    return entity ? cloneEntity(entity) : null;
  }

  /**
   * The stored entity itself, or null: for callers that only copy it elsewhere (the host writing it into WASM
   * memory) and must not change it.
   */
  peek(type: string, id: string): Readonly<Entity> | null {
    return this.table(type).get(id) ?? null;
  }

  /**
   * Validates and stores a copy of `entity` under `id` at once, outside any block (fixtures and tools; the
   * indexer writes through a BlockState and commits whole blocks).
   */
  set(type: string, id: string, entity: Entity): void {
    this.table(type).set(id, this.checkedVersion(type, id, entity, this.peek(type, id)));
  }

  /** `set` without copying the values of `entity`, which the caller gives up (see EntityAccess.setFresh). */
  setFresh(type: string, id: string, entity: Entity): void {
    this.table(type).set(id, this.checkedVersion(type, id, entity, this.peek(type, id), false));
  }

  /** Removes the entity at once, outside any block (see `set`). */
  remove(type: string, id: string): void {
    this.checkRemoval(type, id, this.peek(type, id));
    this.table(type).delete(id);
  }

  /**
   * The version to store for `entity` under `id`: a copy with its id field and its fields in name order (the
   * order graph-node hands entities to mappings in, so that reading one back needs no sorting), checked against
   * the schema and, for an immutable type, against `existing` (the version it would replace). Throws a StoreError
   * when refused. `copyValues` false keeps the values themselves, for an entity its caller gives up.
   */
  checkedVersion(type: string, id: string, entity: Entity, existing: Readonly<Entity> | null, copyValues = true): Entity {
    const def = this.checks.definition(type);
    const fields: [string, Value][] = [];
    for (const [name, value] of entity) fields.push([name, copyValues ? cloneValue(value) : value]);
    if (!entity.has("id")) fields.push(["id", idValue(def, id)]);
    const stored = new Map(inNameOrder(fields) ? fields : fields.sort(byName));
    this.checks.validate(def, id, stored);
    if (existing && def.immutable && !entitiesEqual(existing as Entity, stored)) {
      throw new StoreError(`${type} ${id} is immutable and cannot be changed`);
    }
    return stored;
  }

  /** Throws a StoreError when removing the entity `existing` (null: absent) of `type` is refused. */
  checkRemoval(type: string, id: string, existing: Readonly<Entity> | null): void {
    if (this.checks.definition(type).immutable && existing) throw new StoreError(`${type} ${id} is immutable and cannot be removed`);
  }

  /**
   * Applies a block's checked writes and moves the head to `pointer`, in one synchronous step so that no query
   * sees part of a block; the versions replaced go to the history.
   */
  commitBlock(pointer: BlockPointer, writes: Iterable<EntityWrite>): void {
    const priors: PriorVersion[] = [];
    for (const [type, id, entity] of writes) {
      const table = this.table(type);
      priors.push({ type, id, before: table.get(id) });
      if (entity) table.set(id, entity);
      else table.delete(id);
    }
    this.history.push(pointer, priors);
    this.latest = pointer;
  }

  /** Undoes every block above `ancestor` (a reorg) and makes `ancestor` the head. */
  revertTo(ancestor: BlockPointer): void {
    for (const { type, id, before } of this.history.priorsAbove(ancestor.number)) restore(this.table(type), id, before);
    this.history.truncateAbove(ancestor.number);
    this.latest = ancestor;
  }

  /**
   * Every entity of `type` as it stood after block `number`: the stored objects for the head, otherwise the
   * head's table with the history's undo log applied to a copy. `number` must lie within the history.
   */
  entitiesAt(type: string, number: number): Iterable<Entity> {
    const table = this.table(type);
    if (!this.latest || number >= this.latest.number) return table.values();
    const past = new Map(table);
    for (const prior of this.history.priorsAbove(number)) if (prior.type === type) restore(past, prior.id, prior.before);
    return past.values();
  }

  /** Every stored entity of `type` (the stored objects themselves: callers must not change them). */
  all(type: string): IterableIterator<Entity> {
    return this.table(type).values();
  }

  count(type: string): number {
    return this.table(type).size;
  }

  private table(type: string): Map<string, Entity> {
    const table = this.tables.get(type);
    if (!table) throw new StoreError(`unknown entity type ${type}`);
    return table;
  }
}

function restore(table: Map<string, Entity>, id: string, version: Entity | undefined): void {
  if (version) table.set(id, version);
  else table.delete(id);
}

const idCache = new WeakMap<Entity, string>();

/**
 * The key an entity is stored under (its id as a string). Cached per entity object: stored entities are replaced,
 * never changed, on every write.
 */
export function entityId(entity: Readonly<Entity>): string {
  let id = idCache.get(entity as Entity);
  if (id === undefined) {
    id = idString(entity.get("id")!);
    idCache.set(entity as Entity, id);
  }
  return id;
}
