import { JsonRpcApiProvider, JsonRpcSigner, type Signer } from "ethers";

/**
 * The nonce override an action sends with: the signer's next nonce read from the node itself. ethers' JSON-RPC
 * providers cache `eth_getTransactionCount` for 250 ms, so a local signer (a `Wallet`) sending two actions within
 * that window would give both the first one's nonce ("nonce too low"); `send` goes past that cache. A node or
 * wallet account (`JsonRpcSigner`) gets no override: the node or the wallet assigns its nonces itself.
 */
export async function nonceOverride(signer: Signer): Promise<{ nonce?: number }> {
  if (signer instanceof JsonRpcSigner) return {};
  const provider = signer.provider;
  if (!(provider instanceof JsonRpcApiProvider)) return {};
  const count: string = await provider.send("eth_getTransactionCount", [await signer.getAddress(), "pending"]);
  return { nonce: Number(BigInt(count)) };
}
