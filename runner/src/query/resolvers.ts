/**
 * The resolvers of the generated schema. Entity objects are the store's `Entity` maps; scalar fields print with
 * `toJson` (BigInt, BigDecimal, Int8 and Timestamp as strings, Bytes as 0x-hex), references resolve through the
 * request's lookups, and list relations go through the same filter/sort/page path as root collections.
 */
import type { GraphQLFieldResolver } from "graphql";
import type { EntityDef, FieldDef } from "../schema";
import { NULL, toJson, type Entity } from "../values";
import type { BlockHeight } from "./blockConstraint";
import { selectCollection, type CollectionArgs } from "./collection";
import { idKeyFromInput } from "./inputValues";
import type { ApiModel } from "./model";
import { firstById } from "./ordering";
import type { QueryContext } from "./queryContext";

type Resolver<Source, Args> = GraphQLFieldResolver<Source, QueryContext, Args>;

/** Arguments graph-node accepts on root fields besides the collection ones; `subgraphError` is accepted and ignored. */
interface RootArgs {
  block?: BlockHeight | null;
  subgraphError?: string;
}

/** The resolver of `field` on the object type of its entity. */
export function entityFieldResolver(model: ApiModel, field: FieldDef): Resolver<Entity, CollectionArgs> {
  if (field.type.category !== "entity") return (entity) => toJson(entity.get(field.name) ?? NULL);
  const target = model.entity(field.type.name).def;
  if (field.type.list) {
    return (entity, args, context, info) => {
      const view = context.viewOf(info);
      return selectCollection(view.related(entity, field), target, args, view);
    };
  }
  return (entity, _args, context, info) => firstById(context.viewOf(info).related(entity, field));
}

/** The root `<entity>(id: ID!, block)` resolver. */
export function singleEntityResolver(def: EntityDef): Resolver<unknown, RootArgs & { id: string }> {
  return (_source, { id, block }, context, info) => context.rootView(block, info).entity(def.name, idKeyFromInput(def, id));
}

/** The root `<entities>(first, skip, orderBy, orderDirection, where, block)` resolver. */
export function collectionResolver(def: EntityDef): Resolver<unknown, RootArgs & CollectionArgs> {
  return (_source, args, context, info) => {
    const view = context.rootView(args.block, info);
    return selectCollection(view.all(def.name), def, args, view);
  };
}
