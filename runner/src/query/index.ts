/**
 * The runner's query server: graph-node's GraphQL query API over the runner's entity store.
 *
 * `createQueryService` generates the API schema for a subgraph schema and executes queries against the store;
 * `serveQueries` exposes a service over HTTP at `/subgraphs/name/<name>` (with GraphiQL for browsers); the limits
 * every query is held to are in `limits/`.
 */
export type { IndexingMeta } from "./meta";
export { createQueryService, type QueryService } from "./service";
export { DEFAULT_QUERY_LIMITS, resolveQueryLimits, type QueryLimits } from "./limits";
export { serveQueries } from "./server";
export { queryFieldNames } from "./naming";
