/** What the CLI prints: aligned tables for people, JSON (bigints as decimal strings) for scripts and agents. */
import { formatAmount, type Amount } from "../entities/amount";

/** A table row: column name to the text shown. */
export type Row = Record<string, string>;

/** Renders rows as a table with a header, columns padded to their widest cell. */
export function table(rows: Row[]): string {
  if (rows.length === 0) return "(none)";
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c] ?? "")))].join("\n");
}

/** Renders one record as `key  value` lines. */
export function details(record: Row): string {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  return Object.entries(record).map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

/** JSON for `--json`: bigints become decimal strings (JSON has no integers beyond 2^53). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** An amount for a table: the SDK's formatting, with its symbol when it has one. */
export function shown(value: Amount | null | undefined): string {
  if (!value) return "-";
  return formatAmount(value, { maxFractionDigits: 6, withSymbol: true });
}
