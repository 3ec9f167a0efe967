/**
 * Deploys the protocol with Ignition (or finds it deployed in the journal and sends nothing) and describes it in
 * the shape of `deployments/<network>.json`.
 */
import type { EIP1193Provider } from "@nomicfoundation/ignition-core";
import { getAddress } from "ethers";
import type { Deployment } from "../../sdk/src/deployment";
import { protocolModule, PROTOCOL_MODULE_ID, type ProtocolConfig } from "../../ignition/modules/Protocol";
import { isLocalChain, runModule } from "./ignition";
import { journaledReceipt } from "./journal";
import { deployMulticall3, MULTICALL3_ADDRESS } from "./multicall3";

/** Thrown when a public chain has no Multicall3 at the canonical address and none was given. */
export class MissingMulticall3Error extends Error {
  constructor(readonly chainId: number) {
    super(`Chain ${chainId} has no Multicall3 at ${MULTICALL3_ADDRESS}; give its address (MULTICALL3)`);
    this.name = "MissingMulticall3Error";
  }
}

export interface DeployProtocolOptions {
  provider: EIP1193Provider;
  /** The network's name as The Graph spells it; it names the deployment file. */
  network: string;
  /** Ignition's journal for this network (`ignition/deployments/<network>`). */
  deploymentDir: string;
  config: ProtocolConfig;
  /** The default stablecoin of the deployment, recorded in its file. */
  stablecoin?: string;
  /** Multicall3's address where it is not the canonical one. */
  multicall3?: string;
}

/** The protocol's contracts as Ignition returns them, and the deployment file's description of them. */
export interface ProtocolDeployment {
  deployment: Deployment;
  /** Every contract of the protocol module by its result name (`factory`, `shareToken`, …). */
  contracts: Record<string, string>;
}

/**
 * Deploys (once) the implementations and the factory with its roles; re-running against the same journal sends no
 * transaction and returns the same addresses.
 * On a local chain it first puts Multicall3 at its canonical address when missing.
 * @throws IgnitionRunError when a future fails, MissingMulticall3Error when a public chain lacks Multicall3.
 */
export async function deployProtocol(options: DeployProtocolOptions): Promise<ProtocolDeployment> {
  const { provider, network, deploymentDir, config, stablecoin } = options;
  const chainId = Number(await provider.request({ method: "eth_chainId" }));
  const multicall3 = options.multicall3 ?? (await canonicalMulticall3(provider, chainId));
  const contracts = await runModule(protocolModule(config), { provider, deploymentDir, defaultSender: config.deployer });
  const { blockNumber } = journaledReceipt(deploymentDir, `${PROTOCOL_MODULE_ID}#ClusterFactory`);
  const deployment: Deployment = {
    network,
    chainId,
    startBlock: blockNumber,
    factory: getAddress(contracts.factory),
    multicall3: getAddress(multicall3),
  };
  if (stablecoin) deployment.stablecoin = getAddress(stablecoin);
  return { deployment, contracts };
}

async function canonicalMulticall3(provider: EIP1193Provider, chainId: number): Promise<string> {
  const rpc = { send: (method: string, params: unknown[]) => provider.request({ method, params }) };
  if (isLocalChain(chainId)) return deployMulticall3(rpc);
  if ((await rpc.send("eth_getCode", [MULTICALL3_ADDRESS, "latest"])) === "0x") throw new MissingMulticall3Error(chainId);
  return MULTICALL3_ADDRESS;
}
