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
/** The value of each lower-case hex digit by its character code. */
const HEX_DIGITS = new Uint8Array(128);
for (let digit = 0; digit < 16; digit++) HEX_DIGITS["0123456789abcdef".charCodeAt(digit)] = digit;
/** Longest byte string read as a JS number: 6 bytes are 48 bits, exact in a double. */
const MAX_NUMBER_BYTES = 6;

/**
 * num-bigint's `to_signed_bytes_le`. A negative v is ~m for m = -v - 1 >= 0, and two's complement bytes of ~m are
 * those of m with every bit flipped; m's fewest bytes that keep a clear sign bit are its hex digits in pairs, plus
 * a zero byte when the top pair's high bit is set. One hex conversion, no intermediate bigints.
 */
export function toSignedBytesLE(value: bigint): Uint8Array {
  const negative = value < 0n;
  const hex = (negative ? ~value : value).toString(16);
  const digits = hex.length;
  const pairs = (digits + 1) >> 1;
  const topPair = digits % 2 === 1 ? HEX_DIGITS[hex.charCodeAt(0)] : (HEX_DIGITS[hex.charCodeAt(0)] << 4) | HEX_DIGITS[hex.charCodeAt(1)];
  const bytes = new Uint8Array(pairs + (topPair >= 0x80 ? 1 : 0));
  const flip = negative ? 0xff : 0;
  for (let i = 0, end = digits; i < pairs; i++, end -= 2) {
    const high = end >= 2 ? HEX_DIGITS[hex.charCodeAt(end - 2)] : 0;
    bytes[i] = ((high << 4) | HEX_DIGITS[hex.charCodeAt(end - 1)]) ^ flip;
  }
  if (bytes.length > pairs) bytes[pairs] = flip;
  return bytes;
}

/** num-bigint's `from_signed_bytes_le` (an empty array is 0); short ones (most amounts) through a JS number. */
export function fromSignedBytesLE(bytes: Uint8Array): bigint {
  const length = bytes.length;
  if (length === 0) return 0n;
  if (length <= MAX_NUMBER_BYTES) {
    let unsigned = 0;
    for (let i = length - 1; i >= 0; i--) unsigned = unsigned * 256 + bytes[i];
    return BigInt(bytes[length - 1] >= 0x80 ? unsigned - 2 ** (8 * length) : unsigned);
  }
  let bigEndianHex = "0x";
  for (let i = length - 1; i >= 0; i--) bigEndianHex += HEX_BYTES[bytes[i]];
  return BigInt.asIntN(8 * length, BigInt(bigEndianHex));
}

/** Writes a graph-ts `BigInt`. */
export function writeBigInt(heap: AscHeap, value: bigint): number {
  return heap.newUint8Array(toSignedBytesLE(value));
}

/** Reads a graph-ts `BigInt`. */
export function readBigInt(heap: AscHeap, pointer: number): bigint {
  return fromSignedBytesLE(heap.viewUint8Array(pointer));
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
