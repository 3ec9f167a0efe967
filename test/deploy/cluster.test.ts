import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ZeroAddress, id, type JsonRpcSigner } from "ethers";
import {
  ClusterOffering__factory, ClusterShareToken__factory, MockStablecoin__factory, MockV3Aggregator__factory,
  NavOracle__factory, RedemptionQueue__factory, RevenueVault__factory, ClusterFactory__factory,
} from "../../sdk/src/types";
import { deployProtocol } from "../../scripts/deploy/protocol";
import { launchCluster, type LaunchedCluster } from "../../scripts/deploy/cluster";
import { InvalidClusterConfigError, readClusterConfig } from "../../scripts/deploy/clusterConfig";
import type { Deployment } from "../../sdk/src/deployment";
import { connectNode, journalDir, type NodeConnection } from "./node";

const SHARE = 10n ** 18n;
const USDC = 10n ** 6n;

/** A raise of 256 H100s, as an operator would write it. */
const raiseFile = (stablecoin: string, revenueFeed: string, keeper: string) => ({
  name: "H100 Cluster Frankfurt",
  symbol: "csH100FRA",
  gpuModel: "NVIDIA H100 SXM",
  gpuCount: 256,
  region: "eu-central",
  metadataURI: "ipfs://bafy-frankfurt",
  metadataHash: id("frankfurt metadata v1"),
  stablecoin,
  revenueFeed,
  revenueHeartbeat: 172_800,
  maxRevenuePerEpoch: "750000.5",
  epochLength: 604_800,
  operatorFeeBps: 1_000,
  reserveBps: 500,
  redemptionFeeBps: 50,
  keeper,
  withAllowlist: true,
  offering: {
    pricePerShare: "2.50",
    softCap: "1000000",
    hardCap: "4000000",
    deadline: "2030-03-01T00:00:00Z",
    minPerAccount: "100",
    maxPerAccount: "250000",
  },
  nav: { maxDeviationBps: 2_000, usefulLife: 94_608_000, salvageBps: 1_000, navHeartbeat: 86_400 },
});

