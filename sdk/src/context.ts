/**
 * What every SDK function that talks to the chain is given: the provider to read through, the signer to send with,
 * the deployment it works on and typed contract connections (contracts.ts: ABIs without bytecode). Reads (`fetch/`) and actions (`actions/`) take it as
 * their first argument; `createClusterShareClient` builds one and binds them to it.
 */
import type { ContractRunner, Provider, Signer } from "ethers";
import type { Deployment } from "./deployment";
import {
  clusterFactoryAt, navOracleAt, offeringAt, redemptionQueueAt, revenueVaultAt, shareTokenAt,
  type ClusterFactory, type ClusterOffering, type ClusterShareToken, type NavOracle, type RedemptionQueue, type RevenueVault,
} from "./contracts";

/** The addresses of one cluster's contracts, as the factory's registry holds them. */
export interface ClusterAddresses {
  token: string;
  vault: string;
  offering: string;
  redemptionQueue: string;
  navOracle: string;
  /** The zero address when the cluster has no transfer policy. */
  policy: string;
}

/** One cluster's contracts, connected (typechain types). */
export interface ClusterContracts {
  token: ClusterShareToken;
  vault: RevenueVault;
  offering: ClusterOffering;
  redemptionQueue: RedemptionQueue;
  navOracle: NavOracle;
}

/** The context reads and actions run in. */
export interface ClusterShareContext {
  /** Reads go through it (multicall batches, logs, receipts). */
  provider: Provider;
  /** Sends transactions; actions refuse to run without one. */
  signer?: Signer;
  deployment: Deployment;
  /** The factory, connected to the signer when there is one (so it can send), else to the provider. */
  factory(): ClusterFactory;
  /** A cluster's contracts, connected like `factory()`. */
  cluster(addresses: ClusterAddresses): ClusterContracts;
}

/**
 * Builds a context over a provider, an optional signer and a deployment.
 * @param options.signer When given and connected to a provider, contracts are connected to it.
 */
export function createContext(options: { provider: Provider; signer?: Signer; deployment: Deployment }): ClusterShareContext {
  const { provider, signer, deployment } = options;
  const runner: ContractRunner = signer ?? provider;
  return {
    provider,
    signer,
    deployment,
    factory: () => clusterFactoryAt(deployment.factory, runner),
    cluster: (addresses) => ({
      token: shareTokenAt(addresses.token, runner),
      vault: revenueVaultAt(addresses.vault, runner),
      offering: offeringAt(addresses.offering, runner),
      redemptionQueue: redemptionQueueAt(addresses.redemptionQueue, runner),
      navOracle: navOracleAt(addresses.navOracle, runner),
    }),
  };
}
