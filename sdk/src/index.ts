/**
 * @clustershare/sdk — the package's public exports.
 *
 * Shared file: each part of the SDK adds its own export lines here (small edits, never a rewrite).
 * `math/` is pure (the contracts' maths to the unit), `entities/` carry amounts with their decimals, `fetch/` does
 * I/O, `actions/` sends transactions. Everything is a named export so bundlers can drop what a page does not use.
 */

// The deployment file's shape (deployments/<network>.json).
export * from "./deployment";

// Pure maths: the one TypeScript statement of the contracts' maths (also at `@clustershare/sdk/math`).
export * from "./math";

// Amounts that carry their decimals: formatting and parsing without floating point.
export * from "./entities/amount";

// Typed contract handles (ethers v6 + typechain types), ABIs without bytecode.
export * from "./contracts";

// Typed errors: every contract error decoded (ClusterShareError), preflight failures (PreflightError), RPC failures (RpcError).
export * from "./errors";

// Actions: one function per user, operator and admin action, with preflight checks and decoded events.
export * from "./actions";

// The context reads and actions run in (provider, signer, deployment, contract connections).
export * from "./context";

// Entities the reads return: clusters, positions, epochs, purchases, redemption requests, an investment.
export type * from "./entities/cluster";
export type * from "./entities/epoch";
export type * from "./entities/position";
export type * from "./entities/purchase";
export type * from "./entities/redemptionRequest";
export type * from "./entities/investment";

// Reads: subgraph first with chain fallback (each answer says its source and block), Multicall3 batches.
export { readClusters } from "./fetch/clusters";
export { readCluster, UnknownClusterError, type ClusterPage } from "./fetch/cluster";
export { readPositions } from "./fetch/positions";
export { getInvestment, type GetInvestmentOptions } from "./investment/getInvestment";
export type { YieldStream } from "./investment/yieldStream";
export { DEFAULT_MAX_SUBGRAPH_LAG, SubgraphBehindError, type ReadContext, type Source, type Sourced } from "./fetch/source";
export { multicall, ChainReadError, type ViewCall, type ViewResult, type MulticallAnswer } from "./fetch/multicall";
export { querySubgraph, SubgraphQueryError, SubgraphUnavailableError, type SubgraphEndpoint, type SubgraphMeta } from "./fetch/subgraph/client";
export { queryAll, PAGE_SIZE, type PageOptions } from "./fetch/subgraph/paginate";
export { DEFAULT_LOG_BLOCK_SPAN, LogRangeError } from "./fetch/chain/logs";
export { timestampToSeconds, type TimestampUnit } from "./fetch/subgraph/timestamp";

// The one client: reads and bound actions over one context.
export { createClusterShareClient, type ClusterShareClient, type ClusterShareClientOptions, type BoundActions } from "./client";
