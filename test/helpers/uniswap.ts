import { Contract, ContractFactory, type Signer } from "ethers";
import { ethers } from "./fixtures";

// The official Uniswap V2 build artifacts (solc 0.5.16 / 0.6.6) as published on npm: the real bytecode, not a port.
import factoryArtifact from "@uniswap/v2-core/build/UniswapV2Factory.json";
import pairArtifact from "@uniswap/v2-core/build/UniswapV2Pair.json";
import routerArtifact from "@uniswap/v2-periphery/build/UniswapV2Router02.json";
import wethArtifact from "@uniswap/v2-periphery/build/WETH9.json";

/**
 * The pair init code hash that Router02 (via UniswapV2Library.pairFor) hard-codes to compute pair addresses
 * without a call. If the npm pair bytecode hashed to anything else, the router would talk to empty addresses.
 */
export const ROUTER_INIT_CODE_HASH = "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f";

interface Artifact {
  abi: unknown[];
  bytecode?: string;
  evm?: { bytecode?: { object?: string } };
}

/** Creation bytecode of an artifact, 0x-prefixed (the Uniswap builds store it without the prefix). */
export function creationCode(artifact: Artifact): string {
  const code = artifact.evm?.bytecode?.object ?? artifact.bytecode;
  if (!code) throw new Error("artifact has no bytecode");
  return code.startsWith("0x") ? code : `0x${code}`;
}

async function deploy(artifact: Artifact, signer: Signer, ...args: unknown[]): Promise<Contract> {
  const factory = new ContractFactory(artifact.abi as never, creationCode(artifact), signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

export interface Uniswap {
  weth: Contract;
  factory: Contract;
  router: Contract;
}

/** Deploys WETH9, UniswapV2Factory (no protocol fee: feeToSetter is `deployer`) and UniswapV2Router02. */
export async function deployUniswap(deployer: Signer): Promise<Uniswap> {
  const weth = await deploy(wethArtifact, deployer);
  const factory = await deploy(factoryArtifact, deployer, await deployer.getAddress());
  const router = await deploy(routerArtifact, deployer, await factory.getAddress(), await weth.getAddress());
  return { weth, factory, router };
}

/** A handle on the UniswapV2Pair at `address`. */
export function pairAt(address: string, runner: Signer): Contract {
  return new Contract(address, pairArtifact.abi as never, runner);
}

/** Where UniswapV2Library.pairFor (i.e. Router02) expects the pair of `tokenA` and `tokenB`. */
export function routerPairAddress(factory: string, tokenA: string, tokenB: string): string {
  const [token0, token1] = BigInt(tokenA) < BigInt(tokenB) ? [tokenA, tokenB] : [tokenB, tokenA];
  const salt = ethers.solidityPackedKeccak256(["address", "address"], [token0, token1]);
  return ethers.getCreate2Address(factory, salt, ROUTER_INIT_CODE_HASH);
}

/** keccak256 of the npm pair creation bytecode: what the factory's CREATE2 actually uses. */
export function pairInitCodeHash(): string {
  return ethers.keccak256(creationCode(pairArtifact));
}
