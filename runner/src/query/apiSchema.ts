/**
 * Generates the GraphQL schema graph-node serves for a subgraph (graph-node `graph/src/schema/api.rs`),
 * programmatically with graphql-js types: one object type per entity (list relations take collection
 * arguments), `<Entity>_filter` inputs, `<Entity>_orderBy` enums, the schema's enums, `OrderDirection`,
 * `Block_height`, `_SubgraphErrorPolicy_`, and a `Query` type with `entity(id)`, `entities(...)` per entity plus
 * `_meta`. Not generated: `_change_block` (the runner does not record when entities changed), subscriptions,
 * fulltext search, interfaces (the schema loader refuses them).
 */
import {
  GraphQLEnumType, GraphQLID, GraphQLInputObjectType, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType,
  GraphQLSchema, GraphQLBoolean, GraphQLString,
  type GraphQLEnumValueConfigMap, type GraphQLFieldConfigArgumentMap, type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap, type GraphQLInputType, type GraphQLOutputType, type GraphQLScalarType,
} from "graphql";
import type { EntityDef, FieldDef } from "../schema";
import type { ApiModel, EntityModel } from "./model";
import { BlockHeightInput, metaField } from "./meta";
import { collectionResolver, entityFieldResolver, singleEntityResolver } from "./resolvers";
import type { QueryContext } from "./queryContext";
import { CUSTOM_SCALARS } from "./scalars";

/** Field configs whose resolvers receive the request context (sources are entities or the root). */
type FieldMap = GraphQLFieldConfigMap<any, QueryContext>;

const BUILTIN_SCALARS: Record<string, GraphQLScalarType> = {
  ID: GraphQLID,
  String: GraphQLString,
  Int: GraphQLInt,
  Boolean: GraphQLBoolean,
};

const OrderDirection = new GraphQLEnumType({
  name: "OrderDirection",
  description: "Defines the order direction, either ascending or descending",
  values: { asc: { value: "asc" }, desc: { value: "desc" } },
});

const SubgraphErrorPolicy = new GraphQLEnumType({
  name: "_SubgraphErrorPolicy_",
  values: {
    allow: { value: "allow", description: "Data will be returned even if the subgraph has indexing errors" },
    deny: { value: "deny", description: "If the subgraph has indexing errors, data will be omitted. The default." },
  },
});

const BLOCK_ARGUMENT = {
  type: BlockHeightInput,
  description:
    "The block at which the query should be executed. Can either be a `{ hash: Bytes }` value containing a block " +
    "hash, a `{ number: Int }` containing the block number, or a `{ number_gte: Int }` containing the minimum " +
    "block number. In the case of `number_gte`, the query will be executed on the latest block only if the " +
    "subgraph has progressed to or past the minimum block number. Defaults to the latest block when omitted.",
};

const SUBGRAPH_ERROR_ARGUMENT = {
  type: new GraphQLNonNull(SubgraphErrorPolicy),
  defaultValue: "deny",
  description: "Set to `allow` to receive data even if the subgraph has skipped over errors while syncing.",
};

/** Builds the query schema for the entities of `model`. */
export function buildApiSchema(model: ApiModel): GraphQLSchema {
  return new SchemaBuilder(model).build();
}

class SchemaBuilder {
  private readonly enums = new Map<string, GraphQLEnumType>();
  private readonly objects = new Map<string, GraphQLObjectType>();
  private readonly filters = new Map<string, GraphQLInputObjectType>();
  private readonly orderBys = new Map<string, GraphQLEnumType>();

  constructor(private readonly model: ApiModel) {
    for (const [name, values] of model.schema.enums) {
      this.enums.set(name, new GraphQLEnumType({ name, values: enumValues(values) }));
    }
    for (const entity of model.entities.values()) {
      const { name } = entity.def;
      this.objects.set(name, new GraphQLObjectType<unknown, QueryContext>({ name, fields: () => this.objectFields(entity.def) }));
      this.filters.set(name, new GraphQLInputObjectType({ name: `${name}_filter`, fields: () => this.filterFields(entity) }));
      this.orderBys.set(name, new GraphQLEnumType({ name: `${name}_orderBy`, values: enumValues([...entity.orderByValues.keys()]) }));
    }
  }

