import { Interface, type InterfaceAbi, isHexString, type ErrorFragment } from "ethers";
import { abis } from "../contracts";
import type { ContractName } from "../contracts";
import { ClusterShareError, RpcError } from "./ClusterShareError";
import type { ErrorArgs } from "./messages";

/** Every cluster contract's ABI: the union decodes any error selector, whichever contract raised it. */
export const CLUSTER_ABIS = [
  abis.ClusterFactory,
  abis.ClusterShareToken,
  abis.RevenueVault,
  abis.ClusterOffering,
  abis.RedemptionQueue,
  abis.NavOracle,
  abis.AllowlistPolicy,
] as const;

/** One fragment per error selector (the contracts share `IClusterErrors`, so the same error appears many times). */
const errorInterface = new Interface(
  [...new Map((CLUSTER_ABIS.flat() as { type: string; name?: string; inputs?: unknown }[]).filter((f) => f.type === "error").map((f) => [f.name + JSON.stringify(f.inputs), f])).values()] as unknown as InterfaceAbi,
);

/**
 * Finds the revert data in an ethers error: ethers puts it on `data` for calls, but wraps it deeper for some
 * send paths and providers (`info.error.data`, `error.data`, `cause`).
 */
export function revertDataOf(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== "object" || error === null) return undefined;
  const e = error as Record<string, unknown>;
  if (typeof e.data === "string" && isHexString(e.data) && e.data.length >= 10) return e.data;
  if (typeof e.data === "object" && e.data !== null) {
    const nested = revertDataOf(e.data, depth + 1);
    if (nested) return nested;
  }
  for (const key of ["info", "error", "cause", "revert"]) {
    const nested = revertDataOf(e[key], depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

/** Decodes revert data into the error's name and named arguments; `undefined` for an unknown selector. */
export function decodeRevertData(data: string): { errorName: string; args: ErrorArgs } | undefined {
  let parsed;
  try {
    parsed = errorInterface.parseError(data);
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const fragment: ErrorFragment = parsed.fragment;
  const args: ErrorArgs = {};
  fragment.inputs.forEach((input, i) => (args[input.name || String(i)] = parsed.args[i]));
  // ethers decodes the built-in Error(string) and Panic(uint256) too, with unnamed inputs.
  if (parsed.name === "Error") return { errorName: "Error", args: { reason: parsed.args[0] } };
  if (parsed.name === "Panic") return { errorName: "Panic", args: { code: parsed.args[0] } };
  return { errorName: parsed.name, args };
}

/**
 * Turns whatever a contract call threw into an SDK error: a `ClusterShareError` when the call reverted (custom
 * error, `require` string or panic decoded; unknown selectors keep their raw data), an `RpcError` naming the call
 * otherwise. SDK errors pass through unchanged.
 */
export function toClusterShareError(
  error: unknown,
  contract: ContractName,
  functionName: string,
  rpcMethod = "eth_call",
): ClusterShareError | RpcError {
  if (error instanceof ClusterShareError || error instanceof RpcError) return error;
  const data = revertDataOf(error);
  if (data) {
    const decoded = decodeRevertData(data);
    return decoded
      ? new ClusterShareError(contract, decoded.errorName, decoded.args, functionName)
      : new ClusterShareError(contract, "UnknownError", { data }, functionName);
  }
  const code = (error as { code?: string } | null)?.code;
  // A revert without data (a bare `revert()`, or a call to an address with no code).
  if (code === "CALL_EXCEPTION") return new ClusterShareError(contract, "UnknownError", { data: "0x" }, functionName);
  return new RpcError(rpcMethod, contract, functionName, error);
}
