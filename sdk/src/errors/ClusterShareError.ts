import type { ContractName } from "../contracts";
import { ERROR_MESSAGES, type ErrorArgs } from "./messages";

/**
 * A contract refused a call, decoded from its revert data: which contract was called, the custom error's name and
 * arguments, and a sentence in words. Also the base class of {@link PreflightError}, so one `instanceof` catches both
 * a revert and a check that stopped the action before it sent anything.
 */
export class ClusterShareError extends Error {
  constructor(
    /** The contract the SDK called (an error bubbled up from the stablecoin still names the contract called). */
    readonly contract: ContractName,
    /** The Solidity error's name (`HardCapExceeded`), `Error` for a `require` string, `Panic` for a panic code. */
    readonly errorName: string,
    /** The error's arguments by name (bigints for integers, checksummed strings for addresses). */
    readonly args: ErrorArgs,
    /** The function that was called (`buy`, `closeEpoch`), when known. */
    readonly functionName?: string,
    message = describeError(errorName, args),
  ) {
    super(`${contract}${functionName ? `.${functionName}` : ""}: ${errorName}: ${message}`);
    this.name = "ClusterShareError";
  }
}

/**
 * An action's own check failed before any transaction was sent: `check` names it (`paused`, `balance`,
 * `allowlist`, …). When the check mirrors a contract error, `errorName` is that error's name, so code that
 * handles the revert handles the preflight too.
 */
export class PreflightError extends ClusterShareError {
  constructor(
    contract: ContractName,
    functionName: string,
    /** The check that failed. */
    readonly check: string,
    errorName: string,
    args: ErrorArgs = {},
    message?: string,
  ) {
    super(contract, errorName, args, functionName, message);
    this.name = "PreflightError";
  }
}

/** A JSON-RPC call failed for a reason other than a revert (node down, timeout, bad response). */
export class RpcError extends Error {
  constructor(
    /** The JSON-RPC step that failed: `eth_call`, `eth_sendTransaction`, `eth_getTransactionReceipt`. */
    readonly method: string,
    readonly contract: ContractName,
    /** The contract function the SDK was calling. */
    readonly functionName: string,
    readonly cause: unknown,
  ) {
    super(`${method} for ${contract}.${functionName} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "RpcError";
  }
}

/** The sentence for a contract error, or a generic one for an error this SDK version does not know. */
export function describeError(errorName: string, args: ErrorArgs): string {
  const message = ERROR_MESSAGES[errorName];
  if (message) return message(args);
  if (errorName === "Error") return `reverted: ${String(args.reason)}`;
  if (errorName === "Panic") return `panicked with code ${String(args.code)}`;
  return `reverted with an error this SDK does not know (${String(args.data ?? errorName)})`;
}
