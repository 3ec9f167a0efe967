/**
 * The local runner: indexes a built subgraph from a JSON-RPC node and serves The Graph's query API over it.
 * `startRunner` is the library entry point (tests, benchmarks, the dev stack); `cli.ts` wraps it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcClient } from "./chain/rpc";
import { Indexer } from "./indexer";
import { loadBuiltSubgraph } from "./manifest";
import { createQueryService, serveQueries, type QueryLimits, type QueryService } from "./query";
import { loadSchema } from "./schema";
import { EntityStore } from "./store";
import { SyncLoop, type IndexingStatus, type RetryOptions } from "./syncLoop";

export interface RunnerOptions {
  /** `graph build`'s output directory (holding subgraph.yaml). */
  buildDir: string;
  rpcUrl: string;
  /** The subgraph name in `/subgraphs/name/<name>`. */
  name?: string;
  /** HTTP port (0: any free port). Without it no server is started. */
  port?: number;
  host?: string;
  /** How often to poll the node for new blocks; 0 disables polling (call `sync` yourself). */
  pollMs?: number;
  blockRange?: number;
  /** Retries of failed indexing attempts (node down, HTTP errors, RPC errors, timeouts): backoff and reporting. */
  retry?: RetryOptions;
  /** How long one JSON-RPC request may take before it counts as failed (default 30 s). */
  rpcTimeoutMs?: number;
  /**
   * How many of the latest blocks stay reversible (reorgs) and queryable (`block: { number | hash }`), as
   * graph-node's reorg threshold (default 250).
   */
  reorgThreshold?: number;
  onLog?: (level: number, message: string, dataSource: string) => void;
  /** Query limits over the environment's GRAPH_GRAPHQL_* variables and the defaults (query/limits/queryLimits.ts). */
  queryLimits?: Partial<QueryLimits>;
}

export interface Runner {
  store: EntityStore;
  indexer: Indexer;
  queries: QueryService;
  /** The query endpoint, when a server was started. */
  url?: string;
  /**
   * Indexes up to `block` (default: the node's head) and resolves when done, retrying failed attempts with
   * backoff; rejects when they keep failing (see RunnerOptions.retry).
   */
  sync(block?: number): Promise<void>;
  /** Health, sync state and any node failure holding indexing up. */
  status(): IndexingStatus;
  close(): Promise<void>;
}

export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const subgraph = loadBuiltSubgraph(options.buildDir);
  const schema = loadSchema(subgraph.schemaSdl);
  const store = new EntityStore(schema, options.reorgThreshold);
  const rpc = new JsonRpcClient(options.rpcUrl, options.rpcTimeoutMs);
  const indexer = await Indexer.create({ subgraph, store, rpc, blockRange: options.blockRange, onLog: options.onLog });
  const loop = new SyncLoop(indexer, options.retry, options.onLog);
  // graph-node names a deployment by the IPFS hash of its manifest; the runner uses a hash of the built one.
  const deployment = "0x" + createHash("sha256").update(readFileSync(join(options.buildDir, "subgraph.yaml"))).digest("hex");
  const queries = createQueryService({
    store,
    schema,
    meta: () => ({ block: store.head, deployment, hasIndexingErrors: indexer.error !== null, status: loop.status }),
    limits: options.queryLimits,
  });
  const server = options.port === undefined
    ? undefined
    : await serveQueries({ service: queries, name: options.name ?? "clustershare", port: options.port, host: options.host });
  if (options.pollMs) loop.startPolling(options.pollMs);
  return {
    store, indexer, queries, url: server?.url,
    sync: (block) => loop.sync(block),
    status: () => loop.status,
    async close() {
      await loop.close();
      await server?.close();
    },
  };
}
