/**
 * Subgraph first, chain fallback. A read answers from the subgraph when it is configured, reachable, answers
 * without errors, reports no indexing errors and trails the chain head by at most `maxSubgraphLag` blocks;
 * otherwise the same read answers from the chain. Every answer says which source it came from and at which block.
 */
import { getAddress } from "ethers";
import type { ClusterShareContext } from "../context";
import { multicall, valueOf, type ViewCall, type ViewResult } from "./multicall";
import type { SubgraphEndpoint, SubgraphMeta } from "./subgraph/client";
import type { TimestampUnit } from "./subgraph/timestamp";
import { vaultInterface } from "./chain/interfaces";

/** Where an answer came from. */
export type Source = "subgraph" | "chain";

/** A read's answer with its provenance. */
export interface Sourced<T> {
  data: T;
  source: Source;
  /** The block the answer reflects. */
  block: number;
  /** Why the subgraph was not used, when the answer came from the chain although a subgraph is configured. */
  fallbackReason?: string;
}

/** The context reads run in: the chain context plus the subgraph and the fallback's settings. */
export interface ReadContext extends ClusterShareContext {
  subgraph?: SubgraphEndpoint;
  /** Blocks the subgraph may trail the chain head before reads answer from the chain. */
  maxSubgraphLag: number;
  /** The unit of the subgraph's `Timestamp` fields (graph-node: microseconds). */
  timestampUnit: TimestampUnit;
  /** Stablecoin decimals by vault address: fixed at launch, so read once. */
  decimalsByVault: Map<string, number>;
  /** Blocks per `eth_getLogs` of the chain path (default `DEFAULT_LOG_BLOCK_SPAN`, see chain/logs.ts). */
  logBlockSpan?: number;
}

/** The default `maxSubgraphLag`: a minute of Ethereum blocks, a few seconds of L2 blocks. */
export const DEFAULT_MAX_SUBGRAPH_LAG = 5;

/** The subgraph failed a health check; the read answers from the chain. */
export class SubgraphBehindError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "SubgraphBehindError";
  }
}

/** A subgraph path's answer before the lag check: the data, the block it reflects and the chain head then. */
export interface SubgraphAnswer<T> {
  data: T;
  meta: SubgraphMeta;
  head: number;
}

/**
 * Runs `fromSubgraph` and checks its answer; on any failure runs `fromChain`.
 * @throws Whatever `fromChain` throws when both sources fail (the subgraph's failure is in the message).
 */
export async function readWithFallback<T>(
  ctx: ReadContext,
  fromSubgraph: (endpoint: SubgraphEndpoint) => Promise<SubgraphAnswer<T>>,
  fromChain: () => Promise<{ data: T; block: number }>,
): Promise<Sourced<T>> {
  if (!ctx.subgraph) return { ...(await fromChain()), source: "chain" };
  let fallbackReason: string;
  try {
    const answer = await fromSubgraph(ctx.subgraph);
    const block = answer.meta.block.number;
    if (answer.meta.hasIndexingErrors) throw new SubgraphBehindError("the subgraph reports indexing errors");
    if (answer.head - block > ctx.maxSubgraphLag) {
      throw new SubgraphBehindError(`the subgraph is ${answer.head - block} blocks behind the chain head (at most ${ctx.maxSubgraphLag})`);
    }
    return { data: answer.data, source: "subgraph", block };
  } catch (error) {
    fallbackReason = (error as Error).message;
  }
  return { ...(await fromChain()), source: "chain", fallbackReason };
}

/**
 * The chain half of a subgraph read: `calls` at the subgraph's block together with the chain head (sent at once,
 * so a batching JSON-RPC provider makes one HTTP request of them), plus the stablecoin decimals of `vaults` not yet
 * cached. Reading at the subgraph's block keeps both halves of an answer in one state.
 */
export async function chainAtSubgraphBlock(
  ctx: ReadContext,
  meta: SubgraphMeta,
  vaults: readonly string[],
  calls: readonly ViewCall[],
): Promise<{ head: number; results: ViewResult[]; timestamp: number }> {
  // timestamp: the subgraph block's (zero when nothing needed the chain but the head).
  const missing = [...new Set(vaults.map((v) => getAddress(v)))].filter((v) => !ctx.decimalsByVault.has(v));
  const decimalsCalls: ViewCall[] = missing.map((vault) => ({ target: vault, iface: vaultInterface, method: "config" }));
  const batch = [...decimalsCalls, ...calls];
  if (batch.length === 0) return { head: await ctx.provider.getBlockNumber(), results: [], timestamp: 0 };
  const [head, answer] = await Promise.all([
    ctx.provider.getBlockNumber(),
    multicall(ctx.provider, ctx.deployment.multicall3, batch, meta.block.number),
  ]);
  missing.forEach((vault, i) => ctx.decimalsByVault.set(vault, Number(valueOf(answer.results[i])[0].stablecoinDecimals)));
  return { head, results: answer.results.slice(missing.length), timestamp: answer.timestamp };
}

/** The cached stablecoin decimals of a cluster's vault (`chainAtSubgraphBlock` fills the cache). */
export function decimalsOf(ctx: ReadContext, vault: string): number {
  const decimals = ctx.decimalsByVault.get(getAddress(vault));
  if (decimals === undefined) throw new Error(`decimalsOf: no decimals read for vault ${vault}`);
  return decimals;
}
