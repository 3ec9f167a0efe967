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
import type {
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

function at<T>(abi: readonly unknown[], address: string, runner?: ContractRunner | null): T {
  return new Contract(address, abi as never, runner) as unknown as T;
}

/** The cluster registry and launcher at `address`. */
export function clusterFactoryAt(address: string, runner?: ContractRunner | null): ClusterFactory {
  return at(clusterFactoryAbi, address, runner);
}

/** A cluster's share token (ERC-20, permit, yield stream) at `address`. */
export function shareTokenAt(address: string, runner?: ContractRunner | null): ClusterShareToken {
  return at(shareTokenAbi, address, runner);
}

/** A cluster's revenue vault at `address`. */
export function revenueVaultAt(address: string, runner?: ContractRunner | null): RevenueVault {
  return at(revenueVaultAbi, address, runner);
}

/** A cluster's offering (primary market) at `address`. */
export function offeringAt(address: string, runner?: ContractRunner | null): ClusterOffering {
  return at(offeringAbi, address, runner);
}

/** A cluster's NAV oracle at `address`. */
export function navOracleAt(address: string, runner?: ContractRunner | null): NavOracle {
  return at(navOracleAbi, address, runner);
}

/** A cluster's redemption queue at `address`. */
export function redemptionQueueAt(address: string, runner?: ContractRunner | null): RedemptionQueue {
  return at(redemptionQueueAbi, address, runner);
}

/** A cluster's allowlist transfer policy at `address`. */
export function allowlistPolicyAt(address: string, runner?: ContractRunner | null): AllowlistPolicy {
  return at(allowlistPolicyAbi, address, runner);
}

/** The stablecoin (any ERC-20 with EIP-2612 permit) at `address`. */
export function stablecoinAt(address: string, runner?: ContractRunner | null): ERC20Permit {
  return at(erc20PermitAbi, address, runner);
}

/** A Chainlink-style feed (revenue, appraisal, the NAV oracle itself) at `address`. */
export function aggregatorAt(address: string, runner?: ContractRunner | null): AggregatorV3Interface {
  return at(aggregatorAbi, address, runner);
}
