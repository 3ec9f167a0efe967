/**
 * The query service: the generated schema plus an `execute` that runs one GraphQL request against the current
 * contents of the store. A request passes, in order: a scan of its text (tokens, nesting), `parse`, the depth
 * and expanded size of its tree, graphql-js validation (with a linear field-merging check in place of the
 * quadratic one), graph-node's entity estimate with `first`/`skip` ranges, and only then execution, paced so
 * that other requests are served meanwhile and stopped at the deadline. Every failure a client can cause comes
 * back as `{ errors }`, never as a thrown exception.
 */
import {
  execute, GraphQLError, OverlappingFieldsCanBeMergedRule, parse, specifiedRules, validate,
  type DocumentNode, type ExecutionResult, type GraphQLSchema,
} from "graphql";
import type { SubgraphSchema } from "../schema";
import type { EntityStore } from "../store";
import { buildApiSchema } from "./apiSchema";
import {
  estimateEntities, ExecutionPacer, fieldMergeConflicts, limitErrors, paceCollectionFields, resolveQueryLimits,
  scanDocument, selectionSize, type PacedRequest, type QueryLimits,
} from "./limits";
import type { IndexingMeta } from "./meta";
import { ApiModel } from "./model";
import { RequestContext } from "./requestContext";

export interface QueryService {
  schema: GraphQLSchema;
  /** The limits every request is held to. */
  limits: Readonly<QueryLimits>;
  execute(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<ExecutionResult>;
}

/** graphql-js's validation rules but the quadratic merge check, which `fieldMergeConflicts` replaces. */
const VALIDATION_RULES = specifiedRules.filter((rule) => rule !== OverlappingFieldsCanBeMergedRule);

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

  /** The document of a request within its static limits, or the errors that refuse it. */
  const checkedDocument = (query: string, variables?: Record<string, unknown>, operationName?: string): DocumentNode | GraphQLError[] => {
    const scanned = scanDocument(query, limits);
    if (scanned) return [scanned];
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens });
    } catch (error) {
      return [error as GraphQLError];
    }
    const size = selectionSize(document, limits.maxDepth);
    if (size instanceof GraphQLError) return [size];
    if (size.fields > limits.maxFields) return [limitErrors.tooManyFields(size.fields, limits.maxFields)];
    const invalid = validate(schema, document, VALIDATION_RULES);
    if (invalid.length > 0) return [...invalid];
    const conflicts = fieldMergeConflicts(document);
    if (conflicts.length > 0) return conflicts;
    const entities = estimateEntities(schema, document, { variables, operationName }, limits);
    if (entities === null) return document;
    if (entities instanceof GraphQLError) return [entities];
    if (entities > limits.maxComplexity) return [limitErrors.tooComplex(entities, limits.maxComplexity)];
    return document;
  };

  return {
    schema,
    limits,
    async execute(query, variables, operationName) {
      try {
        const document = checkedDocument(query, variables, operationName);
        if (Array.isArray(document)) return { errors: document };
        const contextValue = new RequestContext(model, opts.store, opts.meta);
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
