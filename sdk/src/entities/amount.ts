/**
 * Amounts that carry their decimals: a raw integer in base units with the token's decimals (and symbol), formatted
 * and parsed exactly. No floating point anywhere: ethers' `formatUnits`/`parseUnits` convert between base units and
 * decimal strings, bigint arithmetic truncates for display, and `Intl.NumberFormat` groups the whole part (a bigint)
 * and gives the locale's decimal mark.
 */
import { formatUnits, parseUnits } from "ethers";

/** A token amount in base units with the decimals that give it meaning. */
export interface Amount {
  /** Base units (wei for 18 decimals, micro-dollars for a 6-decimal stablecoin). */
  readonly raw: bigint;
  /** The token's `decimals()`: shares have 18, stablecoins usually 6 or 18. */
  readonly decimals: number;
  /** The token's symbol, for display; optional. */
  readonly symbol?: string;
}

/** Thrown when text cannot be read as an amount with the given decimals; says why and quotes the text. */
export class AmountParseError extends Error {
  constructor(
    readonly text: string,
    readonly decimals: number,
    readonly reason: string,
  ) {
    super(`Cannot read "${text}" as an amount with ${decimals} decimals: ${reason}`);
    this.name = "AmountParseError";
  }
}

/** Thrown when two amounts with different decimals are combined. */
export class AmountDecimalsMismatchError extends Error {
  constructor(
    readonly left: number,
    readonly right: number,
  ) {
    super(`Amounts with ${left} and ${right} decimals cannot be combined; convert one with convertAmount first`);
    this.name = "AmountDecimalsMismatchError";
  }
}

function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77) {
    throw new RangeError(`decimals must be an integer from 0 to 77, got ${decimals}`);
  }
}

/** An amount of `raw` base units with `decimals` decimals. */
export function amount(raw: bigint, decimals: number, symbol?: string): Amount {
  checkDecimals(decimals);
  return symbol === undefined ? { raw, decimals } : { raw, decimals, symbol };
}

/**
 * Reads a decimal string (`"1234.5"`, `"1,234.50"`, `"0.000001"`) into base units, exactly.
 * Grouping commas, underscores and spaces are ignored; a leading `-` is allowed.
 * @throws AmountParseError for anything else, or more fractional digits than `decimals` (never rounds silently).
 */
export function parseAmount(text: string, decimals: number, symbol?: string): Amount {
  checkDecimals(decimals);
  const cleaned = text.trim().replace(/[,_\s]/g, "");
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(cleaned)) throw new AmountParseError(text, decimals, "not a decimal number");
  const [whole = "", rawFraction = ""] = cleaned.split(".");
  const fraction = rawFraction.replace(/0+$/, "");
  if (fraction.length > decimals) throw new AmountParseError(text, decimals, `more than ${decimals} fractional digits`);
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = `${whole.replace("-", "") || "0"}${fraction ? `.${fraction}` : ""}`;
  return amount(parseUnits(`${sign}${digits}`, decimals), decimals, symbol);
}

/** Display options for {@link formatAmount}. */
export interface FormatAmountOptions {
  /** Fractional digits shown at most; extra digits are cut (rounded toward zero, so a balance is never overstated). Default: all. */
  maxFractionDigits?: number;
  /** Fractional digits always shown (padded with zeros). Default 0. */
  minFractionDigits?: number;
  /** BCP 47 locale for grouping and the decimal mark. Default `"en-US"`. */
  locale?: string;
  /** Group thousands. Default true. */
  grouping?: boolean;
  /** Append the amount's symbol when it has one. Default false. */
  withSymbol?: boolean;
}

/** The exact decimal string of an amount, without grouping: `"1234.5"` for 1234500000 at 6 decimals. */
export function toDecimalString(value: Amount): string {
  const text = formatUnits(value.raw, value.decimals);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/**
 * Formats an amount for people: truncated toward zero to `maxFractionDigits` (a balance is never overstated), the
 * whole part grouped by the locale, the locale's decimal mark. Exact for any size: the digits are cut with bigint
 * arithmetic and `Intl.NumberFormat` only formats the whole part, as a bigint.
 */
export function formatAmount(value: Amount, options: FormatAmountOptions = {}): string {
  const locale = options.locale ?? "en-US";
  const maxDigits = Math.max(0, Math.min(options.maxFractionDigits ?? value.decimals, value.decimals));
  const minDigits = Math.min(options.minFractionDigits ?? 0, options.maxFractionDigits ?? Infinity);
  // Bigint division truncates toward zero, which is the rounding wanted for display.
  const kept = value.raw / 10n ** BigInt(value.decimals - maxDigits);
  const magnitude = kept < 0n ? -kept : kept;
  const unit = 10n ** BigInt(maxDigits);
  const fraction = maxDigits === 0 ? "" : (magnitude % unit).toString().padStart(maxDigits, "0").replace(/0+$/, "");
  const whole = new Intl.NumberFormat(locale, { useGrouping: options.grouping ?? true }).format(magnitude / unit);
  const digits = fraction.padEnd(minDigits, "0");
  const text = `${kept < 0n ? "-" : ""}${whole}${digits ? decimalMark(locale) + digits : ""}`;
  return options.withSymbol && value.symbol ? `${text} ${value.symbol}` : text;
}

/** The locale's decimal mark ("." in en-US, "," in de-DE). */
function decimalMark(locale: string): string {
  return new Intl.NumberFormat(locale).formatToParts(0.5).find((part) => part.type === "decimal")?.value ?? ".";
}

/**
 * The same amount in another number of decimals; going to fewer decimals rounds toward zero (down for positive
 * amounts), as the contracts' OracleLib.scale does.
 */
export function convertAmount(value: Amount, decimals: number): Amount {
  checkDecimals(decimals);
  const raw =
    decimals >= value.decimals
      ? value.raw * 10n ** BigInt(decimals - value.decimals)
      : value.raw / 10n ** BigInt(value.decimals - decimals);
  return amount(raw, decimals, value.symbol);
}

function sameDecimals(a: Amount, b: Amount): void {
  if (a.decimals !== b.decimals) throw new AmountDecimalsMismatchError(a.decimals, b.decimals);
}

/** a + b; both must have the same decimals. */
export function addAmounts(a: Amount, b: Amount): Amount {
  sameDecimals(a, b);
  return amount(a.raw + b.raw, a.decimals, a.symbol ?? b.symbol);
}

/** a − b; both must have the same decimals. */
export function subtractAmounts(a: Amount, b: Amount): Amount {
  sameDecimals(a, b);
  return amount(a.raw - b.raw, a.decimals, a.symbol ?? b.symbol);
}
