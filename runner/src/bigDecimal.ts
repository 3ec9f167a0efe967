/**
 * graph-node's BigDecimal: an arbitrary-precision decimal `digits * 10^exp`, normalised after every operation to
 * at most 34 significant digits (rounded half to even) with trailing zeros stripped, so two equal numbers always
 * have the same representation and the same printed form.
 */
export class BigDecimal {
  static readonly MAX_SIGNIFICANT_DIGITS = 34;
  /** Extra digits kept by a division before normalising, like the Rust crate's default division precision. */
  private static readonly DIVISION_DIGITS = 100;

  readonly digits: bigint;
  readonly exp: number;

  constructor(digits: bigint, exp: number) {
    [this.digits, this.exp] = BigDecimal.normalise(digits, exp);
  }

  static fromBigInt(value: bigint): BigDecimal {
    return new BigDecimal(value, 0);
  }

  /** Parses plain (`-12.5`) and scientific (`1.25e-3`) notation; anything else throws. */
  static fromString(text: string): BigDecimal {
    const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!match || (match[2] === "" && (match[3] ?? "") === "")) throw new Error(`invalid BigDecimal: ${text}`);
    const [, sign, whole, fraction = "", exponent = "0"] = match;
    const digits = BigInt((sign === "-" ? "-" : "") + (whole + fraction || "0"));
    return new BigDecimal(digits, Number(exponent) - fraction.length);
  }

  plus(other: BigDecimal): BigDecimal {
    const exp = Math.min(this.exp, other.exp);
    return new BigDecimal(this.scaledTo(exp) + other.scaledTo(exp), exp);
  }

  minus(other: BigDecimal): BigDecimal {
    return this.plus(other.neg());
  }

  times(other: BigDecimal): BigDecimal {
    return new BigDecimal(this.digits * other.digits, this.exp + other.exp);
  }

  /** Division to DIVISION_DIGITS significant digits, then normalised; division by zero throws. */
  dividedBy(other: BigDecimal): BigDecimal {
    if (other.digits === 0n) throw new Error("BigDecimal division by zero");
    const shift = BigDecimal.DIVISION_DIGITS + digitCount(other.digits);
    return new BigDecimal((this.digits * 10n ** BigInt(shift)) / other.digits, this.exp - other.exp - shift);
  }

  neg(): BigDecimal {
    return new BigDecimal(-this.digits, this.exp);
  }

  compare(other: BigDecimal): number {
    const exp = Math.min(this.exp, other.exp);
    const a = this.scaledTo(exp);
    const b = other.scaledTo(exp);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: BigDecimal): boolean {
    return this.compare(other) === 0;
  }

  /** Plain decimal notation without exponent (`0.000123`, `1500`, `-2.5`). */
  toString(): string {
    const negative = this.digits < 0n;
    const abs = (negative ? -this.digits : this.digits).toString();
    let text: string;
    if (this.exp >= 0) text = abs + "0".repeat(this.exp);
    else {
      const padded = abs.padStart(-this.exp + 1, "0");
      text = `${padded.slice(0, this.exp)}.${padded.slice(this.exp)}`;
    }
    return (negative ? "-" : "") + text;
  }

  private scaledTo(exp: number): bigint {
    return this.digits * 10n ** BigInt(this.exp - exp);
  }

  private static normalise(digits: bigint, exp: number): [bigint, number] {
    if (digits === 0n) return [0n, 0];
    const excess = digitCount(digits) - BigDecimal.MAX_SIGNIFICANT_DIGITS;
    if (excess > 0) {
      digits = roundHalfEven(digits, 10n ** BigInt(excess));
      exp += excess;
    }
    while (digits % 10n === 0n) {
      digits /= 10n;
      exp += 1;
    }
    return [digits, exp];
  }
}

function digitCount(value: bigint): number {
  return (value < 0n ? -value : value).toString().length;
}

/** `value / divisor` rounded half to even (divisor > 0). */
function roundHalfEven(value: bigint, divisor: bigint): bigint {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  let quotient = abs / divisor;
  const twice = (abs % divisor) * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}
