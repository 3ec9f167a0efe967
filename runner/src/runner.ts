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
import { LogLevel } from "./wasm/hostContext";

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
  /** Indexes up to `block` (default: the node's head) and resolves when done. */
  sync(block?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const subgraph = loadBuiltSubgraph(options.buildDir);
  const schema = loadSchema(subgraph.schemaSdl);
  const store = new EntityStore(schema);
  const rpc = new JsonRpcClient(options.rpcUrl);
  const indexer = await Indexer.create({ subgraph, store, rpc, blockRange: options.blockRange, onLog: options.onLog });
  // graph-node names a deployment by the IPFS hash of its manifest; the runner uses a hash of the built one.
  const deployment = "0x" + createHash("sha256").update(readFileSync(join(options.buildDir, "subgraph.yaml"))).digest("hex");
  const queries = createQueryService({
    store,
    schema,
    meta: () => ({ block: indexer.indexedBlock, deployment, hasIndexingErrors: indexer.error !== null }),
    limits: options.queryLimits,
  });
  const server = options.port === undefined
    ? undefined
    : await serveQueries({ service: queries, name: options.name ?? "clustershare", port: options.port, host: options.host });

  // One sync at a time: the poller and explicit `sync` calls queue behind each other.
  let running: Promise<void> = Promise.resolve();
  let failureReported = false;
  const sync = (block?: number) => (running = running.then(async () => {
    await indexer.syncTo(block);
    const failure = indexer.error;
    if (failure && !failureReported) {
      failureReported = true;
      options.onLog?.(
        LogLevel.Error,
        `indexing stopped at block ${failure.block}: ${failure.dataSource}.${failure.handler} failed: ${failure.message}`,
        "runner",
      );
    }
  }));
  let timer: NodeJS.Timeout | undefined;
  if (options.pollMs) {
    const poll = () => {
      sync()
        .catch((error) => options.onLog?.(LogLevel.Error, `sync failed, retrying: ${(error as Error).message}`, "runner"))
        .finally(() => { if (timer) timer = setTimeout(poll, options.pollMs); });
    };
    timer = setTimeout(poll, 0);
  }
  return {
    store, indexer, queries, url: server?.url, sync,
    async close() {
      clearTimeout(timer);
      timer = undefined;
      await running.catch(() => undefined);
      await server?.close();
    },
  };
}
