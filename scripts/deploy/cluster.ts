/** Launches a cluster from a checked config through the deployment's factory, once (Ignition journals it). */
import type { EIP1193Provider } from "@nomicfoundation/ignition-core";
import { BrowserProvider } from "ethers";
import type { Deployment } from "../../sdk/src/deployment";
import { ClusterFactory__factory, IERC20Metadata__factory, type ClusterFactory } from "../../sdk/src/types";
import { clusterModule, clusterModuleId } from "../../ignition/modules/Cluster";
import { InvalidClusterConfigError, type ClusterConfig, type LaunchParams } from "./clusterConfig";
import { runModule } from "./ignition";
import { journaledReceipt } from "./journal";

export interface LaunchClusterOptions {
  provider: EIP1193Provider;
  deployment: Deployment;
  /** The same journal as the protocol's: one Ignition deployment per network. */
  deploymentDir: string;
  config: ClusterConfig;
  /** Sends the launch and so becomes the cluster's operator. */
  operator: string;
}

export interface LaunchedCluster {
  clusterId: bigint;
  contracts: ClusterFactory.ClusterContractsStructOutput;
  /** The parameters sent, in base units. */
  params: LaunchParams;
}

/**
 * Launches the cluster `config` describes (amounts scaled by the stablecoin's on-chain decimals), or finds it
 * launched by an earlier run, and returns its id and contracts from the launch's `ClusterLaunched` event.
 */
export async function launchCluster(options: LaunchClusterOptions): Promise<LaunchedCluster> {
  const { provider, deployment, deploymentDir, config, operator } = options;
  const chain = new BrowserProvider(provider);
  const decimals = await IERC20Metadata__factory.connect(config.stablecoin, chain).decimals().then(Number, () => {
    throw new InvalidClusterConfigError("stablecoin", `${config.stablecoin} answers no decimals() on this chain`);
  });
  const params = config.launchParams(decimals);
  await runModule(clusterModule(config.key, deployment.factory, operator, params), { provider, deploymentDir, defaultSender: operator });

  const factory = ClusterFactory__factory.connect(deployment.factory, chain);
  const { logs } = journaledReceipt(deploymentDir, `${clusterModuleId(config.key)}#Launch`);
  const launched = logs
    .map((log) => (log.address.toLowerCase() === deployment.factory.toLowerCase() ? factory.interface.parseLog(log) : null))
    .find((event) => event?.name === "ClusterLaunched");
  if (!launched) throw new Error(`The journaled launch of ${config.key} emitted no ClusterLaunched`);
  const clusterId: bigint = launched.args.clusterId;
  const { contracts } = await factory.cluster(clusterId);
  return { clusterId, contracts, params };
}
