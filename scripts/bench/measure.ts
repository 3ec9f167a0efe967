import fs from "node:fs";
import path from "node:path";
import type { BaseContract, TransactionResponse } from "ethers";

/** One benchmark row, as written to bench/gas.json. */
export interface BenchRow {
  action: string;
  /** Receipt gasUsed of the measured transaction. */
  gas: number;
  /** Name of what the action is measured against. */
  baseline: string;
  /** Receipt gasUsed of the baseline, measured in the same run. */
  baselineGas: number;
  /** gas / baselineGas, rounded to three decimals. */
  ratio: number;
  /** Highest acceptable ratio, or null when the row is reported without a goal. */
  goal: number | null;
}

/**
 * Waits for a transaction to be mined and returns its receipt's gasUsed.
 * @param sent The transaction, or the promise returned when sending it.
 * @throws If the transaction reverted.
 */
export async function gasUsed(sent: TransactionResponse | Promise<TransactionResponse>): Promise<number> {
  const tx = await sent;
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
  return Number(receipt.gasUsed);
}

/**
 * Returns the gasUsed of the transaction that deployed `contract`.
 * @throws If the contract was attached to an address rather than deployed.
 */
export async function deploymentGas(contract: BaseContract): Promise<number> {
  const tx = contract.deploymentTransaction();
  if (tx === null) throw new Error("contract was not deployed by this script");
  return gasUsed(tx);
}

/**
 * Builds a row comparing an action's gas with its baseline's.
 * @param goal Highest acceptable ratio, or null to report the ratio without judging it.
 */
export function compare(action: string, gas: number, baseline: string, baselineGas: number, goal: number | null): BenchRow {
  return { action, gas, baseline, baselineGas, ratio: Math.round((gas / baselineGas) * 1000) / 1000, goal };
}

/** Whether a row meets its goal; a row without a goal always does. */
export function meetsGoal(row: BenchRow): boolean {
  return row.goal === null || row.ratio <= row.goal;
}

/** Renders rows as a fixed-width text table with a verdict column (pass, FAIL, or report for rows without a goal). */
export function formatTable(rows: BenchRow[]): string {
  const header = ["action", "gas", "baseline", "baselineGas", "ratio", "goal", "result"];
  const body = rows.map((row) => [
    row.action,
    row.gas.toLocaleString("en-US"),
    row.baseline,
    row.baselineGas.toLocaleString("en-US"),
    row.ratio.toFixed(3),
    row.goal === null ? "-" : `<= ${row.goal}`,
    row.goal === null ? "report" : meetsGoal(row) ? "pass" : "FAIL",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column].length)));
  const numeric = new Set([1, 3, 4]);
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...body.map(line)].join("\n");
}

/** Writes rows as pretty-printed JSON to `file`, creating its directory if it is missing. */
export function writeReport(rows: BenchRow[], file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
}
