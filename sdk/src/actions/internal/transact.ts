import type { BaseContract, TransactionReceipt } from "ethers";
import type { ContractName } from "../../contracts";
import { ClusterShareError, toClusterShareError } from "../../errors";
import type { ClusterShareContext } from "./context";
import { signerOf } from "./context";
import { decodeEvents, type DecodedEvent } from "./events";
import { nonceOverride } from "./nonce";

/** What every action returns: the mined receipt and its decoded events. */
export interface ActionReceipt {
  hash: string;
  receipt: TransactionReceipt;
  events: DecodedEvent[];
}

/** One contract call an action sends. */
export interface ContractCall {
  contract: BaseContract;
  name: ContractName;
  functionName: string;
  args: readonly unknown[];
  /** Checks the simulated call's return value before anything is sent (a price bound on the shares it mints). */
  checkSimulated?: (result: unknown) => void;
}

/**
 * Simulates the call (`staticCall` of the very transaction, from the signer, on the pending block) so a revert is a
 * decoded ClusterShareError before anything is sent, then sends it and waits for the receipt.
 * @throws ClusterShareError when the simulation or the mined transaction reverts; RpcError when the node fails.
 */
export async function transact(ctx: ClusterShareContext, call: ContractCall): Promise<ActionReceipt> {
  const signer = signerOf(ctx, call.name, call.functionName);
  const method = call.contract.connect(signer).getFunction(call.functionName);
  let simulated: unknown;
  try {
    // The pending block is where the transaction will run (its timestamp, not the latest block's).
    simulated = await method.staticCall(...call.args, { blockTag: "pending" });
  } catch (error) {
    throw toClusterShareError(error, call.name, call.functionName);
  }
  call.checkSimulated?.(simulated);
  let tx;
  try {
    tx = await method.send(...call.args, await nonceOverride(signer));
  } catch (error) {
    throw toClusterShareError(error, call.name, call.functionName, "eth_sendTransaction");
  }
  let receipt: TransactionReceipt | null;
  try {
    receipt = await tx.wait();
  } catch (error) {
    throw toClusterShareError(error, call.name, call.functionName, "eth_getTransactionReceipt");
  }
  // wait() only returns null for zero confirmations, which it is never asked for.
  if (!receipt) throw new ClusterShareError(call.name, "UnknownError", { hash: tx.hash }, call.functionName, "no receipt");
  return { hash: tx.hash, receipt, events: decodeEvents(receipt.logs) };
}
