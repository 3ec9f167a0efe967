/**
 * Real JSON-RPC data turned into the trigger a mapping receives: a log decoded against its event's ABI into
 * `ethereum.Value`s, with the block and the transaction that produced it.
 */
import type { EventFragment, Interface, ParamType, Result } from "ethers";
import { hexToBytes } from "../values";
import type { EthereumBlock, EthereumEvent, EthereumTransaction, EthereumValue } from "../wasm/ethereum";

/** A log as eth_getLogs returns it (hex strings). */
export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  /** Only some clients (OpenEthereum) report it; graph-node passes zero when absent, and so does the runner. */
  transactionLogIndex?: string;
  removed?: boolean;
}

/** A block as eth_getBlockByNumber(n, true) returns it. */
export interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  sha3Uncles: string;
  miner: string;
  stateRoot: string;
  transactionsRoot: string;
  receiptsRoot: string;
  gasUsed: string;
  gasLimit: string;
  timestamp: string;
  difficulty?: string;
  totalDifficulty?: string;
  size?: string;
  baseFeePerGas?: string;
  transactions: RpcTransaction[];
}

export interface RpcTransaction {
  hash: string;
  transactionIndex: string;
  from: string;
  to: string | null;
  value: string;
  gas: string;
  gasPrice?: string;
  input: string;
  nonce: string;
}

const big = (hex: string | undefined): bigint => BigInt(hex ?? 0);

export function toEthereumBlock(b: RpcBlock): EthereumBlock {
  return {
    hash: hexToBytes(b.hash),
    parentHash: hexToBytes(b.parentHash),
    unclesHash: hexToBytes(b.sha3Uncles),
    author: hexToBytes(b.miner),
    stateRoot: hexToBytes(b.stateRoot),
    transactionsRoot: hexToBytes(b.transactionsRoot),
    receiptsRoot: hexToBytes(b.receiptsRoot),
    number: big(b.number),
    gasUsed: big(b.gasUsed),
    gasLimit: big(b.gasLimit),
    timestamp: big(b.timestamp),
    difficulty: big(b.difficulty),
    totalDifficulty: big(b.totalDifficulty),
    size: b.size === undefined ? null : big(b.size),
    baseFeePerGas: b.baseFeePerGas === undefined ? null : big(b.baseFeePerGas),
  };
}

export function toEthereumTransaction(t: RpcTransaction): EthereumTransaction {
  return {
    hash: hexToBytes(t.hash),
    index: big(t.transactionIndex),
    from: hexToBytes(t.from),
    to: t.to ? hexToBytes(t.to) : null,
    value: big(t.value),
    gasLimit: big(t.gas),
    gasPrice: big(t.gasPrice),
    input: hexToBytes(t.input),
    nonce: big(t.nonce),
  };
}

/** The event a handler receives for `log`, emitted in `transaction` of `block`. */
export function toEthereumEvent(
  abi: Interface, fragment: EventFragment, log: RpcLog, block: EthereumBlock, transaction: EthereumTransaction,
): EthereumEvent {
  return {
    address: hexToBytes(log.address),
    logIndex: big(log.logIndex),
    transactionLogIndex: big(log.transactionLogIndex),
    logType: null,
    block,
    transaction,
    parameters: decodeParameters(abi, fragment, log),
  };
}

/** The event's parameters by name and value: static ones decoded word by word, anything else by ethers. */
function decodeParameters(abi: Interface, fragment: EventFragment, log: RpcLog): EthereumEvent["parameters"] {
  const fast = decodeStaticParameters(fragment, log);
  if (fast) return fast;
  const decoded = abi.decodeEventLog(fragment, log.data, log.topics);
  return fragment.inputs.map((input, i) => ({ name: input.name, value: toValue(input, decoded[i], input.indexed === true) }));
}

type StaticKind = "address" | "bool" | "uint" | "int" | "fixedBytes";

/** Where each parameter of an event whose parameters are all elementary static types sits in its log. */
interface StaticPlan {
  topic0: string;
  topics: number;
  dataWords: number;
  inputs: { name: string; kind: StaticKind; bits: number; indexed: boolean; word: number }[];
}

const staticPlans = new WeakMap<EventFragment, StaticPlan | null>();

