/**
 * The stack the SDK read tests run against: a Hardhat node over JSON-RPC with Multicall3 at its canonical address,
 * the protocol with two clusters (a raise that sold out and now earns and redeems; a raise that failed), and the
 * local runner serving the real built subgraph of that factory. The runner does not poll: tests sync it, or hold
 * it behind the head.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  closeEpochAt, deployCluster, ethers, increaseTime, latestTimestamp, launchParams, navParams, DAY, SHARE, type Deployment,
} from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { buildSubgraph } from "../../scripts/subgraph/build";
import { deployMulticall3 } from "../../scripts/deploy/multicall3";
import { startRunner, type Runner } from "../../runner/src/runner";
import { ClusterOffering__factory, ClusterShareToken__factory, type ClusterOffering, type ClusterShareToken } from "../../sdk/src/types";
import type { Deployment as SdkDeployment } from "../../sdk/src/deployment";

export interface ReadStack {
  d: Deployment;
  failed: { id: bigint; offering: ClusterOffering; token: ClusterShareToken };
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  rpcUrl: string;
  runner: Runner;
  subgraphUrl: string;
  deployment: SdkDeployment;
  close(): Promise<void>;
}

const RAISE_DAYS = 30;

async function invest(d: Deployment, offering: ClusterOffering, investor: HardhatEthersSigner, whole: bigint): Promise<void> {
  await d.stable.mint(investor.address, whole * d.unit);
  await d.stable.connect(investor).approve(offering.target, ethers.MaxUint256);
  await offering.connect(investor).buy(whole * d.unit, investor.address);
}

/** Deploys, plays the scenario, starts the runner and indexes to the head. */
export async function startReadStack(): Promise<ReadStack> {
  const node = await startRpcNode();
  const multicall3 = await deployMulticall3(ethers.provider);
  const startBlock = await ethers.provider.getBlockNumber();
  const d = await deployCluster({ raise: { price: 2n, softCap: 400_000n, hardCap: 1_000_000n, duration: RAISE_DAYS * DAY }, reserveBps: 2_000n });
  const [alice, bob, carol] = d.holders;

  // A second raise from the same factory, which will miss its soft cap.
  const failedId = await d.factory.clusterCount();
  await d.factory.connect(d.operator).launch(launchParams({
    name: "A100 Cluster Oslo", symbol: "csA100OSL", stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(),
    offering: {
      pricePerShare: 3n * d.unit, softCap: 100_000n * d.unit, hardCap: 200_000n * d.unit,
      deadline: (await latestTimestamp()) + BigInt(RAISE_DAYS * DAY), minPerAccount: 0n, maxPerAccount: 0n,
    },
    nav: navParams(),
  }));
  const { contracts } = await d.factory.cluster(failedId);
  const failed = {
    id: failedId,
    offering: ClusterOffering__factory.connect(contracts.offering, d.admin),
    token: ClusterShareToken__factory.connect(contracts.token, d.admin),
  };

  // The first raise sells out (hard cap) and earns; the second gets two buyers and fails at its deadline.
  await invest(d, d.offering, alice, 500_000n);
  await invest(d, d.offering, bob, 300_000n);
  await invest(d, d.offering, carol, 200_000n);
  await d.offering.finalize();
  await invest(d, failed.offering, alice, 9_000n);
  await invest(d, failed.offering, bob, 3_000n);
  await increaseTime(RAISE_DAYS * DAY + 1);
  await failed.offering.finalize();

  // Rent over three epochs, a NAV, a claim; then redemptions larger than the reserve, partly filled by a settlement.
  let billed = 0n;
  for (const rent of [80_000n, 100_000n, 120_000n]) {
    await d.vault.connect(d.renter).payRent(rent * d.unit, ethers.id(`invoice ${billed}`));
    billed += rent * d.unit;
    await closeEpochAt(d, billed);
  }
  await increaseTime(DAY);
  await d.token.connect(alice).claim(alice.address);
  await d.token.connect(alice).transfer(d.holders[3].address, 1_000n * SHARE);
  await d.nav.update();
  await d.queue.connect(carol).requestRedeem(90_000n * SHARE, carol.address, carol.address);
  await d.queue.connect(bob).requestRedeem(50_000n * SHARE, bob.address, bob.address);
  await d.vault.connect(d.renter).payRent(100_000n * d.unit, ethers.id("invoice 4"));
  billed += 100_000n * d.unit;
  await closeEpochAt(d, billed);
  await d.nav.update();
  await d.queue.settle();
  // Dave asks in the fresh era: a request behind what is left of era 1.
  const dave = d.holders[3];
  await d.queue.connect(dave).requestRedeem(500n * SHARE, dave.address, dave.address);
  await increaseTime(DAY);

  const buildDir = dirname(buildSubgraph(
    { network: "hardhat", factory: await d.factory.getAddress(), startBlock },
    mkdtempSync(join(tmpdir(), "clustershare-sdk-subgraph-")),
  ));
  const runner = await startRunner({ buildDir, rpcUrl: node.url, port: 0, blockRange: 200 });
  await runner.sync();
  if (runner.indexer.error) throw new Error(`indexing failed: ${runner.indexer.error.message}`);
  const { chainId } = await ethers.provider.getNetwork();
  return {
    d, failed, alice, bob, carol, rpcUrl: node.url, runner, subgraphUrl: runner.url!,
    deployment: { network: "hardhat", chainId: Number(chainId), startBlock, factory: await d.factory.getAddress(), multicall3 },
    async close() {
      // The fallback tests stop the runner themselves.
      await runner.close().catch(() => undefined);
      await node.close();
    },
  };
}
