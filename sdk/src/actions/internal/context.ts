import type { Signer } from "ethers";
import type { ClusterShareContext } from "../../context";
import type { ContractName } from "../../contracts";
import { PreflightError } from "../../errors";

export type { ClusterShareContext } from "../../context";

/** The signer of an action, or a PreflightError naming the missing signer before anything is read or sent. */
export function signerOf(ctx: ClusterShareContext, contract: ContractName, functionName: string): Signer {
  if (!ctx.signer) {
    throw new PreflightError(contract, functionName, "signer", "NoSigner", {}, "this action sends a transaction and needs a signer");
  }
  return ctx.signer;
}
