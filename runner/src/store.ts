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
import type { EntityDef, FieldDef, SubgraphSchema } from "./schema";
import { cloneEntity, entitiesEqual, ValueKind, type Entity, type Value } from "./values";

/** graph-node's default reorg threshold (ETHEREUM_REORG_THRESHOLD): blocks kept reversible. */
export const DEFAULT_RETAINED_BLOCKS = 250;

/** A write the schema or the entity's mutability forbids; the indexer reports it as an indexing error. */
export class StoreError extends Error {
  override name = "StoreError";
}

/** The value kind each schema scalar is stored as (exported for the query server, which converts filter inputs). */
export const SCALAR_KINDS: Record<string, ValueKind> = {
  ID: ValueKind.String,
  String: ValueKind.String,
  Bytes: ValueKind.Bytes,
  BigInt: ValueKind.BigInt,
  BigDecimal: ValueKind.BigDecimal,
  Int: ValueKind.Int,
  Int8: ValueKind.Int8,
  Boolean: ValueKind.Bool,
  Timestamp: ValueKind.Timestamp,
};

/** What handlers read and write through: the store itself, or a block's overlay over it (BlockState). */
export interface EntityAccess {
  readonly schema: SubgraphSchema;
  /** A fresh copy of the entity, or null. */
  get(type: string, id: string): Entity | null;
  /** The entity itself (not to be changed), or null. */
  peek(type: string, id: string): Readonly<Entity> | null;
  set(type: string, id: string, entity: Entity): void;
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

  /** @param retainedBlocks how many recent blocks stay reversible and queryable (graph-node's reorg threshold). */
  constructor(readonly schema: SubgraphSchema, retainedBlocks = DEFAULT_RETAINED_BLOCKS) {
    for (const name of schema.entities.keys()) this.tables.set(name, new Map());
    this.history = new BlockHistory(retainedBlocks);
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

  /** Removes the entity at once, outside any block (see `set`). */
  remove(type: string, id: string): void {
    this.checkRemoval(type, id, this.peek(type, id));
    this.table(type).delete(id);
  }

  /**
   * The version to store for `entity` under `id`: a copy with its id field, checked against the schema and, for
   * an immutable type, against `existing` (the version it would replace). Throws a StoreError when refused.
   */
  checkedVersion(type: string, id: string, entity: Entity, existing: Readonly<Entity> | null): Entity {
    const def = this.definition(type);
    const stored = cloneEntity(entity);
    if (!stored.has("id")) stored.set("id", idValue(def, id));
    this.validate(def, id, stored);
    if (existing && def.immutable && !entitiesEqual(existing as Entity, stored)) {
      throw new StoreError(`${type} ${id} is immutable and cannot be changed`);
    }
    return stored;
  }

  /** Throws a StoreError when removing the entity `existing` (null: absent) of `type` is refused. */
  checkRemoval(type: string, id: string, existing: Readonly<Entity> | null): void {
    if (this.definition(type).immutable && existing) throw new StoreError(`${type} ${id} is immutable and cannot be removed`);
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

  private definition(type: string): EntityDef {
    const def = this.schema.entities.get(type);
    if (!def) throw new StoreError(`unknown entity type ${type}`);
    return def;
  }

  private validate(def: EntityDef, id: string, entity: Entity): void {
    const where = `${def.name} ${id}`;
    const storedId = entity.get("id")!;
    if (idString(storedId) !== id) throw new StoreError(`${where}: id field ${idString(storedId)} does not match`);
    for (const [name, value] of entity) {
      const field = def.fields.get(name);
      if (!field) throw new StoreError(`${where}: unknown field ${name}`);
      if (field.derivedFrom) throw new StoreError(`${where}: ${name} is derived and cannot be set`);
      this.checkValue(where, field, value);
    }
    for (const field of def.fields.values()) {
      if (field.type.nonNull && !field.derivedFrom && (entity.get(field.name)?.kind ?? ValueKind.Null) === ValueKind.Null) {
        throw new StoreError(`${where}: missing value for non-nullable field ${field.name}`);
      }
    }
  }

  private checkValue(where: string, field: FieldDef, value: Value): void {
    if (value.kind === ValueKind.Null) {
      if (field.type.nonNull) throw new StoreError(`${where}: ${field.name} is non-nullable but was set to null`);
      return;
    }
    if (field.type.list) {
      if (value.kind !== ValueKind.Array) throw new StoreError(`${where}: ${field.name} must be a list`);
      for (const item of value.value) {
        if (item.kind === ValueKind.Null) {
          if (field.type.itemNonNull) throw new StoreError(`${where}: ${field.name} has a null item`);
        } else this.checkScalar(where, field, item);
      }
      return;
    }
    this.checkScalar(where, field, value);
  }

  private checkScalar(where: string, field: FieldDef, value: Value): void {
    const expected = this.expectedKind(field);
    // graph-ts writes `Int8` and `Timestamp` fields with i64 values; accept BigInt for Int8 as graph-node does.
    const ok = value.kind === expected || (expected === ValueKind.Int8 && value.kind === ValueKind.BigInt);
    if (!ok) throw new StoreError(`${where}: ${field.name} expects ${ValueKind[expected]}, got ${ValueKind[value.kind]}`);
    if (field.type.category === "enum" && value.kind === ValueKind.String) {
      const allowed = this.schema.enums.get(field.type.name)!;
      if (!allowed.includes(value.value)) throw new StoreError(`${where}: ${value.value} is not a ${field.type.name}`);
    }
  }

  private expectedKind(field: FieldDef): ValueKind {
    switch (field.type.category) {
      case "enum":
        return ValueKind.String;
      case "entity":
        return SCALAR_KINDS[this.definition(field.type.name).idType];
      default:
        return SCALAR_KINDS[field.type.name];
    }
  }
}

function idValue(def: EntityDef, id: string): Value {
  switch (def.idType) {
    case "Bytes":
      return { kind: ValueKind.Bytes, value: new Uint8Array(Buffer.from(id.replace(/^0x/, ""), "hex")) };
    case "Int8":
      return { kind: ValueKind.Int8, value: BigInt(id) };
    default:
      return { kind: ValueKind.String, value: id };
  }
}

/** The string key an id value is stored under: the string itself, 0x-hex for Bytes, decimal for Int8. */
export function idString(value: Value): string {
  switch (value.kind) {
    case ValueKind.String:
      return value.value;
    case ValueKind.Bytes:
      return "0x" + Buffer.from(value.value).toString("hex");
    case ValueKind.Int8:
    case ValueKind.BigInt:
      return value.value.toString();
    default:
      throw new StoreError(`an id must be a String, Bytes or Int8, not ${ValueKind[value.kind]}`);
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
