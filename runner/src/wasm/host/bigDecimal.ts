/**
 * `bigDecimal.*`: decimal arithmetic with graph-node's BigDecimal semantics (../../bigDecimal.ts: 34 significant
 * digits, half-even rounding). Division by zero and unparsable strings fail the handler.
 */
import { BigDecimal } from "../../bigDecimal";
import type { HostEnv, HostFunctions } from "../hostContext";
import { readBigDecimal, writeBigDecimal } from "../numbers";

/** `x / y`, failing with graph-node's message when y is zero. */
export function divideDecimals(x: BigDecimal, y: BigDecimal): BigDecimal {
  if (y.digits === 0n) throw new Error(`attempted to divide BigDecimal \`${x}\` by zero`);
  return x.dividedBy(y);
}

/** The `bigDecimal.*` imports. */
export function bigDecimalHostFunctions({ heap }: HostEnv): HostFunctions {
  const binary = (operation: (x: BigDecimal, y: BigDecimal) => BigDecimal) => (xPtr: number, yPtr: number): number =>
    writeBigDecimal(heap, operation(readBigDecimal(heap, xPtr), readBigDecimal(heap, yPtr)));

  return {
    "bigDecimal.plus": binary((x, y) => x.plus(y)),
    "bigDecimal.minus": binary((x, y) => x.minus(y)),
    "bigDecimal.times": binary((x, y) => x.times(y)),
    "bigDecimal.dividedBy": binary(divideDecimals),
    "bigDecimal.equals": (xPtr: number, yPtr: number): boolean =>
      readBigDecimal(heap, xPtr).equals(readBigDecimal(heap, yPtr)),
    "bigDecimal.toString": (ptr: number): number => heap.newString(readBigDecimal(heap, ptr).toString()),
    "bigDecimal.fromString": (textPtr: number): number => {
      const text = heap.readString(textPtr);
      let value: BigDecimal;
      try {
        value = BigDecimal.fromString(text);
      } catch {
        throw new Error(`string is not a BigDecimal: '${text}'`);
      }
      return writeBigDecimal(heap, value);
    },
  };
}
