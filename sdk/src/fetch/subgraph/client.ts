/**
 * Subgraph queries over graphql-request. The Graph answers a failed query with HTTP 200 and an `errors` array:
 * that is thrown as a SubgraphQueryError, never read as empty data; a network failure or an HTTP error status is a
 * SubgraphUnavailableError. Both are what the chain fallback reacts to.
 */
import { ClientError, GraphQLClient } from "graphql-request";

/** One GraphQL error as the server sent it. */
export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
}

/** The subgraph answered the query with GraphQL errors (HTTP 200 included). */
export class SubgraphQueryError extends Error {
  constructor(
    readonly url: string,
    readonly errors: readonly GraphQLErrorEntry[],
  ) {
    super(`Subgraph query failed at ${url}: ${errors.map((e) => e.message).join("; ")}`);
    this.name = "SubgraphQueryError";
  }
}

/** The subgraph could not be reached or answered with an HTTP error status. */
export class SubgraphUnavailableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`Subgraph unavailable at ${url}: ${reason}`);
    this.name = "SubgraphUnavailableError";
  }
}

/** What every query asks for on top of its data: the block the answer reflects. */
export interface SubgraphMeta {
  block: { number: number };
  hasIndexingErrors: boolean;
}

/** A subgraph endpoint. `fetch` may be replaced (a counting or authenticating wrapper, a test double). */
export interface SubgraphEndpoint {
  url: string;
  fetch?: typeof fetch;
}

/**
 * Posts `document` with `variables` and returns `data`.
 * @throws SubgraphQueryError for GraphQL errors, SubgraphUnavailableError for network and HTTP failures.
 */
export async function querySubgraph<T>(
  endpoint: SubgraphEndpoint,
  document: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const client = new GraphQLClient(endpoint.url, endpoint.fetch ? { fetch: endpoint.fetch } : {});
  try {
    return await client.request<T>(document, variables);
  } catch (error) {
    if (error instanceof ClientError) {
      const errors = error.response.errors;
      if (errors && errors.length > 0) {
        throw new SubgraphQueryError(endpoint.url, errors.map((e) => ({ message: e.message, path: e.path })));
      }
      throw new SubgraphUnavailableError(endpoint.url, `HTTP ${error.response.status}`, error.response.status);
    }
    throw new SubgraphUnavailableError(endpoint.url, (error as Error).message ?? String(error));
  }
}
