/**
 * What every SDK function that talks to the chain is given: the provider to read through, the signer to send with,
 * the deployment it works on and typed contract connections. Reads (`fetch/`) and actions (`actions/`) take it as
 * their first argument; `createClusterShareClient` builds one and binds them to it.
 */
import type { ContractRunner, Provider, Signer } from "ethers";
import type { Deployment } from "./deployment";
import { ClusterFactory__factory } from "./types/factories/contracts/core/ClusterFactory__factory";
import { ClusterShareToken__factory } from "./types/factories/contracts/core/ClusterShareToken__factory";
import { RevenueVault__factory } from "./types/factories/contracts/core/RevenueVault__factory";
import { ClusterOffering__factory } from "./types/factories/contracts/offering/ClusterOffering__factory";
import { RedemptionQueue__factory } from "./types/factories/contracts/redemption/RedemptionQueue__factory";
import { NavOracle__factory } from "./types/factories/contracts/oracles/NavOracle__factory";
import type { ClusterFactory } from "./types/contracts/core/ClusterFactory";
import type { ClusterShareToken } from "./types/contracts/core/ClusterShareToken";
import type { RevenueVault } from "./types/contracts/core/RevenueVault";
import type { ClusterOffering } from "./types/contracts/offering/ClusterOffering";
import type { RedemptionQueue } from "./types/contracts/redemption/RedemptionQueue";
import type { NavOracle } from "./types/contracts/oracles/NavOracle";

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
    factory: () => ClusterFactory__factory.connect(deployment.factory, runner),
    cluster: (addresses) => ({
      token: ClusterShareToken__factory.connect(addresses.token, runner),
      vault: RevenueVault__factory.connect(addresses.vault, runner),
      offering: ClusterOffering__factory.connect(addresses.offering, runner),
      redemptionQueue: RedemptionQueue__factory.connect(addresses.redemptionQueue, runner),
      navOracle: NavOracle__factory.connect(addresses.navOracle, runner),
    }),
  };
}
