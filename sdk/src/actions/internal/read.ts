import type { ContractName } from "../../contracts";
import { toClusterShareError } from "../../errors";

/**
 * Awaits a view call made for a preflight check; a revert becomes a decoded ClusterShareError and a failed request
 * an RpcError naming the contract and function.
 */
export async function read<T>(contract: ContractName, functionName: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw toClusterShareError(error, contract, functionName);
  }
}