  build(): GraphQLSchema {
    const fields: FieldMap = {};
    for (const entity of this.model.entities.values()) {
      const { def, names } = entity;
      fields[names.single] = {
        type: this.objects.get(def.name)!,
        args: { id: { type: new GraphQLNonNull(GraphQLID) }, block: BLOCK_ARGUMENT, subgraphError: SUBGRAPH_ERROR_ARGUMENT },
        resolve: singleEntityResolver(def),
      };
      fields[names.collection] = {
        type: this.listOf(def.name),
        args: { ...this.collectionArgs(def.name), block: BLOCK_ARGUMENT, subgraphError: SUBGRAPH_ERROR_ARGUMENT },
        resolve: collectionResolver(def),
      };
    }
    fields._meta = metaField();
    return new GraphQLSchema({ query: new GraphQLObjectType<unknown, QueryContext>({ name: "Query", fields }) });
  }

  private objectFields(def: EntityDef): FieldMap {
    const fields: FieldMap = {};
    for (const field of def.fields.values()) {
      const isRelationList = field.type.category === "entity" && field.type.list;
      fields[field.name] = {
        type: this.outputType(field),
        args: isRelationList ? this.collectionArgs(field.type.name) : undefined,
        resolve: entityFieldResolver(this.model, field),
      };
    }
    return fields;
  }

  /** The collection arguments, in graph-node's order (`skip` and `first` stay nullable for Apollo clients). */
  private collectionArgs(entityName: string): GraphQLFieldConfigArgumentMap {
    return {
      skip: { type: GraphQLInt, defaultValue: 0 },
      first: { type: GraphQLInt, defaultValue: 100 },
      orderBy: { type: this.orderBys.get(entityName)! },
      orderDirection: { type: OrderDirection },
      where: { type: this.filters.get(entityName)! },
    };
  }

  private filterFields({ def, filterFields }: EntityModel): GraphQLInputFieldConfigMap {
    const fields: GraphQLInputFieldConfigMap = {};
    for (const { key, input } of filterFields.values()) {
      const named = this.namedInput(input.named);
      fields[key] = { type: input.list ? new GraphQLList(new GraphQLNonNull(named)) : named };
    }
    fields.and = { type: new GraphQLList(this.filters.get(def.name)!) };
    fields.or = { type: new GraphQLList(this.filters.get(def.name)!) };
    return fields;
  }

  private namedInput(name: string): GraphQLInputType {
    if (name.endsWith("_filter")) return this.filters.get(name.slice(0, -"_filter".length))!;
    return this.leafType(name);
  }

  /** The field's declared type, with entity references as the entity's object type. */
  private outputType(field: FieldDef): GraphQLOutputType {
    const { type } = field;
    const named = this.objects.get(type.name) ?? this.leafType(type.name);
    let result: GraphQLOutputType = named;
    if (type.list) result = new GraphQLList(type.itemNonNull ? new GraphQLNonNull(named) : named);
    return type.nonNull ? new GraphQLNonNull(result) : result;
  }

  /** A scalar (built-in or graph-node's) or one of the subgraph's enums. */
  private leafType(name: string): GraphQLScalarType | GraphQLEnumType {
    const type = this.enums.get(name) ?? BUILTIN_SCALARS[name] ?? CUSTOM_SCALARS[name];
    if (!type) throw new Error(`schema.graphql: unknown type ${name}`);
    return type;
  }

  private listOf(entityName: string): GraphQLOutputType {
    return new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(this.objects.get(entityName)!)));
  }
}

function enumValues(names: string[]): GraphQLEnumValueConfigMap {
  return Object.fromEntries(names.map((name) => [name, { value: name }]));
}
