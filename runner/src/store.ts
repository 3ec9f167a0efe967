/**
 * The entity store, with graph-node's semantics: `set` stores a copy and `get` returns a fresh copy (a mapping
 * changing an entity it loaded changes nothing until it saves it); every write is checked against the schema
 * (unknown fields, missing non-null fields, wrong value kinds, derived fields are refused); immutable entities
 * cannot be changed or removed once written.
 */
import type { EntityDef, FieldDef, SubgraphSchema } from "./schema";
import { cloneEntity, entitiesEqual, ValueKind, type Entity, type Value } from "./values";

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

export class EntityStore {
  private readonly tables = new Map<string, Map<string, Entity>>();
  /** While a block is processed: each touched entity's state before the block (undefined: it did not exist). */
  private journal: Map<string, Entity | undefined> | null = null;

  constructor(readonly schema: SubgraphSchema) {
    for (const name of schema.entities.keys()) this.tables.set(name, new Map());
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

  /** Validates and stores a copy of `entity` under `id` (its `id` field must match when present). */
  set(type: string, id: string, entity: Entity): void {
    const def = this.definition(type);
    const stored = cloneEntity(entity);
    if (!stored.has("id")) stored.set("id", idValue(def, id));
    this.validate(def, id, stored);
    const existing = this.table(type).get(id);
    if (existing && def.immutable && !entitiesEqual(existing, stored)) {
      throw new StoreError(`${type} ${id} is immutable and cannot be changed`);
    }
    this.record(type, id);
    this.table(type).set(id, stored);
  }

  remove(type: string, id: string): void {
    const def = this.definition(type);
    if (def.immutable && this.table(type).has(id)) throw new StoreError(`${type} ${id} is immutable and cannot be removed`);
    this.record(type, id);
    this.table(type).delete(id);
  }

  /** Starts a block: its writes stand or fall together, as graph-node commits a block's changes atomically. */
  begin(): void {
    this.journal = new Map();
  }

  /** Keeps the block's writes. */
  commit(): void {
    this.journal = null;
  }

  /** Undoes every write since `begin` (a handler failed: the block is not indexed). */
  rollback(): void {
    for (const [key, before] of this.journal ?? []) {
      const [type, id] = JSON.parse(key) as [string, string];
      if (before) this.table(type).set(id, before);
      else this.table(type).delete(id);
    }
    this.journal = null;
  }

  private record(type: string, id: string): void {
    const key = JSON.stringify([type, id]);
    if (this.journal && !this.journal.has(key)) this.journal.set(key, this.table(type).get(id));
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
