/**
 * Event history from the chain, for the reads the views cannot answer (closed epochs, purchases, open redemption
 * requests): `eth_getLogs` from the deployment's start block, decoded with the typechain interfaces.
 *
 * Public nodes cap a log query (commonly 10,000 blocks, or 10,000 results), so the range is asked for in chunks of
 * `logBlockSpan` blocks, sent together (a batching provider makes one HTTP request of them), and a chunk the node
 * refuses as too large is split in half until it fits. A local chain fits one chunk: one request.
 */
import type { Filter, Interface, Log, LogDescription, Provider } from "ethers";
import type { ClusterShareContext } from "../../context";

/** The default `logBlockSpan`: the range most public RPC endpoints accept in one `eth_getLogs`. */
export const DEFAULT_LOG_BLOCK_SPAN = 10_000;

/** Chunks asked for at once: enough to fill one JSON-RPC batch, few enough not to trip a public node's rate limit. */
const CHUNKS_IN_FLIGHT = 20;

/** A decoded log with where it was emitted. */
export interface DecodedLog {
  address: string;
  blockNumber: number;
  transactionHash: string;
  logIndex: number;
  event: LogDescription;
}

/** The node refused even a one-block log query as too large (or kept refusing one for its range). */
export class LogRangeError extends Error {
  constructor(
    readonly fromBlock: number,
    readonly toBlock: number,
    readonly cause: unknown,
  ) {
    super(`eth_getLogs for blocks ${fromBlock}..${toBlock} was refused as too large: ${describe(cause)}`);
    this.name = "LogRangeError";
  }
}

/** What log reads need of a context: the chain context and, optionally, the chunk size. */
export type LogContext = ClusterShareContext & { logBlockSpan?: number };

/**
 * Logs of `eventName` from `addresses` (all contracts when omitted) matching `topics` after the event's own, from
 * the deployment's start block to `toBlock`, in chain order. With `"latest"` the head is read in the same batch as
 * the first chunk: the range covers at least the head the node reported.
 * @throws LogRangeError when the node refuses a single block's logs as too large; the provider's error otherwise.
 */
export async function readLogs(
  ctx: LogContext,
  iface: Interface,
  eventName: string,
  options: { addresses?: string[]; topics?: (string | null)[]; toBlock?: number | "latest" } = {},
): Promise<DecodedLog[]> {
  const span = ctx.logBlockSpan ?? DEFAULT_LOG_BLOCK_SPAN;
  if (!Number.isSafeInteger(span) || span < 1) throw new RangeError(`logBlockSpan must be a positive integer, got ${span}`);
  const filter: Filter = { address: options.addresses, topics: [iface.getEvent(eventName)!.topicHash, ...(options.topics ?? [])] };
  const fetchRange = (from: number, to: number) => logsInRange(ctx.provider, filter, from, to);
  const start = ctx.deployment.startBlock;
  const toBlock = options.toBlock ?? "latest";
  let logs: Log[];
  if (toBlock === "latest") {
    // The head is unknown until the node answers, so the first chunk goes out beside eth_blockNumber (asked first,
    // so the node answers the chunk at that head or later). A node that clamps a range past its head (Hardhat,
    // geth) answers a chain shorter than a span here; once the head is known, a refused first chunk (past the head,
    // or too large) is asked for again in chunks up to the head, splitting as needed.
    const firstEnd = start + span - 1;
    const [head, first] = await Promise.all([
      ctx.provider.getBlockNumber(),
      ctx.provider.getLogs({ ...filter, fromBlock: start, toBlock: firstEnd }).then((found) => ({ found }), (error: unknown) => ({ error })),
    ]);
    if ("found" in first) logs = [...first.found, ...(head > firstEnd ? await inChunks(fetchRange, firstEnd + 1, head, span) : [])];
    else if (head < firstEnd || isRangeTooLarge(first.error)) logs = await inChunks(fetchRange, start, head, span);
    else throw first.error;
  } else {
    logs = await inChunks(fetchRange, start, toBlock, span);
  }
  return logs.map((log) => ({
    address: log.address,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    logIndex: log.index,
    event: iface.parseLog(log)!,
  }));
}

/** The logs of `from..to` in spans of `span` blocks, `CHUNKS_IN_FLIGHT` at a time, in chain order. */
async function inChunks(fetchRange: (from: number, to: number) => Promise<Log[]>, from: number, to: number, span: number): Promise<Log[]> {
  const ranges: [number, number][] = [];
  for (let at = from; at <= to; at += span) ranges.push([at, Math.min(at + span - 1, to)]);
  const logs: Log[] = [];
  for (let i = 0; i < ranges.length; i += CHUNKS_IN_FLIGHT) {
    const answers = await Promise.all(ranges.slice(i, i + CHUNKS_IN_FLIGHT).map(([a, b]) => fetchRange(a, b)));
    for (const answer of answers) logs.push(...answer);
  }
  return logs;
}

/** One range's logs; a range the node calls too large is split in half, down to a single block. */
async function logsInRange(provider: Provider, filter: Filter, from: number, to: number): Promise<Log[]> {
  try {
    return await provider.getLogs({ ...filter, fromBlock: from, toBlock: to });
  } catch (error) {
    if (!isRangeTooLarge(error)) throw error;
    if (from >= to) throw new LogRangeError(from, to, error);
    const middle = from + Math.floor((to - from) / 2);
    const [lower, upper] = await Promise.all([logsInRange(provider, filter, from, middle), logsInRange(provider, filter, middle + 1, to)]);
    return [...lower, ...upper];
  }
}

/**
 * How public nodes word a log query that is too large: Infura "query returned more than 10000 results",
 * Alchemy "Log response size exceeded", QuickNode "eth_getLogs is limited to a 10,000 range", BSC "exceed maximum
 * block range: 5000", Ankr "block range is too wide", and the like. Rate limits ("daily request limit exceeded",
 * -32005 without these words) are not matched: splitting would only make them worse.
 */
const RANGE_TOO_LARGE = /block range|range (is )?too (large|wide|big)|range limit|limited to a [\d,]+ range|exceed(s|ed)? (the )?max(imum)?|more than [\d,]+ (results|logs|blocks)|too many (results|logs|blocks)|response size/i;

/** Whether a provider error is a node refusing a log query's size (ethers keeps the JSON-RPC error under `error`). */
export function isRangeTooLarge(error: unknown): boolean {
  const e = error as { error?: { message?: unknown }; info?: { error?: { message?: unknown } } } | undefined;
  return [describe(error), e?.error?.message, e?.info?.error?.message].some((text) => typeof text === "string" && RANGE_TOO_LARGE.test(text));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