describe("a cluster launched from a config file with Ignition", () => {
  let node: NodeConnection;
  let deployment: Deployment;
  let dir: string;
  let operator: string;
  let file: ReturnType<typeof raiseFile>;
  let launched: LaunchedCluster;
  let signer: JsonRpcSigner;

  const launchFrom = (raw: unknown) =>
    launchCluster({
      provider: node.eip1193,
      deployment,
      deploymentDir: dir,
      config: readClusterConfig(raw, { stablecoin: deployment.stablecoin }),
      operator,
    });

  beforeAll(async () => {
    node = await connectNode();
    const [deployer, , keeper, op] = node.accounts;
    operator = op;
    signer = await node.chain.getSigner(deployer);
    const stable = await new MockStablecoin__factory(signer).deploy("USD Coin", "USDC", 6);
    const feed = await new MockV3Aggregator__factory(signer).deploy(8, 0n);
    dir = journalDir();
    ({ deployment } = await deployProtocol({
      provider: node.eip1193,
      network: "hardhat",
      deploymentDir: dir,
      config: { deployer, admin: deployer, guardian: deployer, feeRecipient: deployer, protocolFeeBps: 500 },
      stablecoin: await stable.getAddress(),
    }));
    file = raiseFile(await stable.getAddress(), await feed.getAddress(), keeper);
    // Through a file on disk, as `npm run deploy -- --cluster <file>` reads it.
    const path = join(dirname(dir), "frankfurt.json");
    writeFileSync(path, JSON.stringify(file));
    launched = await launchFrom(JSON.parse(readFileSync(path, "utf8")));
  });
  afterAll(() => node?.close());

  it("launches with the operator as sender and the file's registry entry", async () => {
    const factory = ClusterFactory__factory.connect(deployment.factory, node.chain);
    const entry = await factory.cluster(launched.clusterId);
    expect(entry.operator).toBe(operator);
    expect(entry.keeper).toBe(file.keeper);
    expect(entry.stablecoin).toBe(file.stablecoin);
    expect(entry.revenueFeed).toBe(file.revenueFeed);
    expect(entry.gpuCount).toBe(256n);
    expect([entry.gpuModel, entry.region, entry.metadataURI, entry.metadataHash]).toEqual([
      file.gpuModel, file.region, file.metadataURI, file.metadataHash,
    ]);
    expect(entry.contracts.policy).not.toBe(ZeroAddress);
    const token = ClusterShareToken__factory.connect(entry.contracts.token, node.chain);
    expect([await token.name(), await token.symbol()]).toEqual([file.name, file.symbol]);
  });

  it("sets the vault, offering, queue and NAV oracle to the file's values in base units", async () => {
    const { contracts } = launched;
    const vault = RevenueVault__factory.connect(contracts.vault, node.chain);
    const config = await vault.config();
    expect(config.epochLength).toBe(604_800n);
    expect([config.operatorFeeBps, config.reserveBps]).toEqual([1_000n, 500n]);
    expect(config.maxRevenuePerEpoch).toBe(750_000n * USDC + USDC / 2n);
    const feed = await vault.revenueFeed();
    expect([feed.aggregator, feed.heartbeat]).toEqual([file.revenueFeed, 172_800n]);

    const offering = ClusterOffering__factory.connect(contracts.offering, node.chain);
    const terms = await offering.terms();
    expect((terms.lotAssets * SHARE) / terms.lotShares).toBe(2_500_000n);
    expect([terms.softCap, terms.hardCap]).toEqual([1_000_000n * USDC, 4_000_000n * USDC]);
    expect(terms.deadline).toBe(BigInt(Date.parse(file.offering.deadline) / 1000));
    expect([terms.minPerAccount, terms.maxPerAccount]).toEqual([100n * USDC, 250_000n * USDC]);

    const queue = RedemptionQueue__factory.connect(contracts.redemptionQueue, node.chain);
    expect((await queue.settings()).redemptionFeeBps).toBe(50n);
    const schedule = await NavOracle__factory.connect(contracts.navOracle, node.chain).schedule();
    expect([schedule.usefulLife, schedule.salvageBps, schedule.maxDeviationBps, schedule.navHeartbeat, schedule.cost])
      .toEqual([94_608_000n, 1_000n, 2_000n, 86_400n, 0n]);
  });

  it("launches nothing on a second run of the same file", async () => {
    const nonce = await node.chain.getTransactionCount(operator);
    const again = await launchFrom(file);
    expect(again.clusterId).toBe(launched.clusterId);
    expect(again.contracts.token).toBe(launched.contracts.token);
    expect(await node.chain.getTransactionCount(operator)).toBe(nonce);
  });

  it("launches a cluster without a raise: initial shares to the holder, hardware at cost", async () => {
    const { offering: _raise, ...rest } = file;
    const holder = node.accounts[6];
    const owned = await launchFrom({
      ...rest, symbol: "csH100OSL", stablecoin: undefined, withAllowlist: false,
      initialHolder: holder, initialShares: "64000",
      nav: { ...file.nav, hardwareCost: "1600000" },
    });
    expect(owned.clusterId).toBe(launched.clusterId + 1n);
    const token = ClusterShareToken__factory.connect(owned.contracts.token, node.chain);
    expect(await token.balanceOf(holder)).toBe(64_000n * SHARE);
    expect((await NavOracle__factory.connect(owned.contracts.navOracle, node.chain).schedule()).cost).toBe(1_600_000n * USDC);
    expect(owned.contracts.policy).toBe(ZeroAddress);
  });

  it("refuses a bad file naming the field, before sending anything", async () => {
    const nonce = await node.chain.getTransactionCount(operator);
    const bad = (patch: object, field: string) => {
      const read = () => readClusterConfig({ ...file, ...patch }).launchParams(6);
      expect(read).toThrow(InvalidClusterConfigError);
      expect(read).toThrow(new RegExp(`^Invalid cluster config: ${field.replace(".", "\\.")} `));
    };
    bad({ gpuCount: 0 }, "gpuCount");
    bad({ operatorFeeBps: 10_001 }, "operatorFeeBps");
    bad({ revenueFeed: "0x1234" }, "revenueFeed");
    bad({ maxRevenuePerEpoch: "1e6" }, "maxRevenuePerEpoch");
    bad({ maxRevenuePerEpoch: "1.0000001" }, "maxRevenuePerEpoch");
    bad({ offering: { ...file.offering, deadline: "next spring" } }, "offering.deadline");
    bad({ offering: { ...file.offering, hardCap: 4_000_000 } }, "offering.hardCap");
    bad({ initialShares: "10" }, "initialShares");
    bad({ nav: { ...file.nav, hardwareCost: "10" } }, "nav.hardwareCost");
    bad({ offering: undefined, initialHolder: operator, initialShares: "10" }, "nav.hardwareCost");
    bad({ metadataHash: "0xabc" }, "metadataHash");
    bad({ symbol: "" }, "symbol");
    bad({ keepr: operator }, "keepr");
    bad({ nav: { ...file.nav, usefullLife: 1 } }, "nav.usefullLife");
    expect(() => readClusterConfig({ ...file, stablecoin: undefined })).toThrow(/^Invalid cluster config: stablecoin /);
    expect(await node.chain.getTransactionCount(operator)).toBe(nonce);
  });
});
