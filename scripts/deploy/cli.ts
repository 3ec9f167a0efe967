/**
 * `npm run deploy -- --network <name> [--cluster <config.json>]... [--deployments <dir>] [--journals <dir>]`
 *
 * Deploys the protocol to `<name>` with Ignition (journal in ignition/deployments/<name>; re-running sends nothing
 * new), writes deployments/<name>.json (prints it for the throwaway `hardhat` chain), then launches each cluster config (once each). `<name>` is `localhost` (a
 * node on 127.0.0.1:8545), `hardhat` (a throwaway in-process chain) or any other name for the chain at RPC_URL,
 * sent from DEPLOYER_KEY (clusters from OPERATOR_KEY when set: the sender becomes the operator); roles and settings
 * come from the environment (scripts/deploy/env.ts). `--deployments` and
 * `--journals` move the deployment file and Ignition's journal elsewhere (the tests use temporary directories).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Wallet } from "ethers";

const { values } = parseArgs({
  options: {
    network: { type: "string", default: "localhost" },
    cluster: { type: "string", multiple: true, default: [] },
    deployments: { type: "string" },
    journals: { type: "string" },
  },
});
const network = values.network!;
// Hardhat reads the network when it loads: name it before the import below.
process.env.HARDHAT_NETWORK = network;
if (network !== "hardhat" && network !== "localhost") process.env.DEPLOY_NETWORK = network;

async function main(): Promise<void> {
  const hre = await import("hardhat");
  const { deployEnvironment } = await import("./env");
  const { deployProtocol } = await import("./protocol");
  const { launchCluster } = await import("./cluster");
  const { readClusterConfig } = await import("./clusterConfig");
  const { deploymentPath, writeDeploymentFile } = await import("./deploymentFile");

  const provider = hre.network.provider;
  const [deployer] = (await provider.request({ method: "eth_accounts" })) as string[];
  if (!deployer) throw new Error(`No account to deploy from on ${network}: set DEPLOYER_KEY`);
  // The in-process chain dies with this process: its journal must too.
  const deploymentDir = network === "hardhat"
    ? join(mkdtempSync(join(tmpdir(), "clustershare-ignition-")), network)
    : join(values.journals ? resolve(values.journals) : resolve(__dirname, "../../ignition/deployments"), network);
  const env = deployEnvironment(process.env, deployer);

  const { deployment } = await deployProtocol({
    provider, network, deploymentDir, config: env.protocol, stablecoin: env.stablecoin, multicall3: env.multicall3,
  });
  console.log(`protocol on ${network} (chain ${deployment.chainId}): factory ${deployment.factory} from block ${deployment.startBlock}`);
  if (network === "hardhat") {
    console.log(JSON.stringify(deployment, null, 2));
  } else {
    const file = deploymentPath(network, values.deployments ? resolve(values.deployments) : undefined);
    writeDeploymentFile(file, deployment);
    console.log(`wrote ${file}`);
  }

  // The launch's sender becomes the cluster's operator: the operator's own key when given, else the deployer.
  const operator = process.env.OPERATOR_KEY ? new Wallet(process.env.OPERATOR_KEY).address : deployer;
  for (const path of values.cluster!) {
    const config = readClusterConfig(JSON.parse(readFileSync(path, "utf8")), { stablecoin: deployment.stablecoin });
    const { clusterId, contracts } = await launchCluster({ provider, deployment, deploymentDir, config, operator });
    console.log(`cluster ${clusterId} (${config.key}) from ${path}: token ${contracts.token}, vault ${contracts.vault}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
