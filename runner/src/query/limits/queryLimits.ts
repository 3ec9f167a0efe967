/**
 * The limits a query must stay within, named and defaulted like graph-node's (`graph/src/env/graphql.rs`), plus
 * the two graphql-js needs and graph-node's parser does not (`maxTokens`, `maxFields`). Each can be set by option
 * or by the environment variable beside it.
 */

export interface QueryLimits {
  /** Deepest selection-set nesting; graph-node `GRAPH_GRAPHQL_MAX_DEPTH`, default 255. */
  maxDepth: number;
  /**
   * Most entities a query may return by graph-node's estimate (a list field costs `first + first × children`):
   * `GRAPH_GRAPHQL_MAX_COMPLEXITY`. graph-node has no default; the runner refuses above 1,000,000 (a page of 1000
   * with up to 999 children each) so that one query cannot build gigabytes in a developer's runner.
   */
  maxComplexity: number;
  /** Largest `first`; graph-node `GRAPH_GRAPHQL_MAX_FIRST`, default 1000. */
  maxFirst: number;
  /**
   * Largest `skip`; graph-node `GRAPH_GRAPHQL_MAX_SKIP`. graph-node's default is unlimited; the runner keeps 5000,
   * the hosted service's limit that integrators page within (the SDK pages by `id_gt`).
   */
  maxSkip: number;
  /** Milliseconds a query may run; graph-node `GRAPH_GRAPHQL_QUERY_TIMEOUT` (in seconds, no default). Default 10 s. */
  timeoutMs: number;
  /**
   * Most lexical tokens in a document (`GRAPH_GRAPHQL_MAX_TOKENS`, the runner's own): bounds parsing before any
   * tree is built. Default 20,000, a hundred times GraphiQL's introspection query.
   */
  maxTokens: number;
  /**
   * Most field selections once fragments are expanded (`GRAPH_GRAPHQL_MAX_FIELDS`, the runner's own): bounds
   * validation and execution of queries whose cost is not in `first` (aliases, fragments spread many times).
   * Default 5000.
   */
  maxFields: number;
  /**
   * Largest JSON answer in bytes; graph-node `GRAPH_GRAPHQL_ERROR_RESULT_SIZE`, unlimited by default as there.
   */
  maxResultBytes: number;
}

export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = Object.freeze({
  maxDepth: 255,
  maxComplexity: 1_000_000,
  maxFirst: 1000,
  maxSkip: 5000,
  timeoutMs: 10_000,
  maxTokens: 20_000,
  maxFields: 5000,
  maxResultBytes: Number.MAX_SAFE_INTEGER,
});

/** The environment variable of each limit, and the factor from its unit to the limit's. */
const ENVIRONMENT: Record<keyof QueryLimits, [name: string, scale: number]> = {
  maxDepth: ["GRAPH_GRAPHQL_MAX_DEPTH", 1],
  maxComplexity: ["GRAPH_GRAPHQL_MAX_COMPLEXITY", 1],
  maxFirst: ["GRAPH_GRAPHQL_MAX_FIRST", 1],
  maxSkip: ["GRAPH_GRAPHQL_MAX_SKIP", 1],
  timeoutMs: ["GRAPH_GRAPHQL_QUERY_TIMEOUT", 1000],
  maxTokens: ["GRAPH_GRAPHQL_MAX_TOKENS", 1],
  maxFields: ["GRAPH_GRAPHQL_MAX_FIELDS", 1],
  maxResultBytes: ["GRAPH_GRAPHQL_ERROR_RESULT_SIZE", 1],
};

/**
 * The limits for a service: `overrides` first, then the environment variables in `env`, then the defaults.
 * A variable that is not a positive whole number (underscores allowed, as graph-node allows) is refused by name.
 */
export function resolveQueryLimits(overrides: Partial<QueryLimits> = {}, env: NodeJS.ProcessEnv = process.env): QueryLimits {
  const limits = { ...DEFAULT_QUERY_LIMITS };
  for (const key of Object.keys(ENVIRONMENT) as Array<keyof QueryLimits>) {
    const [name, scale] = ENVIRONMENT[key];
    const text = env[name];
    if (overrides[key] !== undefined) limits[key] = overrides[key]!;
    else if (text !== undefined && text !== "") limits[key] = parsePositive(name, text) * scale;
  }
  return limits;
}

function parsePositive(name: string, text: string): number {
  const digits = text.replace(/_/g, "");
  if (!/^\d+$/.test(digits) || Number(digits) === 0) {
    throw new Error(`${name} must be a positive whole number, but is "${text}"`);
  }
  return Number(digits);
}

/** The environment variable that sets `limit`, for messages and documentation. */
export function limitVariable(limit: keyof QueryLimits): string {
  return ENVIRONMENT[limit][0];
}
