/**
 * Deploys what the demo runs on, in-process: the protocol through its Hardhat Ignition module (implementations,
 * factory, roles, Multicall3; scripts/deploy/protocol.ts, the same code as a real network's deployment), a USDC-like
 * stablecoin with permit, the Chainlink feeds (a sequencer uptime feed, and per cluster a cumulative revenue feed
 * and a hardware appraisal feed) and Uniswap V2 from its npm build artifacts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { EIP1193Provider } from "@nomicfoundation/ignition-core";
import { Contract, ContractFactory } from "ethers";
import factoryArtifact from "@uniswap/v2-core/build/UniswapV2Factory.json";
import routerArtifact from "@uniswap/v2-periphery/build/UniswapV2Router02.json";
import wethArtifact from "@uniswap/v2-periphery/build/WETH9.json";
import type { Deployment } from "../../sdk/src/deployment";
import {
  ClusterFactory__factory, MockStablecoin__factory, MockV3Aggregator__factory, type ClusterFactory, type MockStablecoin, type MockV3Aggregator,
} from "../../sdk/src/types";
import { deployProtocol as deployWithIgnition } from "../deploy/protocol";
import { STABLE_DECIMALS } from "./scenario";

/** Chainlink's USD feeds answer with 8 decimals. */
export const FEED_DECIMALS = 8;
export const PROTOCOL_FEE_BPS = 500;
/** After the sequencer comes back, prices wait this long (Chainlink's recommended hour). */
export const SEQUENCER_GRACE_PERIOD = 3_600;

export interface Roles {
  admin: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  feeRecipient: HardhatEthersSigner;
  /** Posts the revenue and appraisal feeds (what Chainlink Functions and an appraiser do on a real network). */
  reporter: HardhatEthersSigner;
  renter: HardhatEthersSigner;
  operators: HardhatEthersSigner[];
  investors: HardhatEthersSigner[];
}

export interface Protocol {
  /** What `deployments/<network>.json` would hold: the SDK's context is built from it. */
  deployment: Deployment;
  factory: ClusterFactory;
  stable: MockStablecoin;
  sequencerFeed: MockV3Aggregator;
  uniswap: { factory: Contract; router: Contract };
}

/** Hands out the node's accounts to the demo's roles: `clusters` + 1 operators (the failed raise's too). */
export async function assignRoles(clusters: number, investors: number): Promise<Roles> {
  const signers = await hre.ethers.getSigners();
  const [admin, guardian, keeper, feeRecipient, reporter, renter, ...rest] = signers;
  if (rest.length < clusters + 1 + investors) throw new Error(`the node has ${signers.length} accounts, the demo needs ${6 + clusters + 1 + investors}`);
  return { admin, guardian, keeper, feeRecipient, reporter, renter, operators: rest.slice(0, clusters + 1), investors: rest.slice(clusters + 1, clusters + 1 + investors) };
}

/** Deploys the protocol, the stablecoin, the sequencer feed and Uniswap V2, and wires them together. */
export async function deployProtocol(roles: Roles): Promise<Protocol> {
  const { admin } = roles;
  const stable = await new MockStablecoin__factory(admin).deploy("USD Coin", "USDC", STABLE_DECIMALS);
  // The sequencer feed answers 0 (up) since deployment, as Chainlink's L2 uptime feeds do.
  const sequencerFeed = await new MockV3Aggregator__factory(admin).deploy(0, 0);
  const uniswap = await deployUniswapV2(admin);
  // A throwaway chain gets a throwaway Ignition journal.
  const journal = mkdtempSync(join(tmpdir(), "clustershare-demo-ignition-"));
  try {
    const { deployment } = await deployWithIgnition({
      provider: hre.network.provider as unknown as EIP1193Provider,
      network: "hardhat",
      deploymentDir: journal,
      stablecoin: await stable.getAddress(),
      config: {
        deployer: admin.address,
        admin: admin.address,
        guardian: roles.guardian.address,
        feeRecipient: roles.feeRecipient.address,
        protocolFeeBps: PROTOCOL_FEE_BPS,
        sequencer: { feed: await sequencerFeed.getAddress(), gracePeriod: SEQUENCER_GRACE_PERIOD },
        uniswapV2Factory: await uniswap.factory.getAddress(),
      },
    });
    return { deployment, factory: ClusterFactory__factory.connect(deployment.factory, admin), stable, sequencerFeed, uniswap };
  } finally {
    rmSync(journal, { recursive: true, force: true });
  }
}

/** A fresh feed with 8 decimals answering `initialAnswer`. */
export async function deployFeed(deployer: HardhatEthersSigner, initialAnswer: bigint): Promise<MockV3Aggregator> {
  return new MockV3Aggregator__factory(deployer).deploy(FEED_DECIMALS, initialAnswer);
}

/** Uniswap V2's factory (no protocol fee) and Router02, the real bytecode published on npm. */
async function deployUniswapV2(deployer: HardhatEthersSigner): Promise<Protocol["uniswap"]> {
  const deploy = async (artifact: { abi: unknown[]; bytecode: string }, ...args: unknown[]) => {
    const bytecode = artifact.bytecode.startsWith("0x") ? artifact.bytecode : `0x${artifact.bytecode}`;
    const contract = await new ContractFactory(artifact.abi as never, bytecode, deployer).deploy(...args);
    return (await contract.waitForDeployment()) as Contract;
  };
  const weth = await deploy(wethArtifact);
  const factory = await deploy(factoryArtifact, deployer.address);
  const router = await deploy(routerArtifact, await factory.getAddress(), await weth.getAddress());
  return { factory, router };
}