function staticPlan(fragment: EventFragment): StaticPlan | null {
  if (staticPlans.has(fragment)) return staticPlans.get(fragment)!;
  let topics = 1;
  let dataWords = 0;
  const inputs: StaticPlan["inputs"] = [];
  for (const input of fragment.inputs) {
    const match = /^(address|bool|uint|int|bytes)(\d*)$/.exec(input.type);
    const [kind, bits] = !match
      ? [null, 0]
      : match[1] === "bytes"
        ? (match[2] ? ["fixedBytes", Number(match[2])] as const : [null, 0])
        : [match[1] as StaticKind, Number(match[2] || 256)];
    if (!kind) {
      staticPlans.set(fragment, null);
      return null;
    }
    const indexed = input.indexed === true;
    inputs.push({ name: input.name, kind, bits, indexed, word: indexed ? topics++ : dataWords++ });
  }
  const plan = fragment.anonymous ? null : { topic0: fragment.topicHash, topics, dataWords, inputs };
  staticPlans.set(fragment, plan);
  return plan;
}

/**
 * Decodes a log whose event has only elementary static parameters straight from its 32-byte words, as ethers'
 * coders would (integers masked to their width, addresses from the low 20 bytes, fixed bytes from the high N),
 * without ethers' per-address checksum hashing. Null when the event needs the general decoder.
 */
function decodeStaticParameters(fragment: EventFragment, log: RpcLog): EthereumEvent["parameters"] | null {
  const plan = staticPlan(fragment);
  if (!plan) return null;
  const data = hexToBytes(log.data);
  if (log.topics.length !== plan.topics || log.topics[0].toLowerCase() !== plan.topic0 || data.length < 32 * plan.dataWords) {
    throw new Error(`log ${log.transactionHash}#${Number(log.logIndex)} does not match event ${fragment.format("sighash")}`);
  }
  return plan.inputs.map(({ name, kind, bits, indexed, word }) => {
    const bytes = indexed ? hexToBytes(log.topics[word]) : data.subarray(32 * word, 32 * word + 32);
    return { name, value: staticValue(kind, bits, bytes) };
  });
}

function staticValue(kind: StaticKind, bits: number, word: Uint8Array): EthereumValue {
  switch (kind) {
    case "address":
      return { kind, value: word.slice(12) };
    case "fixedBytes":
      return { kind, value: word.slice(0, bits) };
    case "bool":
      return { kind, value: word.some((byte) => byte !== 0) };
    case "uint":
      return { kind, value: BigInt.asUintN(bits, wordToBigInt(word)) };
    case "int":
      return { kind, value: BigInt.asIntN(bits, wordToBigInt(word)) };
  }
}

function wordToBigInt(word: Uint8Array): bigint {
  return BigInt("0x" + Buffer.from(word.buffer, word.byteOffset, word.byteLength).toString("hex"));
}

/**
 * An ABI value as an `ethereum.Value`. Indexed parameters of dynamic types (strings, bytes, arrays, tuples) are
 * only their keccak hash in the log, which graph-node passes as fixed bytes.
 */
function toValue(type: ParamType, value: unknown, indexed = false): EthereumValue {
  if (indexed && (type.isTuple() || type.isArray() || type.type === "string" || type.type === "bytes")) {
    return { kind: "fixedBytes", value: hexToBytes((value as { hash: string }).hash) };
  }
  if (type.isTuple()) {
    const items = value as Result;
    return { kind: "tuple", value: type.components.map((c, i) => toValue(c, items[i])) };
  }
  if (type.isArray()) {
    const items = [...(value as Result)].map((v) => toValue(type.arrayChildren, v));
    return { kind: type.arrayLength === -1 ? "array" : "fixedArray", value: items };
  }
  const base = type.type;
  if (base === "address") return { kind: "address", value: hexToBytes(value as string) };
  if (base === "bool") return { kind: "bool", value: value as boolean };
  if (base === "string") return { kind: "string", value: value as string };
  if (base === "bytes") return { kind: "bytes", value: hexToBytes(value as string) };
  if (base.startsWith("bytes")) return { kind: "fixedBytes", value: hexToBytes(value as string) };
  if (base.startsWith("uint")) return { kind: "uint", value: value as bigint };
  if (base.startsWith("int")) return { kind: "int", value: value as bigint };
  throw new Error(`unsupported ABI type ${base}`);
}
