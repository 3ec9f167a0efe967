/**
 * SDK benchmark (bench/sdk.json): network round trips of an investor page's reads, counted at the HTTP layer by
 * proxies in front of the JSON-RPC node and the runner, on 20 clusters; and the SDK's size (C1's sdkSize.ts).
 * Every read is made by a fresh client, so nothing it caches (stablecoin decimals) comes from an earlier read.
 * Builds the SDK (tsup) before measuring its size.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  closeEpochAt, deployCluster, ethers, increaseTime, launchParams, navParams, EPOCH, SHARE, type Deployment,
} from "../../test/helpers/fixtures";
import { deployMulticall3 } from "../deploy/multicall3";
import { ensureSubgraphBuilt, indexChain } from "../demo/indexing";
import { createClusterShareClient, type ClusterShareClient } from "../../sdk/src/client";
import type { Deployment as SdkDeployment } from "../../sdk/src/deployment";
import type { Sourced } from "../../sdk/src/fetch/source";
import { startCountingProxy, type CountingProxy } from "./countingProxy";
import { SDK_ESM_ENTRY, sdkSizeMinGzipKb } from "./sdkSize";

/** One figure of bench/sdk.json. */
export interface SdkFigure {
  figure: string;
  value: number;
  unit: string;
  goal: number;
}

const CLUSTERS = 20;
const SHARES_PER_CLUSTER = 1_000_000n * SHARE;

/** Launches 20 clusters whose shares the investor holds, with a closed epoch each and a pending redemption in some. */
async function twentyClusters(): Promise<{ d: Deployment; investor: string; startBlock: number; multicall3: string }> {
  const multicall3 = await deployMulticall3(ethers.provider);
  const startBlock = await ethers.provider.getBlockNumber();
  const d = await deployCluster();
  const investor = d.holders[0];
  const vaults = [d.vault];
  for (let i = 1; i < CLUSTERS; i++) {
    const id = await d.factory.clusterCount();
    await d.factory.connect(d.operator).launch(launchParams({
      name: `Cluster ${i}`, symbol: `CS${i}`, stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(),
      keeper: d.keeper.address, initialHolder: investor.address, initialShares: SHARES_PER_CLUSTER,
      maxRevenuePerEpoch: 10_000_000n * d.unit, nav: navParams({ hardwareCost: (SHARES_PER_CLUSTER * d.unit) / SHARE }),
    }));
    const { contracts } = await d.factory.cluster(id);
    vaults.push(d.vault.attach(contracts.vault) as typeof d.vault);
    await d.stable.connect(d.renter).approve(contracts.vault, ethers.MaxUint256);
  }
  for (const vault of vaults) await vault.connect(d.renter).payRent(10_000n * d.unit, ethers.id(`rent ${await vault.getAddress()}`));
  await increaseTime(EPOCH);
  // One shared revenue feed: every vault attests the same cumulative billing, each from its own high-water mark.
  await closeEpochAt(d, 10_000n * d.unit);
  for (const vault of vaults.slice(1)) await vault.closeEpoch();
  await d.nav.update();
  await d.queue.connect(investor).requestRedeem(1_000n * SHARE, investor.address, investor.address);
  await increaseTime(3600);
  return { d, investor: investor.address, startBlock, multicall3 };
}

/** Requests `read` makes through the proxies, checking it answered from `source`. */
async function requestsOf<T>(proxies: CountingProxy[], source: "subgraph" | "chain", read: () => Promise<Sourced<T>>): Promise<number> {
  for (const proxy of proxies) proxy.reset();
  const answer = await read();
  if (answer.source !== source) throw new Error(`expected a ${source} answer, got ${answer.source}: ${answer.fallbackReason}`);
  return proxies.reduce((sum, proxy) => sum + proxy.count(), 0);
}

/** Measures the figures and writes them to `file`. */
export async function sdkFigures(file: string): Promise<SdkFigure[]> {
  const { d, investor, startBlock, multicall3 } = await twentyClusters();
  ensureSubgraphBuilt();
  const indexed = await indexChain(await d.factory.getAddress(), startBlock);
  const node = await startCountingProxy(indexed.rpcUrl);
  const subgraph = await startCountingProxy(indexed.subgraphUrl);
  const down = await startCountingProxy(indexed.subgraphUrl);
  await down.close();
  try {
    const deployment: SdkDeployment = {
      network: "hardhat", chainId: Number((await ethers.provider.getNetwork()).chainId), startBlock,
      factory: await d.factory.getAddress(), multicall3,
    };
    const client = (subgraphUrl: string): Promise<ClusterShareClient> =>
      createClusterShareClient({ rpcUrl: node.url, subgraphUrl, deployment });
    const portfolio = await requestsOf([node, subgraph], "subgraph", async () => {
      const answer = await (await client(subgraph.url)).getInvestment(investor);
      if (answer.data.clusters.length !== CLUSTERS) throw new Error(`the investment spans ${answer.data.clusters.length} clusters`);
      return answer;
    });
    const page = await requestsOf([node, subgraph], "subgraph", async () => (await client(subgraph.url)).cluster(d.clusterId));
    const fallback = await requestsOf([node, subgraph], "chain", async () => (await client(down.url)).getInvestment(investor));
    const figures: SdkFigure[] = [
      { figure: "portfolio-20-clusters-requests", value: portfolio, unit: "HTTP requests (subgraph + JSON-RPC)", goal: 2 },
      { figure: "cluster-page-requests", value: page, unit: "HTTP requests (subgraph + JSON-RPC)", goal: 2 },
      { figure: "portfolio-fallback-requests", value: fallback, unit: "HTTP requests (JSON-RPC; the subgraph refuses connections)", goal: 2 },
    ];
    // The size of the SDK as it is now, not of an earlier build.
    execFileSync("npm", ["run", "build", "-w", "sdk", "--silent"], { cwd: path.join(__dirname, "..", ".."), stdio: "ignore" });
    figures.push({ figure: "sdk-size-min-gzip-kb", value: await sdkSizeMinGzipKb(SDK_ESM_ENTRY), unit: "kB min+gzip without ethers", goal: 60 });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(figures, null, 2) + "\n");
    return figures;
  } finally {
    await node.close();
    await subgraph.close();
    await indexed.close();
  }
}

if (require.main === module) {
  sdkFigures(path.join(__dirname, "..", "..", "bench", "sdk.json")).then(
    (figures) => console.table(figures),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
