/**
 * `json.*`: JSON parsing into graph-ts `JSONValue`s (`{ kind, data }`; numbers arrive as their source text, objects
 * as `TypedMap<string, JSONValue>`) and graph-node's strict decimal conversions.
 */
import { LogLevel, type HostEnv, type HostFunctions } from "../hostContext";
import { parseJson, type JsonNode } from "../jsonText";
import type { AscHeap, TypedMapTypeIds } from "../memory";
import { writeBigInt } from "../numbers";
import { AscTypeId } from "../typeIds";
import { parseBigInt } from "./bigInt";

/** graph-node refuses JSON documents above 10 MB. */
const MAX_JSON_SIZE = 10_000_000;
/** graph-ts `JSONValueKind`, in its numeric order. */
const JSON_KINDS = ["null", "bool", "number", "string", "array", "object"] as const;
const OBJECT_TYPE_IDS: TypedMapTypeIds = {
  map: AscTypeId.TypedMapStringJsonValue,
  entry: AscTypeId.TypedMapEntryStringJsonValue,
  entries: AscTypeId.ArrayTypedMapEntryStringJsonValue,
};
const MAX_U64 = (1n << 64n) - 1n;
/** The decimal forms Rust's `f64::from_str` accepts. */
const RUST_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** Writes a parsed JSON document as a graph-ts `JSONValue`. */
export function writeJsonValue(heap: AscHeap, node: JsonNode): number {
  return heap.newEnum(AscTypeId.JsonValue, JSON_KINDS.indexOf(node.kind), jsonPayload(heap, node));
}

function jsonPayload(heap: AscHeap, node: JsonNode): bigint {
  switch (node.kind) {
    case "null":
      return 0n;
    case "bool":
      return node.value ? 1n : 0n;
    case "number":
      return BigInt(heap.newString(node.text));
    case "string":
      return BigInt(heap.newString(node.value));
    case "array":
      return BigInt(heap.newPointerArray(AscTypeId.ArrayJsonValue, node.items.map((item) => writeJsonValue(heap, item))));
    case "object":
      return BigInt(heap.newTypedMap(OBJECT_TYPE_IDS, node.entries.map(([key, value]) => [key, writeJsonValue(heap, value)])));
  }
}

/** Parses UTF-8 JSON bytes as graph-node does (size limit, strict UTF-8, strict syntax). */
function parseJsonBytes(bytes: Uint8Array): JsonNode {
  if (bytes.length > MAX_JSON_SIZE) throw new Error(`JSON size exceeds max size of ${MAX_JSON_SIZE}`);
  return parseJson(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
}

function parseI64(text: string): bigint {
  const value = /^[+-]?\d+$/.test(text) ? BigInt(text) : null;
  if (value === null || BigInt.asIntN(64, value) !== value) throw new Error(`JSON \`${text}\` cannot be parsed as i64`);
  return value;
}

function parseU64(text: string): bigint {
  const value = /^\+?\d+$/.test(text) ? BigInt(text) : null;
  if (value === null || value > MAX_U64) throw new Error(`JSON \`${text}\` cannot be parsed as u64`);
  return value;
}

function parseF64(text: string): number {
  if (!RUST_FLOAT.test(text)) throw new Error(`JSON \`${text}\` cannot be parsed as f64`);
  const lower = text.toLowerCase().replace(/^\+/, "");
  if (lower.endsWith("nan")) return NaN;
  if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}

/** The `json.*` imports. */
export function jsonHostFunctions({ heap, ctx }: HostEnv): HostFunctions {
  return {
    "json.fromBytes": (bytesPtr: number): number => {
      let node: JsonNode;
      try {
        node = parseJsonBytes(heap.readUint8Array(bytesPtr));
      } catch (error) {
        throw new Error(`Failed to parse JSON from byte array: ${(error as Error).message}`);
      }
      return writeJsonValue(heap, node);
    },
    "json.try_fromBytes": (bytesPtr: number): number => {
      let node: JsonNode;
      try {
        node = parseJsonBytes(heap.readUint8Array(bytesPtr));
      } catch (error) {
        ctx.log(LogLevel.Warning, `Failed to parse JSON from byte array: ${(error as Error).message}`);
        return heap.newPointerStruct(AscTypeId.ResultJsonValueBool, [0, heap.newWrappedBool(true)]);
      }
      const wrapped = heap.newPointerStruct(AscTypeId.WrappedJsonValue, [writeJsonValue(heap, node)]);
      return heap.newPointerStruct(AscTypeId.ResultJsonValueBool, [wrapped, 0]);
    },
    // i64/u64 results travel to WASM as bigints; a u64 above 2^63 wraps to the same bits.
    "json.toI64": (textPtr: number): bigint => parseI64(heap.readString(textPtr)),
    "json.toU64": (textPtr: number): bigint => BigInt.asIntN(64, parseU64(heap.readString(textPtr))),
    "json.toF64": (textPtr: number): number => parseF64(heap.readString(textPtr)),
    "json.toBigInt": (textPtr: number): number =>
      writeBigInt(heap, parseBigInt(heap.readString(textPtr), (text) => `JSON \`${text}\` is not a decimal string`)),
  };
}
