/**
 * The contracts' ABIs as ethers Interfaces, built once for encoding multicall reads (the ABIs of contracts.ts, so
 * the bundle carries no bytecode), typed by the typechain interfaces.
 */
import { Interface } from "ethers";
import { abis } from "../../contracts";
import type { ClusterFactoryInterface } from "../../types/contracts/core/ClusterFactory";
import type { ClusterShareTokenInterface } from "../../types/contracts/core/ClusterShareToken";
import type { RevenueVaultInterface } from "../../types/contracts/core/RevenueVault";
import type { ClusterOfferingInterface } from "../../types/contracts/offering/ClusterOffering";
import type { RedemptionQueueInterface } from "../../types/contracts/redemption/RedemptionQueue";
import type { NavOracleInterface } from "../../types/contracts/oracles/NavOracle";

export const factoryInterface = new Interface(abis.ClusterFactory as never) as unknown as ClusterFactoryInterface;
export const tokenInterface = new Interface(abis.ClusterShareToken as never) as unknown as ClusterShareTokenInterface;
export const vaultInterface = new Interface(abis.RevenueVault as never) as unknown as RevenueVaultInterface;
export const offeringInterface = new Interface(abis.ClusterOffering as never) as unknown as ClusterOfferingInterface;
export const queueInterface = new Interface(abis.RedemptionQueue as never) as unknown as RedemptionQueueInterface;
export const navInterface = new Interface(abis.NavOracle as never) as unknown as NavOracleInterface;
