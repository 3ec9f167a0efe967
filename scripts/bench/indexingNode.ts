/**
 * The indexing benchmark's separate node: a Hardhat JSON-RPC node (the server `hardhat node` runs) in its own
 * process, holding the benchmark's history, so that the node answers on one core while the runner's handlers run
 * on another. Started by scripts/bench/indexing.ts; prints one JSON line `{ url, factory, head }` once it serves,
 * and serves until it is killed.
 */
import hre from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { deployCluster, ethers } from "../../test/helpers/fixtures";
import { generateHistory } from "./indexingHistory";

async function main(): Promise<void> {
  const d = await deployCluster();
  await generateHistory(d);
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const { address, port } = await server.listen();
  const head = await ethers.provider.getBlockNumber();
  process.stdout.write(JSON.stringify({ url: `http://${address}:${port}`, factory: await d.factory.getAddress(), head }) + "\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
