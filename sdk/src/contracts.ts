/**
 * Typed handles on the protocol's contracts: an ethers v6 `Contract` with the compiled ABI, typed by the typechain
 * interfaces generated into ./types. The ABIs come from the compiled artifacts as named JSON imports, so the
 * bundle carries each ABI once and never the bytecode (typechain's factories embed it, so the package does not ship
 * them).
 */
import { Contract, type ContractRunner } from "ethers";
import { abi as clusterFactoryAbi } from "../../artifacts/contracts/core/ClusterFactory.sol/ClusterFactory.json";
import { abi as shareTokenAbi } from "../../artifacts/contracts/core/ClusterShareToken.sol/ClusterShareToken.json";
import { abi as revenueVaultAbi } from "../../artifacts/contracts/core/RevenueVault.sol/RevenueVault.json";
import { abi as offeringAbi } from "../../artifacts/contracts/offering/ClusterOffering.sol/ClusterOffering.json";
import { abi as navOracleAbi } from "../../artifacts/contracts/oracles/NavOracle.sol/NavOracle.json";
import { abi as redemptionQueueAbi } from "../../artifacts/contracts/redemption/RedemptionQueue.sol/RedemptionQueue.json";
import { abi as allowlistPolicyAbi } from "../../artifacts/contracts/compliance/AllowlistPolicy.sol/AllowlistPolicy.json";
import { abi as erc20PermitAbi } from "../../artifacts/@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol/ERC20Permit.json";
import { abi as aggregatorAbi } from "../../artifacts/@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol/AggregatorV3Interface.json";
import type * as typechain from "./types";

export type {
  AggregatorV3Interface,
  AllowlistPolicy,
  ClusterFactory,
  ClusterOffering,
  ClusterShareToken,
  ERC20Permit,
  NavOracle,
  RedemptionQueue,
  RevenueVault,
} from "./types";

/** Every ABI the SDK talks to, by contract name (also what custom errors are decoded against). */
export const abis = {
  ClusterFactory: clusterFactoryAbi,
  ClusterShareToken: shareTokenAbi,
  RevenueVault: revenueVaultAbi,
  ClusterOffering: offeringAbi,
  NavOracle: navOracleAbi,
  RedemptionQueue: redemptionQueueAbi,
  AllowlistPolicy: allowlistPolicyAbi,
  ERC20Permit: erc20PermitAbi,
  AggregatorV3Interface: aggregatorAbi,
} as const;

/** The contract names {@link abis} knows. */
export type ContractName = keyof typeof abis;

/** A typed handle maker for one ABI: an ethers `Contract` at an address, typed as the typechain interface `T`. */
function connector<T>(abi: readonly unknown[]): (address: string, runner?: ContractRunner | null) => T {
  return (address, runner) => new Contract(address, abi as never, runner) as unknown as T;
}

// Each handle maker is marked pure so a bundler drops the ones (and their ABIs) a page never uses.

/** The cluster registry and launcher at `address`. */
export const clusterFactoryAt = /* @__PURE__ */ connector<typechain.ClusterFactory>(clusterFactoryAbi);
/** A cluster's share token (ERC-20, permit, yield stream) at `address`. */
export const shareTokenAt = /* @__PURE__ */ connector<typechain.ClusterShareToken>(shareTokenAbi);
/** A cluster's revenue vault at `address`. */
export const revenueVaultAt = /* @__PURE__ */ connector<typechain.RevenueVault>(revenueVaultAbi);
/** A cluster's offering (primary market) at `address`. */
export const offeringAt = /* @__PURE__ */ connector<typechain.ClusterOffering>(offeringAbi);
/** A cluster's NAV oracle at `address`. */
export const navOracleAt = /* @__PURE__ */ connector<typechain.NavOracle>(navOracleAbi);
/** A cluster's redemption queue at `address`. */
export const redemptionQueueAt = /* @__PURE__ */ connector<typechain.RedemptionQueue>(redemptionQueueAbi);
/** A cluster's allowlist transfer policy at `address`. */
export const allowlistPolicyAt = /* @__PURE__ */ connector<typechain.AllowlistPolicy>(allowlistPolicyAbi);
/** The stablecoin (any ERC-20 with EIP-2612 permit) at `address`. */
export const stablecoinAt = /* @__PURE__ */ connector<typechain.ERC20Permit>(erc20PermitAbi);
/** A Chainlink-style feed (revenue, appraisal, the NAV oracle itself) at `address`. */
export const aggregatorAt = /* @__PURE__ */ connector<typechain.AggregatorV3Interface>(aggregatorAbi);
