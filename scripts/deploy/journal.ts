/**
 * Facts Ignition records in a deployment's journal (`<deploymentDir>/journal.jsonl`, one JSON message per line) but
 * does not return from `deploy`: the receipt of the transaction a future sent, whichever run sent it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The part of a receipt Ignition journals. */
export interface JournaledReceipt {
  blockNumber: number;
  logs: { address: string; topics: string[]; data: string }[];
}

/** Thrown when the journal holds no confirmed transaction of `futureId` (it never ran, or failed). */
export class MissingJournalEntryError extends Error {
  constructor(
    readonly deploymentDir: string,
    readonly futureId: string,
  ) {
    super(`No confirmed transaction of ${futureId} in ${deploymentDir}`);
    this.name = "MissingJournalEntryError";
  }
}

/**
 * The receipt of the last transaction `futureId` confirmed (a fee bump sends several, one confirms).
 * @throws MissingJournalEntryError when there is none.
 */
export function journaledReceipt(deploymentDir: string, futureId: string): JournaledReceipt {
  const lines = readFileSync(join(deploymentDir, "journal.jsonl"), "utf8").split("\n").filter(Boolean);
  const confirmed = lines
    .map((line) => JSON.parse(line) as { type: string; futureId?: string; receipt?: JournaledReceipt })
    .filter((m) => m.type === "TRANSACTION_CONFIRM" && m.futureId === futureId);
  const receipt = confirmed.at(-1)?.receipt;
  if (!receipt) throw new MissingJournalEntryError(deploymentDir, futureId);
  return receipt;
}
