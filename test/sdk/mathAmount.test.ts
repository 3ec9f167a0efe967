/**
 * Amounts that carry their decimals (sdk/src/entities/amount.ts): exact round trips between base units and decimal
 * text for any value and any decimals, display that truncates (never overstating a balance), parsing that refuses
 * rather than rounds, and conversions between decimals that round toward zero as the contracts' OracleLib.scale.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  AmountDecimalsMismatchError,
  AmountParseError,
  addAmounts,
  amount,
  convertAmount,
  formatAmount,
  parseAmount,
  subtractAmounts,
  toDecimalString,
} from "../../sdk/src/entities/amount";
import { scaleFeedAnswer } from "../../sdk/src/math";

const raw = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });
const decimals = fc.integer({ min: 0, max: 36 });

describe("amounts with decimals", () => {
  it("round-trips any amount through its decimal string and through grouped display with every digit", () => {
    fc.assert(
      fc.property(raw, decimals, (value, places) => {
        const a = amount(value, places);
        expect(parseAmount(toDecimalString(a), places).raw).toBe(value);
        expect(parseAmount(formatAmount(a), places).raw).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it("truncates toward zero for display, groups thousands, follows the locale", () => {
    const usdc = amount(1_234_567_891_999n, 6, "USDC");
    expect(formatAmount(usdc, { maxFractionDigits: 2 })).toBe("1,234,567.89");
    expect(formatAmount(usdc, { maxFractionDigits: 2, withSymbol: true })).toBe("1,234,567.89 USDC");
    expect(formatAmount(usdc, { maxFractionDigits: 0, grouping: false })).toBe("1234567");
    expect(formatAmount(usdc, { maxFractionDigits: 2, locale: "de-DE" })).toBe("1.234.567,89");
    expect(formatAmount(amount(-1_999_999n, 6), { maxFractionDigits: 2 })).toBe("-1.99");
    expect(formatAmount(amount(-1n, 6), { maxFractionDigits: 2 })).toBe("0");
    expect(formatAmount(amount(5n * 10n ** 17n, 18), { minFractionDigits: 2 })).toBe("0.50");
    // Beyond what a double holds: every digit is kept.
    expect(formatAmount(amount(123456789012345678901234567890n, 18))).toBe("123,456,789,012.34567890123456789");
  });

  it("parses grouped and signed text, and refuses (names) what it cannot take exactly", () => {
    expect(parseAmount("1,234.50", 6).raw).toBe(1_234_500_000n);
    expect(parseAmount(" -0.000001 ", 6).raw).toBe(-1n);
    expect(parseAmount(".5", 2).raw).toBe(50n);
    expect(parseAmount("7.000", 0).raw).toBe(7n);
    expect(parseAmount("1_000", 18, "csH100").symbol).toBe("csH100");
    for (const [text, reason] of [
      ["1.0000001", "more than 6 fractional digits"],
      ["1e6", "not a decimal number"],
      ["", "not a decimal number"],
      ["1.2.3", "not a decimal number"],
    ] as const) {
      const error = (() => {
        try {
          parseAmount(text, 6);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AmountParseError);
      expect(error).toMatchObject({ text, decimals: 6, reason });
    }
    expect(() => amount(1n, 78)).toThrow(RangeError);
  });

  it("converts between decimals as OracleLib.scale does, and refuses to mix decimals", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 40n }), decimals, decimals, (value, from, to) => {
        expect(convertAmount(amount(value, from), to).raw).toBe(scaleFeedAnswer(value, from, to));
      }),
    );
    expect(convertAmount(amount(-1_999_999_999_999n, 18), 6).raw).toBe(-1n);
    expect(addAmounts(amount(1n, 6, "USDC"), amount(2n, 6)).raw).toBe(3n);
    expect(subtractAmounts(amount(1n, 6), amount(2n, 6)).raw).toBe(-1n);
    expect(() => addAmounts(amount(1n, 6), amount(1n, 18))).toThrow(AmountDecimalsMismatchError);
  });
});
