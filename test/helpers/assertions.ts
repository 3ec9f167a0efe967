import { expect } from "vitest";
import type { BaseContract } from "ethers";

/** Extracts revert data from the shapes ethers and Hardhat use for a failed call or transaction. */
function revertData(error: unknown): string | undefined {
  const e = error as { data?: unknown; error?: { data?: unknown }; info?: { error?: { data?: unknown } } };
  for (const candidate of [e?.data, e?.error?.data, e?.info?.error?.data]) {
    if (typeof candidate === "string" && candidate.startsWith("0x")) return candidate;
    const nested = (candidate as { data?: unknown })?.data;
    if (typeof nested === "string" && nested.startsWith("0x")) return nested;
  }
  return undefined;
}

/**
 * Asserts that `action` reverts with the custom error `errorName` declared in `contract`'s ABI, and returns its
 * decoded arguments so the caller can check them too.
 */
export async function expectRevert(
  action: Promise<unknown> | (() => Promise<unknown>),
  contract: BaseContract,
  errorName: string,
): Promise<readonly unknown[]> {
  let error: unknown;
  try {
    await (typeof action === "function" ? action() : action);
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected a revert with ${errorName}`).toBeDefined();
  const data = revertData(error);
  expect(data, `revert without data: ${String(error)}`).toBeDefined();
  const parsed = contract.interface.parseError(data!);
  expect(parsed?.name, `reverted with ${parsed?.name ?? data}`).toBe(errorName);
  return parsed!.args.toArray();
}
