/**
 * One client for integrators: `createClusterShareClient` reads a deployment, connects a provider (and a signer),
 * and exposes every read (subgraph first, chain fallback, each answer with its source and block) and every action
 * bound to the same context.
 */
import { JsonRpcProvider, type Provider, type Signer } from "ethers";
import * as allActions from "./actions";
import { createContext, type ClusterShareContext } from "./context";
import { parseDeployment, type Deployment } from "./deployment";
import type { Cluster } from "./entities/cluster";
import type { Investment } from "./entities/investment";
import type { Position } from "./entities/position";
import { DEFAULT_LOG_BLOCK_SPAN } from "./fetch/chain/logs";
import { readCluster, type ClusterPage } from "./fetch/cluster";
import { readClusters } from "./fetch/clusters";
import { readPositions } from "./fetch/positions";
import { DEFAULT_MAX_SUBGRAPH_LAG, type ReadContext, type Sourced } from "./fetch/source";
import type { TimestampUnit } from "./fetch/subgraph/timestamp";
import { getInvestment, type GetInvestmentOptions } from "./investment/getInvestment";

/** What `createClusterShareClient` takes. */
export interface ClusterShareClientOptions {
  /** A provider to read through; or give `rpcUrl`, or a signer connected to a provider. */
  provider?: Provider;
  /**
   * A JSON-RPC endpoint; the client makes a provider for the deployment's chain that neither probes the network
   * nor caches answers (ethers caches for 250 ms by default, which would hide a new head from the lag check).
   */
  rpcUrl?: string;
  /** Sends the actions' transactions. */
  signer?: Signer;
  /** The subgraph's query URL; without it every read answers from the chain. */
  subgraphUrl?: string;
  /** Replaces `fetch` for subgraph queries (authentication, counting, tests). */
  subgraphFetch?: typeof fetch;
  /** The deployment, or a path to its JSON file, or a network name read from `deployments/<network>.json`. */
  deployment: Deployment | string;
  /** Blocks the subgraph may trail the chain head before reads answer from the chain (default 5). */
  maxSubgraphLag?: number;
  /** The unit of the subgraph's `Timestamp` fields (default: told apart by magnitude). */
  timestampUnit?: TimestampUnit;
  /**
   * Blocks per `eth_getLogs` when a read answers from the chain (default 10,000, what most public endpoints
   * accept); a chunk the node still refuses as too large is split in half until it fits.
   */
  logBlockSpan?: number;
}

/** An action with its context bound: the same parameters after the first. */
type Bound<F> = F extends (ctx: ClusterShareContext, ...args: infer A) => infer R ? (...args: A) => R : never;

/** Every action of `actions/`, bound to the client's context. */
export type BoundActions = {
  [K in keyof typeof allActions as (typeof allActions)[K] extends (ctx: ClusterShareContext, ...args: any[]) => any ? K : never]: Bound<(typeof allActions)[K]>;
};

/** The client: reads, bound actions, and the context for calling standalone functions. */
export interface ClusterShareClient {
  context: ReadContext;
  /** Every cluster, in id order. */
  clusters(): Promise<Sourced<Cluster[]>>;
  /** One cluster and its closed epochs. */
  cluster(clusterId: bigint): Promise<Sourced<ClusterPage>>;
  /** Every position with shares in a cluster. */
  positions(clusterId: bigint): Promise<Sourced<Position[]>>;
  /** An account's whole investment across every cluster. */
  getInvestment(account: string, options?: GetInvestmentOptions): Promise<Sourced<Investment>>;
  actions: BoundActions;
}

/** Functions exported beside the actions that do not take a context. */
const NOT_ACTIONS = new Set(["decodeEvents"]);

/**
 * Creates the client.
 * @throws InvalidDeploymentError for a malformed deployment file; Error when no provider can be made.
 */
export async function createClusterShareClient(options: ClusterShareClientOptions): Promise<ClusterShareClient> {
  const deployment = typeof options.deployment === "string" ? await loadDeployment(options.deployment) : parseDeployment(options.deployment);
  const provider = options.provider
    ?? (options.rpcUrl ? new JsonRpcProvider(options.rpcUrl, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 }) : options.signer?.provider);
  if (!provider) throw new Error("createClusterShareClient: give provider, rpcUrl or a signer connected to a provider");
  const ctx: ReadContext = {
    ...createContext({ provider, signer: options.signer, deployment }),
    subgraph: options.subgraphUrl ? { url: options.subgraphUrl, fetch: options.subgraphFetch } : undefined,
    maxSubgraphLag: options.maxSubgraphLag ?? DEFAULT_MAX_SUBGRAPH_LAG,
    timestampUnit: options.timestampUnit ?? "auto",
    decimalsByVault: new Map(),
    logBlockSpan: options.logBlockSpan ?? DEFAULT_LOG_BLOCK_SPAN,
  };
  const actions = Object.fromEntries(
    Object.entries(allActions)
      .filter(([name, fn]) => typeof fn === "function" && !NOT_ACTIONS.has(name))
      .map(([name, fn]) => [name, (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(ctx, ...args)]),
  ) as BoundActions;
  return {
    context: ctx,
    clusters: () => readClusters(ctx),
    cluster: (clusterId) => readCluster(ctx, clusterId),
    positions: (clusterId) => readPositions(ctx, clusterId),
    getInvestment: (account, investmentOptions) => getInvestment(ctx, account, investmentOptions),
    actions,
  };
}

/** Reads a deployment file: a path (anything with a slash or ending in .json) or `deployments/<network>.json`. */
async function loadDeployment(pathOrNetwork: string): Promise<Deployment> {
  const { readFile } = await import("node:fs/promises");
  const path = /[\\/]|\.json$/.test(pathOrNetwork) ? pathOrNetwork : `deployments/${pathOrNetwork}.json`;
  return parseDeployment(JSON.parse(await readFile(path, "utf8")));
}
