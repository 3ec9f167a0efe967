/**
 * `typeConversion.*`: the conversions graph-ts delegates to the host, with graph-node's formats: hex is
 * lowercase and `0x`-prefixed (a BigInt's without leading zeros and without its sign, 0 as `0x0`), bytes decode
 * as lossy UTF-8 with trailing NULs trimmed, base58 uses the Bitcoin alphabet.
 */
import { encodeBase58 } from "ethers";
import type { HostEnv, HostFunctions } from "../hostContext";
import { readBigInt } from "../numbers";

const H160_HEX = /^[0-9a-fA-F]{40}$/;

/** graph-node's `string_to_h160`: optional `0x` prefixes, then exactly 40 hex digits. */
function stringToH160(text: string): Uint8Array {
  const hex = text.replace(/^(0x)+/, "");
  if (!H160_HEX.test(hex)) throw new Error(`Failed to convert string to Address/H160: '${hex}'`);
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** graph-node's `big_int_to_hex`: the magnitude in minimal hex digits. */
function bigIntToHex(value: bigint): string {
  return "0x" + (value < 0n ? -value : value).toString(16);
}

/** graph-node's `bytes_to_string`: lossy UTF-8 (a BOM kept as a character), trailing NUL padding trimmed. */
function bytesToString(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).replace(/\u0000+$/, "");
}

/** The `typeConversion.*` imports. */
export function typeConversionHostFunctions({ heap }: HostEnv): HostFunctions {
  return {
    "typeConversion.bytesToString": (ptr: number): number => heap.newString(bytesToString(heap.readUint8Array(ptr))),
    "typeConversion.bytesToHex": (ptr: number): number =>
      heap.newString("0x" + Buffer.from(heap.readUint8Array(ptr)).toString("hex")),
    "typeConversion.bigIntToString": (ptr: number): number => heap.newString(readBigInt(heap, ptr).toString()),
    "typeConversion.bigIntToHex": (ptr: number): number => heap.newString(bigIntToHex(readBigInt(heap, ptr))),
    "typeConversion.stringToH160": (ptr: number): number => heap.newUint8Array(stringToH160(heap.readString(ptr))),
    "typeConversion.bytesToBase58": (ptr: number): number => heap.newString(encodeBase58(heap.readUint8Array(ptr))),
  };
}
