import type { Provider, Signer } from "ethers";
import type { Deployment } from "../../deployment";
import { PreflightError, type ContractName } from "../../errors";

/**
 * What every action needs: where the protocol is and who signs. The client binds it once
 * (`createClusterShareClient`); standalone use passes it to each action.
 */
export interface ActionContext {
  /** Reads and receipts; the signer's provider when omitted. */
  provider?: Provider;
  /** Signs and sends the action's transactions. */
  signer?: Signer;
  deployment: Deployment;
}

/** The signer of an action, or a PreflightError naming the missing signer before anything is read or sent. */
export function signerOf(ctx: ActionContext, contract: ContractName, functionName: string): Signer {
  if (!ctx.signer) {
    throw new PreflightError(contract, functionName, "signer", "NoSigner", {}, "this action sends a transaction and needs a signer");
  }
  return ctx.signer;
}
