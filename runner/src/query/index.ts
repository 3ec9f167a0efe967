/**
 * The runner's query server: graph-node's GraphQL query API over the runner's entity store.
 *
 * `createQueryService` generates the API schema for a subgraph schema and executes queries against the store;
 * `serveQueries` exposes a service over HTTP at `/subgraphs/name/<name>`.
 */
export type { IndexingMeta } from "./meta";
export { createQueryService, type QueryService } from "./service";
export { serveQueries } from "./server";
export { queryFieldNames } from "./naming";
