import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { ZeroHash } from "ethers";
import { parse as parseYaml } from "yaml";
import { ClusterFactory__factory, type ClusterFactory } from "../../sdk/src/types";
import { deployProtocol, type ProtocolDeployment } from "../../scripts/deploy/protocol";
import { IgnitionRunError } from "../../scripts/deploy/ignition";
import { MULTICALL3_ADDRESS } from "../../scripts/deploy/multicall3";
import type { ProtocolConfig } from "../../ignition/modules/Protocol";
import { deploymentPath, readDeploymentFile, writeDeploymentFile } from "../../scripts/deploy/deploymentFile";
import { writeNetworkManifest } from "../../scripts/subgraph/manifest";
import { connectNode, journalDir, type NodeConnection } from "./node";

describe("the protocol module, deployed with Ignition over JSON-RPC", () => {
  let node: NodeConnection;
  let config: ProtocolConfig;
  let dir: string;
  let first: ProtocolDeployment;
  let factory: ClusterFactory;

  beforeAll(async () => {
    node = await connectNode();
    const [deployer, admin, guardian, feeRecipient] = node.accounts;
    config = { deployer, admin, guardian, feeRecipient, protocolFeeBps: 250 };
    dir = journalDir();
    first = await deployProtocol({ provider: node.eip1193, network: "localhost", deploymentDir: dir, config });
    factory = ClusterFactory__factory.connect(first.deployment.factory, node.chain);
  });
  afterAll(() => node?.close());

  it("deploys the factory over the six implementations, with the roles handed to the admin", async () => {
    const implementations = await factory.implementations();
    expect([...implementations]).toEqual([
      first.contracts.shareToken, first.contracts.revenueVault, first.contracts.offering,
      first.contracts.redemptionQueue, first.contracts.navOracle, first.contracts.allowlistPolicy,
    ]);
    const guardianRole = await factory.GUARDIAN_ROLE();
    expect(await factory.hasRole(ZeroHash, config.admin)).toBe(true);
    expect(await factory.hasRole(guardianRole, config.admin)).toBe(true);
    expect(await factory.hasRole(guardianRole, config.guardian)).toBe(true);
    // The deployer configured the factory and then gave up every role.
    expect(await factory.hasRole(ZeroHash, config.deployer)).toBe(false);
    expect(await factory.hasRole(guardianRole, config.deployer)).toBe(false);
    expect(await factory.protocolFee()).toEqual([config.feeRecipient, 250n]);
  });

  it("describes the deployment in the deployment file's shape, from the factory's own block", async () => {
    const { deployment } = first;
    expect(deployment).toMatchObject({ network: "localhost", chainId: 31337, factory: first.contracts.factory, multicall3: MULTICALL3_ADDRESS });
    expect(await node.chain.getCode(MULTICALL3_ADDRESS)).not.toBe("0x");
    expect(await node.chain.getCode(deployment.factory, deployment.startBlock)).not.toBe("0x");
    expect(await node.chain.getCode(deployment.factory, deployment.startBlock - 1)).toBe("0x");
  });

  it("deploys nothing on a second run: same addresses, no transaction sent", async () => {
    const nonce = await node.chain.getTransactionCount(config.deployer);
    const block = await node.chain.getBlockNumber();
    const again = await deployProtocol({ provider: node.eip1193, network: "localhost", deploymentDir: dir, config });
    expect(again).toEqual(first);
    expect(await node.chain.getTransactionCount(config.deployer)).toBe(nonce);
    expect(await node.chain.getBlockNumber()).toBe(block);
  });

  it("refuses a re-run whose roles differ from the journal's, sending nothing", async () => {
    const nonce = await node.chain.getTransactionCount(config.deployer);
    const changed = { ...config, guardian: node.accounts[5] };
    const run = deployProtocol({ provider: node.eip1193, network: "localhost", deploymentDir: dir, config: changed });
    await expect(run).rejects.toBeInstanceOf(IgnitionRunError);
    await expect(run).rejects.toThrow(/RECONCILIATION_ERROR/);
    expect(await node.chain.getTransactionCount(config.deployer)).toBe(nonce);
  });

  it("writes the deployment file and, from it, the subgraph manifest for the named network", () => {
    const deploymentsDir = join(dirname(dir), "deployments");
    writeDeploymentFile(deploymentPath("localhost", deploymentsDir), first.deployment);
    expect(readDeploymentFile(deploymentPath("localhost", deploymentsDir))).toEqual(first.deployment);

    const testBuild = join(__dirname, "../../subgraph/subgraph.yaml");
    const before = existsSync(testBuild) ? readFileSync(testBuild, "utf8") : undefined;
    const path = writeNetworkManifest("localhost", deploymentsDir);
    try {
      const manifest = parseYaml(readFileSync(path, "utf8"));
      expect(manifest.dataSources).toHaveLength(1);
      const [factorySource] = manifest.dataSources;
      expect(factorySource).toMatchObject({
        name: "ClusterFactory",
        network: "localhost",
        source: { address: first.deployment.factory, startBlock: first.deployment.startBlock, abi: "ClusterFactory" },
      });
      // Templates index the clusters the factory launches, on the same network.
      expect(manifest.templates.map((t: { network: string }) => t.network)).toEqual(
        Array(manifest.templates.length).fill("localhost"),
      );
      expect(manifest.templates.length).toBeGreaterThanOrEqual(5);
    } finally {
      rmSync(path);
    }
    // The tests' own build (hardhat network, placeholder address) is left as it was.
    expect(existsSync(testBuild) ? readFileSync(testBuild, "utf8") : undefined).toBe(before);
  });

  // Last: it resets the chain.
  it("redeploys on a local chain restarted from genesis instead of trusting the stale journal", async () => {
    await node.chain.send("hardhat_reset", []);
    expect(await node.chain.getCode(first.deployment.factory)).toBe("0x");
    const fresh = await deployProtocol({ provider: node.eip1193, network: "localhost", deploymentDir: dir, config });
    expect(await node.chain.getCode(fresh.deployment.factory)).not.toBe("0x");
    expect(await node.chain.getTransactionCount(config.deployer)).toBeGreaterThan(0);
    expect(await ClusterFactory__factory.connect(fresh.deployment.factory, node.chain).hasRole(ZeroHash, config.admin)).toBe(true);
  });
});
