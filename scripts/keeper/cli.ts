/**
 * `npm run keeper -- --rpc <url> --deployment <file> [--interval <ms>]`
 *
 * Runs the keeper until Ctrl-C or SIGTERM. It signs with KEEPER_KEY from the environment (never a flag) or, on a
 * local node, with the node's first unlocked account. Defaults fit `npm run dev`: http://127.0.0.1:8545 and
 * deployments/localhost.json.
 */
import { parseArgs } from "node:util";
import { JsonRpcProvider, Wallet, type Signer } from "ethers";
import { deploymentPath, readDeploymentFile } from "../deploy/deploymentFile";
import { createKeeper } from "./keeper";

const { values } = parseArgs({
  options: {
    rpc: { type: "string", default: "http://127.0.0.1:8545" },
    deployment: { type: "string", default: deploymentPath("localhost") },
    interval: { type: "string", default: "15000" },
  },
});

async function main(): Promise<void> {
  const deployment = readDeploymentFile(values.deployment!);
  const provider = new JsonRpcProvider(values.rpc, deployment.chainId, { staticNetwork: true });
  const signer: Signer = process.env.KEEPER_KEY
    ? new Wallet(process.env.KEEPER_KEY, provider)
    : await provider.getSigner(0).catch(() => {
        throw new Error(`${values.rpc} has no unlocked account to sign with: set KEEPER_KEY`);
      });
  const intervalMs = Number(values.interval);
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new Error(`--interval must be a positive number of ms: ${values.interval}`);
  const keeper = createKeeper({ provider, signer, deployment, intervalMs });
  console.log(`keeper for factory ${deployment.factory} on chain ${deployment.chainId} as ${await signer.getAddress()}, every ${intervalMs} ms`);
  const shutdown = async () => {
    await keeper.stop();
    provider.destroy();
    console.log("keeper stopped");
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  keeper.start();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
