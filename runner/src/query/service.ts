/**
 * The query service: the generated schema plus an `execute` that runs one GraphQL request (parse, validate,
 * execute with graphql-js) against the current contents of the store. Every failure a client can cause comes
 * back as `{ errors }`, never as a thrown exception.
 */
import { graphql, GraphQLError, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { SubgraphSchema } from "../schema";
import type { EntityStore } from "../store";
import { buildApiSchema } from "./apiSchema";
import type { IndexingMeta } from "./meta";
import { ApiModel } from "./model";
import { QueryContext } from "./queryContext";

export interface QueryService {
  schema: GraphQLSchema;
  execute(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<ExecutionResult>;
}

/**
 * A query service over `store`, serving graph-node's query API for `schema`; `meta` is read once per request to
 * answer `_meta` and check `block` arguments.
 */
export function createQueryService(opts: { store: EntityStore; schema: SubgraphSchema; meta: () => IndexingMeta }): QueryService {
  const model = new ApiModel(opts.schema);
  const schema = buildApiSchema(model);
  return {
    schema,
    async execute(query, variables, operationName) {
      try {
        return await graphql({
          schema,
          source: query,
          variableValues: variables,
          operationName,
          contextValue: new QueryContext(model, opts.store, opts.meta),
        });
      } catch (error) {
        // graphql-js reports query problems as results; anything thrown is a bug, still answered as a GraphQL error.
        return { errors: [new GraphQLError(`internal error: ${(error as Error).message ?? String(error)}`)] };
      }
    },
  };
}
