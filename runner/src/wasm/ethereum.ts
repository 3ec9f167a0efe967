/**
 * The Ethereum trigger data a handler receives, and how it is laid out in WASM memory for apiVersion 0.0.7+
 * (chain/ethereum/src/runtime/abi.rs: AscEthereumEvent_0_0_7, AscEthereumBlock_0_0_6,
 * AscEthereumTransaction_0_0_6, AscLogParam) in the field order of graph-ts's `ethereum.Event`, `Block`,
 * `Transaction` and `EventParam`. Ethereum values are `ethereum.Value` enums `{ kind, data }`.
 */
import type { AscHeap } from "./memory";
import { readBigInt, writeBigInt } from "./numbers";
import { AscTypeId } from "./typeIds";

export type EthereumValue =
  | { kind: "address"; value: Uint8Array }
  | { kind: "fixedBytes"; value: Uint8Array }
  | { kind: "bytes"; value: Uint8Array }
  | { kind: "int"; value: bigint }
  | { kind: "uint"; value: bigint }
  | { kind: "bool"; value: boolean }
  | { kind: "string"; value: string }
  | { kind: "fixedArray"; value: EthereumValue[] }
  | { kind: "array"; value: EthereumValue[] }
  | { kind: "tuple"; value: EthereumValue[] };

export interface EthereumBlock {
  hash: Uint8Array;
  parentHash: Uint8Array;
  unclesHash: Uint8Array;
  author: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  number: bigint;
  gasUsed: bigint;
  gasLimit: bigint;
  timestamp: bigint;
  difficulty: bigint;
  totalDifficulty: bigint;
  size: bigint | null;
  baseFeePerGas: bigint | null;
}

export interface EthereumTransaction {
  hash: Uint8Array;
  index: bigint;
  from: Uint8Array;
  to: Uint8Array | null;
  value: bigint;
  gasLimit: bigint;
  gasPrice: bigint;
  input: Uint8Array;
  nonce: bigint;
}

export interface EthereumEvent {
  address: Uint8Array;
  logIndex: bigint;
  transactionLogIndex: bigint;
  logType: string | null;
  block: EthereumBlock;
  transaction: EthereumTransaction;
  parameters: { name: string; value: EthereumValue }[];
}

/** graph-ts `ethereum.ValueKind`, in its numeric order. */
const ETHEREUM_VALUE_KINDS = ["address", "fixedBytes", "bytes", "int", "uint", "bool", "string", "fixedArray", "array", "tuple"] as const;

const NULL_POINTER = 0;

/**
 * Writes an `ethereum.Event` (receipt null) and returns the pointer the handler is called with. `blockPointer`
 * is the event's block already written (see RestartableMapping), or else it is written here.
 */
export function writeEthereumEvent(heap: AscHeap, event: EthereumEvent, blockPointer?: number): number {
  return heap.newPointerStruct(AscTypeId.EthereumEvent, [
    heap.newUint8Array(event.address),
    writeBigInt(heap, event.logIndex),
    writeBigInt(heap, event.transactionLogIndex),
    event.logType === null ? NULL_POINTER : heap.newString(event.logType),
    blockPointer ?? writeEthereumBlock(heap, event.block),
    writeTransaction(heap, event.transaction),
    heap.newPointerArray(
      AscTypeId.ArrayEventParam,
      event.parameters.map((param) =>
        heap.newPointerStruct(AscTypeId.EventParam, [heap.newString(param.name), writeEthereumValue(heap, param.value)]),
      ),
    ),
    NULL_POINTER, // receipt: graph-node only fills it for handlers declaring `receipt: true`
  ]);
}

/** Writes an `ethereum.Block`. */
export function writeEthereumBlock(heap: AscHeap, block: EthereumBlock): number {
  return heap.newPointerStruct(AscTypeId.EthereumBlock, [
    heap.newUint8Array(block.hash),
    heap.newUint8Array(block.parentHash),
    heap.newUint8Array(block.unclesHash),
    heap.newUint8Array(block.author),
    heap.newUint8Array(block.stateRoot),
    heap.newUint8Array(block.transactionsRoot),
    heap.newUint8Array(block.receiptsRoot),
    writeBigInt(heap, block.number),
    writeBigInt(heap, block.gasUsed),
    writeBigInt(heap, block.gasLimit),
    writeBigInt(heap, block.timestamp),
    writeBigInt(heap, block.difficulty),
    writeBigInt(heap, block.totalDifficulty),
    block.size === null ? NULL_POINTER : writeBigInt(heap, block.size),
    block.baseFeePerGas === null ? NULL_POINTER : writeBigInt(heap, block.baseFeePerGas),
  ]);
}

function writeTransaction(heap: AscHeap, transaction: EthereumTransaction): number {
  return heap.newPointerStruct(AscTypeId.EthereumTransaction, [
    heap.newUint8Array(transaction.hash),
    writeBigInt(heap, transaction.index),
    heap.newUint8Array(transaction.from),
    transaction.to === null ? NULL_POINTER : heap.newUint8Array(transaction.to),
    writeBigInt(heap, transaction.value),
    writeBigInt(heap, transaction.gasLimit),
    writeBigInt(heap, transaction.gasPrice),
    heap.newUint8Array(transaction.input),
    writeBigInt(heap, transaction.nonce),
  ]);
}

/** Writes an `ethereum.Value`: int/uint as graph-ts BigInts, tuples and arrays as `Array<ethereum.Value>`. */
export function writeEthereumValue(heap: AscHeap, value: EthereumValue): number {
  return heap.newEnum(AscTypeId.EthereumValue, ETHEREUM_VALUE_KINDS.indexOf(value.kind), ethereumValuePayload(heap, value));
}

function ethereumValuePayload(heap: AscHeap, value: EthereumValue): bigint {
  switch (value.kind) {
    case "address":
    case "fixedBytes":
    case "bytes":
      return BigInt(heap.newUint8Array(value.value));
    case "int":
    case "uint":
      return BigInt(writeBigInt(heap, value.value));
    case "bool":
      return value.value ? 1n : 0n;
    case "string":
      return BigInt(heap.newString(value.value));
    case "fixedArray":
    case "array":
    case "tuple":
      return BigInt(heap.newPointerArray(AscTypeId.ArrayEthereumValue, value.value.map((item) => writeEthereumValue(heap, item))));
  }
}

/** Reads an `ethereum.Value` (for `ethereum.encode`). */
export function readEthereumValue(heap: AscHeap, pointer: number): EthereumValue {
  const { kind: index, payload } = heap.readEnum(pointer);
  const target = Number(BigInt.asUintN(32, payload));
  const kind = ETHEREUM_VALUE_KINDS[index];
  switch (kind) {
    case "address":
    case "fixedBytes":
    case "bytes":
      return { kind, value: heap.readUint8Array(target) };
    case "int":
    case "uint":
      return { kind, value: readBigInt(heap, target) };
    case "bool":
      return { kind, value: payload !== 0n };
    case "string":
      return { kind, value: heap.readString(target) };
    case "fixedArray":
    case "array":
    case "tuple":
      return { kind, value: heap.readPointerArray(target).map((item) => readEthereumValue(heap, item)) };
    default:
      throw new Error(`unknown ethereum value kind ${index}`);
  }
}
