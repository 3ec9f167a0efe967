/**
 * The subgraph's schema.graphql read into the shape the store and the query server need: entity types, their
 * fields, which fields reference other entities or are derived from them, and which types are immutable.
 */
import { Kind, parse, type TypeNode, type ObjectTypeDefinitionNode, type FieldDefinitionNode } from "graphql";

export const SCALARS = ["ID", "String", "Bytes", "BigInt", "BigDecimal", "Int", "Int8", "Boolean", "Timestamp"] as const;
export type ScalarName = (typeof SCALARS)[number];

export interface FieldType {
  /** The named type at the bottom of any list/non-null wrapping. */
  name: string;
  /** "scalar", "enum", or "entity" (a reference stored as the referenced entity's id). */
  category: "scalar" | "enum" | "entity";
  list: boolean;
  nonNull: boolean;
  /** For lists: whether the items are non-null. */
  itemNonNull: boolean;
}

export interface FieldDef {
  name: string;
  type: FieldType;
  /** Set for `@derivedFrom(field: "...")`: not stored, resolved at query time from the other side. */
  derivedFrom?: string;
}

export interface EntityDef {
  name: string;
  immutable: boolean;
  fields: Map<string, FieldDef>;
  /** The scalar type of `id`: ID/String, Bytes or Int8. */
  idType: ScalarName;
}

export interface SubgraphSchema {
  entities: Map<string, EntityDef>;
  enums: Map<string, string[]>;
  /** The original SDL, for the query server's type definitions. */
  sdl: string;
}

/** Parses schema.graphql; throws on constructs the runner does not support (interfaces, unions, unknown types). */
export function loadSchema(sdl: string): SubgraphSchema {
  const document = parse(sdl);
  const objects: ObjectTypeDefinitionNode[] = [];
  const enums = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) objects.push(definition);
    else if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      enums.set(definition.name.value, (definition.values ?? []).map((v) => v.name.value));
    } else throw new Error(`schema.graphql: unsupported definition ${definition.kind}`);
  }
  const entityNames = new Set(objects.map((o) => o.name.value));
  const entities = new Map<string, EntityDef>();
  for (const object of objects) {
    const entityDirective = object.directives?.find((d) => d.name.value === "entity");
    if (!entityDirective) throw new Error(`schema.graphql: type ${object.name.value} lacks @entity`);
    const immutableArg = entityDirective.arguments?.find((a) => a.name.value === "immutable");
    const fields = new Map<string, FieldDef>();
    for (const field of object.fields ?? []) {
      fields.set(field.name.value, fieldDef(field, entityNames, enums, object.name.value));
    }
    const id = fields.get("id");
    if (!id || id.type.list || !id.type.nonNull) throw new Error(`schema.graphql: ${object.name.value}.id must be a non-null scalar`);
    entities.set(object.name.value, {
      name: object.name.value,
      immutable: immutableArg?.value.kind === Kind.BOOLEAN && immutableArg.value.value,
      fields,
      idType: id.type.name as ScalarName,
    });
  }
  return { entities, enums, sdl };
}

function fieldDef(
  field: FieldDefinitionNode, entityNames: Set<string>, enums: Map<string, string[]>, owner: string,
): FieldDef {
  const type = fieldType(field.type);
  if (entityNames.has(type.name)) type.category = "entity";
  else if (enums.has(type.name)) type.category = "enum";
  else if (!(SCALARS as readonly string[]).includes(type.name)) {
    throw new Error(`schema.graphql: ${owner}.${field.name.value} has unknown type ${type.name}`);
  }
  const derived = field.directives?.find((d) => d.name.value === "derivedFrom");
  const derivedArg = derived?.arguments?.find((a) => a.name.value === "field");
  return {
    name: field.name.value,
    type,
    derivedFrom: derivedArg?.value.kind === Kind.STRING ? derivedArg.value.value : undefined,
  };
}

function fieldType(node: TypeNode): FieldType {
  let nonNull = false;
  if (node.kind === Kind.NON_NULL_TYPE) {
    nonNull = true;
    node = node.type;
  }
  if (node.kind === Kind.LIST_TYPE) {
    let item = node.type;
    const itemNonNull = item.kind === Kind.NON_NULL_TYPE;
    if (item.kind === Kind.NON_NULL_TYPE) item = item.type;
    if (item.kind !== Kind.NAMED_TYPE) throw new Error("schema.graphql: nested lists are not supported");
    return { name: item.name.value, category: "scalar", list: true, nonNull, itemNonNull };
  }
  if (node.kind !== Kind.NAMED_TYPE) throw new Error("schema.graphql: unexpected type");
  return { name: node.name.value, category: "scalar", list: false, nonNull, itemNonNull: false };
}
