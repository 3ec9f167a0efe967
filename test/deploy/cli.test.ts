import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ZeroHash } from "ethers";
import { ClusterFactory__factory, MockStablecoin__factory, MockV3Aggregator__factory } from "../../sdk/src/types";
import { deploymentPath, readDeploymentFile } from "../../scripts/deploy/deploymentFile";
import { connectNode, journalDir, type NodeConnection } from "./node";

/** Hardhat's well-known first development account: what DEPLOYER_KEY holds on a real network. */
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/** Its tenth: the operator, who launches the cluster with its own key. */
const OPERATOR_KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
const ROOT = join(__dirname, "../..");

describe("npm run deploy, configured from the environment, against a node at RPC_URL", () => {
  let node: NodeConnection;
  let work: string;
  let cluster: string;
  let stablecoin: string;

  /** Runs `npm run deploy -- --network staging --cluster <file>` (as npm would: ts-node on the CLI). */
  const deploy = () =>
    promisify(execFile)(
      process.execPath,
      [
        require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/deploy/cli.ts",
        "--network", "staging", "--cluster", cluster, "--deployments", work, "--journals", work,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, RPC_URL: node.url, DEPLOYER_KEY, OPERATOR_KEY, ADMIN: node.accounts[1], STABLECOIN: stablecoin, HARDHAT_NETWORK: "" },
      },
    );

  beforeAll(async () => {
    node = await connectNode();
    const operatorSide = await node.chain.getSigner(node.accounts[9]);
    stablecoin = await (await new MockStablecoin__factory(operatorSide).deploy("USD Coin", "USDC", 6)).getAddress();
    const feed = await (await new MockV3Aggregator__factory(operatorSide).deploy(8, 0n)).getAddress();
    work = dirname(journalDir());
    cluster = join(work, "oslo.json");
    writeFileSync(cluster, JSON.stringify({
      name: "A100 Cluster Oslo", symbol: "csA100OSL", gpuModel: "NVIDIA A100 80GB", gpuCount: 64, region: "eu-north",
      metadataURI: "ipfs://bafy-oslo", revenueFeed: feed, revenueHeartbeat: 172_800, maxRevenuePerEpoch: "100000",
      epochLength: 604_800, operatorFeeBps: 1_000, reserveBps: 500, redemptionFeeBps: 50,
      initialHolder: node.accounts[9], initialShares: "64000", nav: { maxDeviationBps: 2_000, salvageBps: 1_000, navHeartbeat: 86_400, hardwareCost: "640000" },
    }));
  });
  afterAll(() => node?.close());

  it("deploys the protocol and the cluster, writes the deployment file, and deploys nothing when run again", async () => {
    const [deployer, admin] = node.accounts;
    const first = await deploy();
    expect(first.stdout).toMatch(/cluster 0 \(csA100OSL\)/);
    const deployment = readDeploymentFile(deploymentPath("staging", work));
    expect(deployment).toMatchObject({ network: "staging", chainId: 31337, stablecoin });
    const factory = ClusterFactory__factory.connect(deployment.factory, node.chain);
    expect(await factory.hasRole(ZeroHash, admin)).toBe(true);
    expect(await factory.hasRole(ZeroHash, deployer)).toBe(false);
    // GUARDIAN defaults to ADMIN.
    expect(await factory.hasRole(await factory.GUARDIAN_ROLE(), admin)).toBe(true);
    expect(await factory.hasRole(await factory.GUARDIAN_ROLE(), deployer)).toBe(false);
    expect(await factory.clusterCount()).toBe(1n);
    expect(await factory.operatorOf(0)).toBe(node.accounts[9]);

    const nonce = await node.chain.getTransactionCount(deployer);
    const operatorNonce = await node.chain.getTransactionCount(node.accounts[9]);
    const second = await deploy();
    expect(second.stdout).toMatch(/cluster 0 \(csA100OSL\)/);
    expect(await node.chain.getTransactionCount(deployer)).toBe(nonce);
    expect(await node.chain.getTransactionCount(node.accounts[9])).toBe(operatorNonce);
    expect(readDeploymentFile(deploymentPath("staging", work))).toEqual(deployment);
    expect(await factory.clusterCount()).toBe(1n);
  });
});
