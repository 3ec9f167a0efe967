/**
 * What the store checks before it accepts a version of an entity, as graph-node does: no unknown or derived
 * fields, every non-null field present and not null, each value of its field's kind (enum values among the
 * enum's), and the id field equal to the id written under. The schema is turned once per entity type into a table
 * of what each field accepts, so that a write costs one lookup per field.
 */
import type { EntityDef, FieldDef, SubgraphSchema } from "./schema";
import { ValueKind, type Entity, type Value } from "./values";

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

/** What one stored field accepts. */
interface FieldRule {
  field: FieldDef;
  /** The kind of the value (of each item, for a list). */
  kind: ValueKind;
  /** For an enum field, its values. */
  enumValues: Set<string> | null;
}

/** One entity type's fields, ready for checking writes. */
interface TypeRules {
  fields: Map<string, FieldRule>;
  /** Fields that must be present and not null. */
  required: string[];
}

export class EntityChecks {
  private readonly rules = new Map<string, TypeRules>();

  constructor(private readonly schema: SubgraphSchema) {}

  /** The definition of `type`; throws a StoreError for a type the schema does not have. */
  definition(type: string): EntityDef {
    const def = this.schema.entities.get(type);
    if (!def) throw new StoreError(`unknown entity type ${type}`);
    return def;
  }

  /** Throws a StoreError unless `entity` (with its id field) is a valid version of the entity `id` of `def`. */
  validate(def: EntityDef, id: string, entity: Entity): void {
    const where = `${def.name} ${id}`;
    const storedId = entity.get("id")!;
    if (idString(storedId) !== id) throw new StoreError(`${where}: id field ${idString(storedId)} does not match`);
    const { fields, required } = this.rulesOf(def);
    for (const [name, value] of entity) {
      const rule = fields.get(name);
      if (!rule) {
        if (def.fields.get(name)?.derivedFrom) throw new StoreError(`${where}: ${name} is derived and cannot be set`);
        throw new StoreError(`${where}: unknown field ${name}`);
      }
      checkValue(where, rule, value);
    }
    for (const name of required) {
      if ((entity.get(name)?.kind ?? ValueKind.Null) === ValueKind.Null) {
        throw new StoreError(`${where}: missing value for non-nullable field ${name}`);
      }
    }
  }

  private rulesOf(def: EntityDef): TypeRules {
    let rules = this.rules.get(def.name);
    if (!rules) {
      const fields = new Map<string, FieldRule>();
      for (const field of def.fields.values()) {
        if (field.derivedFrom) continue;
        const enumValues = field.type.category === "enum" ? new Set(this.schema.enums.get(field.type.name)!) : null;
        fields.set(field.name, { field, kind: this.expectedKind(field), enumValues });
      }
      const required = [...fields.values()].filter((rule) => rule.field.type.nonNull).map((rule) => rule.field.name);
      rules = { fields, required };
      this.rules.set(def.name, rules);
    }
    return rules;
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

function checkValue(where: string, rule: FieldRule, value: Value): void {
  const { field } = rule;
  if (value.kind === ValueKind.Null) {
    if (field.type.nonNull) throw new StoreError(`${where}: ${field.name} is non-nullable but was set to null`);
    return;
  }
  if (field.type.list) {
    if (value.kind !== ValueKind.Array) throw new StoreError(`${where}: ${field.name} must be a list`);
    for (const item of value.value) {
      if (item.kind === ValueKind.Null) {
        if (field.type.itemNonNull) throw new StoreError(`${where}: ${field.name} has a null item`);
      } else checkScalar(where, rule, item);
    }
    return;
  }
  checkScalar(where, rule, value);
}

function checkScalar(where: string, { field, kind, enumValues }: FieldRule, value: Value): void {
  // graph-ts writes `Int8` and `Timestamp` fields with i64 values; accept BigInt for Int8 as graph-node does.
  const ok = value.kind === kind || (kind === ValueKind.Int8 && value.kind === ValueKind.BigInt);
  if (!ok) throw new StoreError(`${where}: ${field.name} expects ${ValueKind[kind]}, got ${ValueKind[value.kind]}`);
  if (enumValues && value.kind === ValueKind.String && !enumValues.has(value.value)) {
    throw new StoreError(`${where}: ${value.value} is not a ${field.type.name}`);
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

/** The id field's value for the id string `id` of an entity of `def`. */
export function idValue(def: EntityDef, id: string): Value {
  switch (def.idType) {
    case "Bytes":
      return { kind: ValueKind.Bytes, value: new Uint8Array(Buffer.from(id.replace(/^0x/, ""), "hex")) };
    case "Int8":
      return { kind: ValueKind.Int8, value: BigInt(id) };
    default:
      return { kind: ValueKind.String, value: id };
  }
}
