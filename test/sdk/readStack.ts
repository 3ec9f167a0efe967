/**
 * The stack the SDK read tests run against: a Hardhat node over JSON-RPC with Multicall3 at its canonical address,
 * the protocol with two clusters (a raise that sold out and now earns and redeems; a raise that failed), and the
 * local runner serving the real built subgraph (npm run subgraph:build, pointed at this factory). The runner does
 * not poll: tests sync it, or hold it behind the head.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  closeEpochAt, deployCluster, ethers, increaseTime, latestTimestamp, launchParams, navParams, DAY, SHARE, type Deployment,
} from "../helpers/fixtures";
import { ensureSubgraphBuilt, indexChain } from "../../scripts/demo/indexing";
import { deployMulticall3 } from "../../scripts/deploy/multicall3";
import type { Runner } from "../../runner/src/runner";
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

/** Pays `rent` whole stablecoins, then closes the epoch attesting all of it on top of `billed`; returns the new total. */
async function rentedEpoch(d: Deployment, rent: bigint, billed: bigint): Promise<bigint> {
  await d.vault.connect(d.renter).payRent(rent * d.unit, ethers.id(`invoice ${billed}`));
  await closeEpochAt(d, billed + rent * d.unit);
  return billed + rent * d.unit;
}

/** Accounts holding one wei of cluster 0's shares: past the subgraph's 1,000-row page. */
export const DUST_HOLDERS = 1_200;

/**
 * Sends one wei of shares from `from` to `count` fresh addresses, a few hundred transfers per block (automining
 * paused), so a cluster has more positions than one subgraph page holds.
 */
async function spreadDust(d: Deployment, from: HardhatEthersSigner, count: number): Promise<void> {
  const perBlock = 400;
  const token = await d.token.getAddress();
  // Straight to the node: it fills in the nonce, where a signer would ask for it, the chain id and fees per transfer.
  const send = (to: string) => ethers.provider.send("eth_sendTransaction", [{
    from: from.address, to: token, gas: "0x11170", data: d.token.interface.encodeFunctionData("transfer", [to, 1n]),
  }]);
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    for (let sent = 0; sent < count; sent += perBlock) {
      for (let i = sent; i < Math.min(count, sent + perBlock); i++) await send(ethers.getAddress(ethers.hexlify(ethers.randomBytes(20))));
      await ethers.provider.send("evm_mine", []);
    }
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
}

/** Deploys, plays the scenario, starts the runner and indexes to the head. */
export async function startReadStack(): Promise<ReadStack> {
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
  const purchases: [ClusterOffering, HardhatEthersSigner, bigint][] = [
    [d.offering, alice, 500_000n], [d.offering, bob, 300_000n], [d.offering, carol, 200_000n],
    [failed.offering, alice, 9_000n], [failed.offering, bob, 3_000n],
  ];
  for (const [offering, investor, whole] of purchases) await invest(d, offering, investor, whole);
  await d.offering.finalize();
  await increaseTime(RAISE_DAYS * DAY + 1);
  await failed.offering.finalize();

  // Rent over three epochs, a NAV, a claim; then redemptions larger than the reserve, partly filled by a settlement.
  let billed = 0n;
  for (const rent of [80_000n, 100_000n, 120_000n]) billed = await rentedEpoch(d, rent, billed);
  await increaseTime(DAY);
  await d.token.connect(alice).claim(alice.address);
  await d.token.connect(alice).transfer(d.holders[3].address, 1_000n * SHARE);
  await d.nav.update();
  await d.queue.connect(carol).requestRedeem(90_000n * SHARE, carol.address, carol.address);
  await d.queue.connect(bob).requestRedeem(50_000n * SHARE, bob.address, bob.address);
  await rentedEpoch(d, 100_000n, billed);
  await d.nav.update();
  await d.queue.settle();
  // Dave asks in the fresh era: a request behind what is left of era 1.
  const dave = d.holders[3];
  await d.queue.connect(dave).requestRedeem(500n * SHARE, dave.address, dave.address);
  await increaseTime(DAY);
  await spreadDust(d, alice, DUST_HOLDERS);

  // The built subgraph (npm run subgraph:build) pointed at this factory: the mappings do not depend on addresses.
  ensureSubgraphBuilt();
  const indexed = await indexChain(await d.factory.getAddress(), startBlock);
  // The fallback tests stop the runner before the stack closes it: closing twice must be harmless.
  const closeRunner = indexed.runner.close.bind(indexed.runner);
  let runnerClosed: Promise<void> | undefined;
  indexed.runner.close = () => (runnerClosed ??= closeRunner());
  const { chainId } = await ethers.provider.getNetwork();
  return {
    d, failed, alice, bob, carol, rpcUrl: indexed.rpcUrl, runner: indexed.runner, subgraphUrl: indexed.subgraphUrl,
    deployment: { network: "hardhat", chainId: Number(chainId), startBlock, factory: await d.factory.getAddress(), multicall3 },
    close: () => indexed.close(),
  };
}
