/**
 * Batched chain reads through Multicall3's `aggregate3`: many view calls, one `eth_call`, one block. Every call may
 * fail on its own (`allowFailure`), so one revert never hides the others; a call the caller needs throws a
 * ChainReadError naming it.
 */
import { Interface, type BlockTag, type Provider, type Result } from "ethers";

const MULTICALL3 = new Interface([
  "function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)",
  "function getBlockNumber() view returns (uint256 blockNumber)",
  "function getCurrentBlockTimestamp() view returns (uint256 timestamp)",
]);

/** Calls per `aggregate3`: far below the node's `eth_call` gas cap for the views the SDK reads. */
const CALLS_PER_BATCH = 500;

/** One view call: a typechain `Interface` encodes it and decodes its answer. */
export interface ViewCall {
  target: string;
  iface: Interface;
  method: string;
  args?: readonly unknown[];
  /** A revert is an answer (`ok: false`) instead of an error. */
  allowFailure?: boolean;
}

/** A call's answer: its decoded result, or the revert data when it reverted and was allowed to. */
export type ViewResult = { ok: true; value: Result } | { ok: false; revertData: string };

/** The answers, in call order, with the block they were read at. */
export interface MulticallAnswer {
  block: number;
  /** The block's timestamp, Unix seconds. */
  timestamp: number;
  results: ViewResult[];
}

/** A view call the caller needed reverted inside a multicall; `revertData` is the raw revert payload. */
export class ChainReadError extends Error {
  constructor(
    readonly target: string,
    readonly method: string,
    readonly revertData: string,
  ) {
    super(`Chain read ${method} on ${target} reverted (${revertData === "0x" ? "no data" : revertData})`);
    this.name = "ChainReadError";
  }
}

/**
 * Runs `calls` through Multicall3 at `blockTag` (default latest), `CALLS_PER_BATCH` to an `eth_call`. The chunks
 * are sent together, so a JSON-RPC provider that batches (ethers' JsonRpcProvider does) sends them as one HTTP
 * request; with more than one chunk and no `blockTag`, the first chunk's block pins the rest.
 * @throws ChainReadError when a call without `allowFailure` reverts.
 */
export async function multicall(
  provider: Provider,
  multicall3: string,
  calls: readonly ViewCall[],
  blockTag?: BlockTag,
): Promise<MulticallAnswer> {
  const chunks: ViewCall[][] = [];
  for (let i = 0; i < calls.length; i += CALLS_PER_BATCH) chunks.push(calls.slice(i, i + CALLS_PER_BATCH));
  if (chunks.length === 0) chunks.push([]);
  const run = (chunk: ViewCall[], tag: BlockTag | undefined) => aggregate3(provider, multicall3, chunk, tag);
  let answers: MulticallAnswer[];
  if (blockTag === undefined && chunks.length > 1) {
    const first = await run(chunks[0], undefined);
    answers = [first, ...(await Promise.all(chunks.slice(1).map((chunk) => run(chunk, first.block))))];
  } else {
    answers = await Promise.all(chunks.map((chunk) => run(chunk, blockTag)));
  }
  return { block: answers[0].block, timestamp: answers[0].timestamp, results: answers.flatMap((a) => a.results) };
}

async function aggregate3(
  provider: Provider,
  multicall3: string,
  calls: readonly ViewCall[],
  blockTag: BlockTag | undefined,
): Promise<MulticallAnswer> {
  const encoded = [
    { target: multicall3, allowFailure: false, callData: MULTICALL3.encodeFunctionData("getBlockNumber") },
    { target: multicall3, allowFailure: false, callData: MULTICALL3.encodeFunctionData("getCurrentBlockTimestamp") },
    ...calls.map((c) => ({ target: c.target, allowFailure: true, callData: c.iface.encodeFunctionData(c.method, c.args ?? []) })),
  ];
  const data = await provider.call({ to: multicall3, data: MULTICALL3.encodeFunctionData("aggregate3", [encoded]), blockTag });
  const [returned] = MULTICALL3.decodeFunctionResult("aggregate3", data) as unknown as [Array<[boolean, string]>];
  const [[, blockData], [, timeData], ...rest] = returned;
  const results = rest.map(([success, returnData], i): ViewResult => {
    const c = calls[i];
    if (success) return { ok: true, value: c.iface.decodeFunctionResult(c.method, returnData) };
    if (!c.allowFailure) throw new ChainReadError(c.target, c.method, returnData);
    return { ok: false, revertData: returnData };
  });
  return {
    block: Number(MULTICALL3.decodeFunctionResult("getBlockNumber", blockData)[0]),
    timestamp: Number(MULTICALL3.decodeFunctionResult("getCurrentBlockTimestamp", timeData)[0]),
    results,
  };
}

/** The decoded value of a call that must have succeeded (a multicall already threw otherwise). */
export function valueOf(result: ViewResult): Result {
  if (!result.ok) throw new Error("valueOf: the call reverted and was allowed to; check `ok` first");
  return result.value;
}
