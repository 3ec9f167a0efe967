/**
 * graph-ts `BigInt` and `BigDecimal` in WASM memory. A BigInt is a `Uint8Array` holding the number in
 * little-endian two's complement with the fewest bytes that keep the sign (num-bigint's `to_signed_bytes_le`:
 * 0 is [0x00], 255 is [0xff, 0x00], -1 is [0xff]). A BigDecimal is `{ digits: BigInt, exp: BigInt }` meaning
 * digits * 10^exp, normalised by graph-node's rules (see ../bigDecimal.ts).
 */
import { BigDecimal } from "../bigDecimal";
import type { AscHeap } from "./memory";
import { AscTypeId } from "./typeIds";

/** graph-node's bounds on a BigDecimal's exponent after normalisation. */
const MIN_DECIMAL_EXP = -6143;
const MAX_DECIMAL_EXP = 6144;

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** num-bigint's `to_signed_bytes_le`. */
export function toSignedBytesLE(value: bigint): Uint8Array {
  // The fewest bytes whose sign bit can hold the value: one more bit than the magnitude of v (v >= 0) or ~v (v < 0).
  const magnitude = value < 0n ? -value - 1n : value;
  const magnitudeHex = magnitude.toString(16);
  const bits = magnitude === 0n ? 0 : 4 * (magnitudeHex.length - 1) + parseInt(magnitudeHex[0], 16).toString(2).length;
  const byteCount = Math.floor(bits / 8) + 1;
  const bigEndianHex = BigInt.asUintN(8 * byteCount, value).toString(16).padStart(2 * byteCount, "0");
  return Buffer.from(bigEndianHex, "hex").reverse();
}

/** num-bigint's `from_signed_bytes_le` (an empty array is 0). */
export function fromSignedBytesLE(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let bigEndianHex = "0x";
  for (let i = bytes.length - 1; i >= 0; i--) bigEndianHex += HEX_BYTES[bytes[i]];
  return BigInt.asIntN(8 * bytes.length, BigInt(bigEndianHex));
}

/** Writes a graph-ts `BigInt`. */
export function writeBigInt(heap: AscHeap, value: bigint): number {
  return heap.newUint8Array(toSignedBytesLE(value));
}

/** Reads a graph-ts `BigInt`. */
export function readBigInt(heap: AscHeap, pointer: number): bigint {
  return fromSignedBytesLE(heap.readUint8Array(pointer));
}

/** Writes a graph-ts `BigDecimal` (exponent first, like graph-node). */
export function writeBigDecimal(heap: AscHeap, value: BigDecimal): number {
  const exp = writeBigInt(heap, BigInt(value.exp));
  const digits = writeBigInt(heap, value.digits);
  return heap.newPointerStruct(AscTypeId.BigDecimal, [digits, exp]);
}

/** Reads a graph-ts `BigDecimal`, normalising it and refusing exponents graph-node refuses. */
export function readBigDecimal(heap: AscHeap, pointer: number): BigDecimal {
  const digits = readBigInt(heap, heap.readPointerField(pointer, 0));
  // graph-node reads the exponent as an i64.
  const exp = BigInt.asIntN(64, readBigInt(heap, heap.readPointerField(pointer, 1)));
  const value = new BigDecimal(digits, Number(exp));
  if (value.exp < MIN_DECIMAL_EXP || value.exp > MAX_DECIMAL_EXP) {
    throw new Error(`big decimal exponent \`${value.exp}\` is outside the \`${MIN_DECIMAL_EXP}\` to \`${MAX_DECIMAL_EXP}\` range`);
  }
  return value;
}
