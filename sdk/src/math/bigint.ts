/**
 * The few integer helpers the contracts take from OpenZeppelin's Math, for non-negative bigints. Solidity's
 * `Math.mulDiv(a, b, c)` is `a * b / c` without the intermediate overflow, which bigint never has.
 */

/** `Math.ceilDiv`: a / b rounded up (b > 0). */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

/** `Math.mulDiv(a, b, c, Rounding.Ceil)`: a * b / c rounded up. */
export function mulDivUp(a: bigint, b: bigint, c: bigint): bigint {
  return ceilDiv(a * b, c);
}

/** `Math.min` for bigints. */
export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** `Math.max` for bigints. */
export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Solidity's `uintN(x)`: the low `bits` bits of a word. */
export function bitsOf(word: bigint, shift: number, bits: number): bigint {
  return (word >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n);
}

/** Solidity's `int256(intN(uintN(x)))`: the low `bits` bits of a word read as two's complement. */
export function signedBitsOf(word: bigint, shift: number, bits: number): bigint {
  return BigInt.asIntN(bits, bitsOf(word, shift, bits));
}
