/**
 * Runs the resolvers of every collection field (a list of entities: root `clusters(...)` and list relations)
 * as paced tasks, so that the work of a query is cut where it grows: at each page of entities.
 */
import {
  defaultFieldResolver, getNamedType, getNullableType, isListType, isObjectType,
  type GraphQLFieldResolver, type GraphQLSchema,
} from "graphql";
import type { PacedRequest } from "./executionPacer";

/**
 * Wraps, in place, the resolvers of the collection fields of `schema`'s object types; `requestOf` finds the
 * paced request of a resolver's context. A context without one (the schema executed outside the service, by a
 * tool) resolves unpaced.
 */
export function paceCollectionFields(schema: GraphQLSchema, requestOf: (context: unknown) => PacedRequest | undefined): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (!isListType(getNullableType(field.type)) || !isObjectType(getNamedType(field.type))) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const request = requestOf(context);
        return request ? request.run(() => resolve(source, args, context, info)) : resolve(source, args, context, info);
      };
    }
  }
}
