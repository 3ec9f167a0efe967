/**
 * `bigInt.*`: arbitrary-precision integer arithmetic on graph-ts BigInts, with num-bigint's semantics, which JS
 * bigint shares: division truncates toward zero, the remainder takes the dividend's sign, `>>` rounds toward
 * negative infinity, `|` and `&` act on two's complement. Division or remainder by zero fails the handler.
 */
import { BigDecimal } from "../../bigDecimal";
import type { HostEnv, HostFunctions } from "../hostContext";
import { readBigDecimal, readBigInt, writeBigDecimal, writeBigInt } from "../numbers";
import { divideDecimals } from "./bigDecimal";

const DECIMAL_INTEGER = /^[+-]?\d+$/;

/** num-bigint's `BigInt::from_str` (an optional sign and decimal digits); anything else throws. */
export function parseBigInt(text: string, what: (text: string) => string): bigint {
  if (!DECIMAL_INTEGER.test(text)) throw new Error(what(text));
  return BigInt(text);
}

/** The `bigInt.*` imports. */
export function bigIntHostFunctions({ heap }: HostEnv): HostFunctions {
  const binary = (operation: (x: bigint, y: bigint) => bigint) => (xPtr: number, yPtr: number): number =>
    writeBigInt(heap, operation(readBigInt(heap, xPtr), readBigInt(heap, yPtr)));
  // The exponent and shift amounts are u8 in graph-ts; graph-node refuses anything larger.
  const withSmallOperand = (operation: (x: bigint, n: bigint) => bigint) => (xPtr: number, n: number): number => {
    if (n < 0 || n > 255) throw new Error(`out of range integral type conversion attempted: ${n} is not a u8`);
    return writeBigInt(heap, operation(readBigInt(heap, xPtr), BigInt(n)));
  };

  return {
    "bigInt.plus": binary((x, y) => x + y),
    "bigInt.minus": binary((x, y) => x - y),
    "bigInt.times": binary((x, y) => x * y),
    "bigInt.dividedBy": binary((x, y) => {
      if (y === 0n) throw new Error(`attempted to divide BigInt \`${x}\` by zero`);
      return x / y;
    }),
    "bigInt.mod": binary((x, y) => {
      if (y === 0n) throw new Error(`attempted to calculate the remainder of \`${x}\` with a divisor of zero`);
      return x % y;
    }),
    "bigInt.bitOr": binary((x, y) => x | y),
    "bigInt.bitAnd": binary((x, y) => x & y),
    "bigInt.pow": withSmallOperand((x, exponent) => x ** exponent),
    "bigInt.leftShift": withSmallOperand((x, bits) => x << bits),
    "bigInt.rightShift": withSmallOperand((x, bits) => x >> bits),
    "bigInt.fromString": (textPtr: number): number =>
      writeBigInt(heap, parseBigInt(heap.readString(textPtr), (text) => `string is not a BigInt: \`${text}\``)),
    "bigInt.dividedByDecimal": (xPtr: number, yPtr: number): number =>
      writeBigDecimal(heap, divideDecimals(BigDecimal.fromBigInt(readBigInt(heap, xPtr)), readBigDecimal(heap, yPtr))),
  };
}
