import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { JsonRpcProvider } from "ethers";
import { readDeploymentFile } from "../../scripts/deploy/deploymentFile";
import { createClusterShareClient, type ClusterShareClient } from "../../sdk/src";
import { ClusterFactory__factory, ClusterShareToken__factory, ClusterOffering__factory } from "../../sdk/src/types";
import { isListening, startStackProcess, type StackProcess } from "./stackProcess";

describe("npm run dev: the local stack as a child process", () => {
  let stack: StackProcess;
  let chain: JsonRpcProvider;
  let client: ClusterShareClient;

  beforeAll(async () => {
    stack = await startStackProcess(1);
    chain = new JsonRpcProvider(stack.rpcUrl, undefined, { staticNetwork: true });
    client = await createClusterShareClient({ rpcUrl: stack.rpcUrl, subgraphUrl: stack.graphqlUrl, deployment: stack.deploymentFile });
  }, 300_000);
  afterAll(async () => {
    chain?.destroy();
    await stack?.stop("SIGKILL");
  });

  it("writes the deployment file of the chain it serves and prints its URLs and addresses", async () => {
    const deployment = readDeploymentFile(stack.deploymentFile);
    expect(deployment.network).toBe("localhost");
    expect(deployment.chainId).toBe(Number((await chain.getNetwork()).chainId));
    expect(await chain.getCode(deployment.factory)).not.toBe("0x");
    expect(await chain.getCode(deployment.multicall3)).not.toBe("0x");
    expect(stack.output()).toContain(stack.graphqlUrl);
    expect(stack.output()).toContain(deployment.factory);
  });

  it("serves seeded clusters through the SDK from the subgraph, equal to direct contract reads", async () => {
    const { factory: factoryAddress } = readDeploymentFile(stack.deploymentFile);
    const factory = ClusterFactory__factory.connect(factoryAddress, chain);
    const count = await factory.clusterCount();
    // The demo's seed: two operating clusters and the failed raise.
    expect(count).toBe(3n);
    const { data: clusters, source } = await client.clusters();
    expect(source).toBe("subgraph");
    expect(clusters.map((c) => c.id)).toEqual([0n, 1n, 2n]);
    for (const cluster of clusters) {
      const { contracts } = await factory.cluster(cluster.id);
      const token = ClusterShareToken__factory.connect(contracts.token, chain);
      const offering = ClusterOffering__factory.connect(contracts.offering, chain);
      expect(cluster.contracts.token).toBe(contracts.token);
      expect(cluster.name).toBe(await token.name());
      expect(cluster.totalSupply.raw).toBe(await token.totalSupply());
      expect(cluster.raised.raw).toBe((await offering.raiseState()).raised);
    }
    expect(clusters.filter((c) => c.state === "Active")).toHaveLength(2);
    expect(clusters[0].totalSupply.raw).toBeGreaterThan(0n);
  });

  it("answers GraphQL at /subgraphs/name/clustershare, indexed up to the chain's head", async () => {
    const response = await fetch(stack.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ clusters(orderBy: createdAt) { id totalSupply } _meta { block { number } hasIndexingErrors } }" }),
    });
    const { data } = (await response.json()) as { data: { clusters: { id: string; totalSupply: string }[]; _meta: { block: { number: number }; hasIndexingErrors: boolean } } };
    expect(data._meta.hasIndexingErrors).toBe(false);
    expect(data._meta.block.number).toBeGreaterThanOrEqual((await chain.getBlockNumber()) - 1);
    const factory = ClusterFactory__factory.connect(readDeploymentFile(stack.deploymentFile).factory, chain);
    for (const row of data.clusters) {
      const token = ClusterShareToken__factory.connect((await factory.cluster(BigInt(row.id))).contracts.token, chain);
      expect(BigInt(row.totalSupply)).toBe(await token.totalSupply());
    }
    expect(data.clusters).toHaveLength(3);
  });

  it("stops on SIGTERM with exit code 0, leaving nothing listening on either port", async () => {
    chain.destroy();
    const { code } = await stack.stop("SIGTERM");
    expect(code).toBe(0);
    expect(stack.output()).toMatch(/stopped/);
    expect(await isListening(stack.rpcPort)).toBe(false);
    expect(await isListening(stack.graphqlPort)).toBe(false);
  });
});
