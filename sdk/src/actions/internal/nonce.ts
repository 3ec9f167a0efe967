import { JsonRpcApiProvider, type Signer } from "ethers";

/**
 * The signer's next nonce, read from the node itself. ethers' JSON-RPC providers cache `eth_getTransactionCount`
 * for 250 ms, so two actions sent within that window would both be given the first one's nonce ("nonce too low");
 * `send` goes past that cache. Other providers answer through the signer as usual.
 */
export async function pendingNonce(signer: Signer): Promise<number> {
  const provider = signer.provider;
  if (provider instanceof JsonRpcApiProvider) {
    const count: string = await provider.send("eth_getTransactionCount", [await signer.getAddress(), "pending"]);
    return Number(BigInt(count));
  }
  return signer.getNonce("pending");
}
