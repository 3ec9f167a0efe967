import hre from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";

/**
 * Serves the in-process Hardhat network over HTTP JSON-RPC (what `hardhat node` runs), so components that talk
 * to a node (the subgraph runner, the SDK) talk to the same chain the test drives.
 */
export async function startRpcNode(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const { address, port } = await server.listen();
  return { url: `http://${address}:${port}`, close: () => server.close() };
}
