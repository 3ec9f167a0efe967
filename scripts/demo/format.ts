/** How the demo writes amounts and rates: from bigints, through the SDK's amount formatting (no floating point for money). */
import { amount, formatAmount } from "../../sdk/src/entities/amount";
import { STABLE_DECIMALS } from "./scenario";

/** Whole dollars, grouped: "$1,234,567". Truncated toward zero, so nothing is overstated. */
export function usd(units: bigint): string {
  const sign = units < 0n ? "-" : "";
  return `${sign}$${formatAmount(amount(units < 0n ? -units : units, STABLE_DECIMALS), { maxFractionDigits: 0 })}`;
}

/** Dollars and cents: "$9.4321" with `digits` fraction digits (for per-share figures). */
export function usdPrecise(units: bigint, digits = 4): string {
  return `$${formatAmount(amount(units, STABLE_DECIMALS), { maxFractionDigits: digits, minFractionDigits: digits })}`;
}

/** Whole shares from 18-decimal units. */
export function shares(units: bigint): string {
  return formatAmount(amount(units, 18), { maxFractionDigits: 0 });
}

/** A rate as a percentage with one decimal ("12.3 %"), or "n/a". Rates are ratios, so a number is fine here. */
export function percent(rate: number | string | null): string {
  if (rate === null) return "n/a";
  const value = typeof rate === "string" ? Number(rate) : rate;
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : "n/a";
}

/** A plain text table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** A one-line progress bar in plain ANSI (carriage return, no newline until done). */
export function progressBar(done: number, total: number, label: string, width = 30): string {
  const filled = Math.round((done / total) * width);
  return `\r[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} ${label}`;
}

/** JSON.stringify's replacer for bigints: raw units as decimal strings. */
export function bigintsAsStrings(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
