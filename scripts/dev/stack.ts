/**
 * The local stack behind `npm run dev`, on the in-process Hardhat network: the chain served over JSON-RPC (what
 * `hardhat node` serves), the protocol deployed through its Ignition module and seeded by the demo's simulator,
 * the subgraph runner following the chain, and the keeper. Everything here is the demo's and the deploy scripts'
 * code; this file only wires it to fixed ports, a deployment file and one `close`.
 */
import hre from "hardhat";
import type { Deployment } from "../../sdk/src/deployment";
import { deploymentPath, writeDeploymentFile } from "../deploy/deploymentFile";
import { assignRoles, deployProtocol } from "../demo/deploy";
import { ensureSubgraphBuilt, indexChain, type IndexedChain } from "../demo/indexing";
import { buildScenario } from "../demo/scenario";
import { simulate } from "../demo/simulator";
import { createKeeper, type Keeper, type KeeperLogEntry } from "../keeper/keeper";
import type { DevOptions } from "./options";

/** The network name the stack's deployment file carries (`deployments/localhost.json`, as Hardhat names it). */
export const DEV_NETWORK = "localhost";
/** The line `npm run dev` prints once every part serves (what scripts and tests wait for). */
export const READY_LINE = "clustershare dev stack ready";
/** How often the runner asks the node for new blocks. */
const RUNNER_POLL_MS = 500;

export interface DevStack {
  rpcUrl: string;
  graphqlUrl: string;
  deployment: Deployment;
  deploymentFile: string;
  /** The node's accounts by the role the seed gave them (the keeper signs with `keeper`). */
  accounts: Record<string, string>;
  clusters: number;
  /** Stops the keeper, the runner and the node; resolves once none of them listens or runs. */
  close(): Promise<void>;
}

/** Starts the stack; `onStage` hears each step (deploying, seeding, indexing). */
export async function startDevStack(
  options: DevOptions,
  onStage: (stage: string) => void = () => undefined,
  onKeeper: (entry: KeeperLogEntry) => void = () => undefined,
): Promise<DevStack> {
  if (ensureSubgraphBuilt()) onStage("built the subgraph");
  const { deployment, keeperSigner, accounts } = await deployAndSeed(options, onStage);
  const local: Deployment = { ...deployment, network: DEV_NETWORK, chainId: Number((await hre.ethers.provider.getNetwork()).chainId) };
  const deploymentFile = options.deploymentFile ?? deploymentPath(DEV_NETWORK);
  writeDeploymentFile(deploymentFile, local);

  onStage("indexing with the subgraph runner");
  const chain: IndexedChain = await indexChain(local.factory, local.startBlock, {
    rpcPort: options.rpcPort,
    graphqlPort: options.graphqlPort,
    pollMs: RUNNER_POLL_MS,
  });
  const keeper: Keeper = createKeeper({ provider: hre.ethers.provider, signer: keeperSigner, deployment: local, intervalMs: options.keeperIntervalMs, log: onKeeper });
  keeper.start();
  let closing: Promise<void> | undefined;
  return {
    rpcUrl: chain.rpcUrl,
    graphqlUrl: chain.subgraphUrl,
    deployment: local,
    deploymentFile,
    accounts,
    clusters: Number(await hre.ethers.getContractAt("ClusterFactory", local.factory).then((f) => f.clusterCount())),
    // The keeper first (it sends through the node), then the runner and the node (indexChain's close).
    close: () => (closing ??= keeper.stop().then(() => chain.close())),
  };
}

/** Seeds with the demo's scenario (`months` of it), or deploys the protocol alone when `months` is 0. */
async function deployAndSeed(options: DevOptions, onStage: (stage: string) => void) {
  if (options.months > 0) {
    onStage(`deploying and simulating ${options.months} months of the demo (seed ${options.seed})`);
    const sim = await simulate(buildScenario({ seed: options.seed, months: options.months }));
    const { roles } = sim;
    const accounts: Record<string, string> = {
      admin: roles.admin.address,
      keeper: roles.keeper.address,
      renter: roles.renter.address,
      ...Object.fromEntries(roles.operators.map((s, i) => [`operator${i}`, s.address])),
      ...Object.fromEntries(roles.investors.map((s, i) => [`investor${i}`, s.address])),
    };
    return { deployment: sim.protocol.deployment, keeperSigner: roles.keeper, accounts };
  }
  onStage("deploying the protocol (no seed)");
  const roles = await assignRoles(0, 0);
  const protocol = await deployProtocol(roles);
  return { deployment: protocol.deployment, keeperSigner: roles.keeper, accounts: { admin: roles.admin.address, keeper: roles.keeper.address } };
}
