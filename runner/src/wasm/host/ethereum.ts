/**
 * `ethereum.*`. ABI encoding and decoding go through ethers' AbiCoder and, like graph-node's, answer `null` when
 * they fail. The runner has no chain connection: `ethereum.call` answers `null` (graph-ts reports it as a reverted
 * call: `try_` bindings see `reverted`, plain bindings abort); see unavailable.ts for the balance/code queries.
 */
import { AbiCoder, getBytes, hexlify, ParamType } from "ethers";
import type { EthereumValue } from "../ethereum";
import { readEthereumValue, writeEthereumValue } from "../ethereum";
import { LogLevel, type HostEnv, type HostFunctions } from "../hostContext";

const NULL_POINTER = 0;

/** The Solidity type ethabi would encode `value` as (every int as 256 bits: the encoding is the same). */
function abiTypeOf(value: EthereumValue): string {
  switch (value.kind) {
    case "address":
    case "bool":
    case "string":
    case "bytes":
      return value.kind;
    case "fixedBytes":
      return `bytes${value.value.length}`;
    case "int":
      return "int256";
    case "uint":
      return "uint256";
    case "tuple":
      return `(${value.value.map(abiTypeOf).join(",")})`;
    case "array":
    case "fixedArray": {
      // An empty array encodes the same whatever its element type.
      const element = value.value.length > 0 ? abiTypeOf(value.value[0]) : "uint256";
      return value.kind === "array" ? `${element}[]` : `${element}[${value.value.length}]`;
    }
  }
}

function abiValueOf(value: EthereumValue): unknown {
  switch (value.kind) {
    case "address":
      return hexlify(value.value);
    case "tuple":
    case "array":
    case "fixedArray":
      return value.value.map(abiValueOf);
    default:
      return value.value;
  }
}

/** Converts a value ethers decoded as `type` back into an EthereumValue. */
function fromAbiValue(type: ParamType, value: unknown): EthereumValue {
  const base = type.baseType;
  if (base === "tuple") {
    const fields = value as unknown[];
    return { kind: "tuple", value: type.components!.map((component, i) => fromAbiValue(component, fields[i])) };
  }
  if (base === "array") {
    const items = [...(value as unknown[])].map((item) => fromAbiValue(type.arrayChildren!, item));
    return { kind: type.arrayLength === -1 ? "array" : "fixedArray", value: items };
  }
  if (base === "address") return { kind: "address", value: getBytes(value as string) };
  if (base === "bool") return { kind: "bool", value: value as boolean };
  if (base === "string") return { kind: "string", value: value as string };
  if (base === "bytes") return { kind: "bytes", value: getBytes(value as string) };
  if (/^bytes\d+$/.test(base)) return { kind: "fixedBytes", value: getBytes(value as string) };
  if (base.startsWith("uint")) return { kind: "uint", value: value as bigint };
  if (base.startsWith("int")) return { kind: "int", value: value as bigint };
  throw new Error(`unsupported ABI type ${type.type}`);
}

/** ethabi's `encode(&[token])`; null when the value cannot be encoded. */
function encode(value: EthereumValue): Uint8Array | null {
  try {
    return getBytes(AbiCoder.defaultAbiCoder().encode([abiTypeOf(value)], [abiValueOf(value)]));
  } catch {
    return null;
  }
}

/** ethabi's `decode(&[Reader::read(types)], data)`; null when the type or the data is invalid. */
function decode(types: string, data: Uint8Array): EthereumValue | null {
  try {
    const type = ParamType.from(types);
    return fromAbiValue(type, AbiCoder.defaultAbiCoder().decode([type], data)[0]);
  } catch {
    return null;
  }
}

/** The `ethereum.*` imports. */
export function ethereumHostFunctions({ heap, ctx }: HostEnv): HostFunctions {
  return {
    "ethereum.call": (): number => {
      ctx.log(LogLevel.Warning, "ethereum.call is not supported by the local runner: answering as if the call reverted");
      return NULL_POINTER;
    },
    "ethereum.encode": (valuePtr: number): number => {
      const encoded = encode(readEthereumValue(heap, valuePtr));
      return encoded === null ? NULL_POINTER : heap.newUint8Array(encoded);
    },
    "ethereum.decode": (typesPtr: number, dataPtr: number): number => {
      const decoded = decode(heap.readString(typesPtr), heap.readUint8Array(dataPtr));
      return decoded === null ? NULL_POINTER : writeEthereumValue(heap, decoded);
    },
  };
}
