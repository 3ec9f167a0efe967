/**
 * The query service: the generated schema plus an `execute` that runs one GraphQL request against the current
 * contents of the store. A request is checked against its limits first (`limits/checkQuery.ts`: text, tree,
 * validation, graph-node's entity estimate) and only then executed, paced so that other requests are served
 * meanwhile and stopped at the deadline. Every failure a client can cause comes back as `{ errors }`, never as a
 * thrown exception.
 */
import { execute, GraphQLError, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { SubgraphSchema } from "../schema";
import type { EntityStore } from "../store";
import { buildApiSchema } from "./apiSchema";
import {
  checkQuery, ExecutionPacer, limitErrors, paceCollectionFields, resolveQueryLimits, type PacedRequest, type QueryLimits,
} from "./limits";
import type { IndexingMeta } from "./meta";
import { ApiModel } from "./model";
import { QueryContext } from "./queryContext";

export interface QueryService {
  schema: GraphQLSchema;
  /** The limits every request is held to. */
  limits: Readonly<QueryLimits>;
  execute(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<ExecutionResult>;
}

/**
 * A query service over `store`, serving graph-node's query API for `schema`; `meta` is read once per request to
 * answer `_meta` and check `block` arguments. `limits` override the environment's (`GRAPH_GRAPHQL_*`) and the
 * defaults.
 */
export function createQueryService(opts: {
  store: EntityStore;
  schema: SubgraphSchema;
  meta: () => IndexingMeta;
  limits?: Partial<QueryLimits>;
}): QueryService {
  const model = new ApiModel(opts.schema);
  const schema = buildApiSchema(model);
  const limits = resolveQueryLimits(opts.limits);
  // One pacer for all requests of the service: it takes turns between them.
  const pacer = new ExecutionPacer();
  const pacedRequests = new WeakMap<object, PacedRequest>();
  paceCollectionFields(schema, (context) => pacedRequests.get(context as object));

  return {
    schema,
    limits,
    async execute(query, variables, operationName) {
      try {
        const document = checkQuery(schema, query, { variables, operationName }, limits);
        if (Array.isArray(document)) return { errors: document };
        const contextValue = new QueryContext(model, opts.store, opts.meta);
        const paced = pacer.request(limits.timeoutMs);
        pacedRequests.set(contextValue, paced);
        const result = await execute({ schema, document, variableValues: variables, operationName, contextValue });
        // As graph-node, a query that ran out of time answers only that, whatever parts had resolved.
        return paced.timedOut ? { errors: [limitErrors.timedOut()] } : result;
      } catch (error) {
        // Query problems come back as results; anything thrown is a bug, still answered as a GraphQL error.
        return { errors: [new GraphQLError(`internal error: ${(error as Error).message ?? String(error)}`)] };
      }
    },
  };
}
