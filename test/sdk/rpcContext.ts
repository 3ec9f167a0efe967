import { JsonRpcProvider } from "ethers";
import { createContext, type ClusterShareContext } from "../../sdk/src/context";
import type { Deployment } from "../../sdk/src/deployment";

/** The canonical Multicall3 address (actions never use it; reads do). */
const MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11";

/**
 * SDK contexts over JSON-RPC to a test node: one provider, and a context per account whose signer is the node's
 * unlocked account (eth_sendTransaction, eth_signTypedData_v4), the way a wallet would sign. The provider's
 * 250 ms request cache is off: tests move the clock between calls faster than that.
 */
export function rpcContexts(url: string, factory: string) {
  const provider = new JsonRpcProvider(url, 31337, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
  const deployment: Deployment = { network: "hardhat", chainId: 31337, startBlock: 0, factory, multicall3: MULTICALL3 };
  return {
    provider,
    deployment,
    /** A read-only context (no signer). */
    reader: (): ClusterShareContext => createContext({ provider, deployment }),
    /** A context that signs as `address`. */
    as: async (address: string): Promise<ClusterShareContext> =>
      createContext({ provider, signer: await provider.getSigner(address), deployment }),
  };
}
