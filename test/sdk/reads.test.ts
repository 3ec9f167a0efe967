import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { ethers, increaseTime, latestTimestamp, launchParams, navParams, SHARE } from "../helpers/fixtures";
import { earnedAt } from "../../sdk/src/math/stream";
import { DUST_HOLDERS, startReadStack, type ReadStack } from "./readStack";
import { createClusterShareClient, type ClusterShareClient } from "../../sdk/src/client";
import { UnknownClusterError } from "../../sdk/src/fetch/cluster";
import { WAD } from "../../sdk/src/math/constants";
import { querySubgraph, SubgraphQueryError } from "../../sdk/src/fetch/subgraph/client";
import { InvalidDeploymentError } from "../../sdk/src/deployment";
import { MULTICALL3_ADDRESS, MULTICALL3_DEPLOYER, deployMulticall3 } from "../../scripts/deploy/multicall3";
import { startCountingProxy } from "../../scripts/bench/countingProxy";
import { LogRangeError } from "../../sdk/src/fetch/chain/logs";
import { startLogLimitNode } from "./readsLogLimitNode";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("SDK reads: the subgraph through the runner and the chain through Multicall3 agree with the contracts", () => {
  let stack: ReadStack;
  let indexed: ClusterShareClient;
  let chainOnly: ClusterShareClient;

  beforeAll(async () => {
    stack = await startReadStack();
    indexed = await createClusterShareClient({ rpcUrl: stack.rpcUrl, subgraphUrl: stack.subgraphUrl, deployment: stack.deployment });
    chainOnly = await createClusterShareClient({ rpcUrl: stack.rpcUrl, deployment: stack.deployment });
  }, 240_000);

  afterAll(async () => {
    await stack?.close();
  });

  it("clusters(): both sources return the same clusters, equal to the contracts' views", async () => {
    const fromSubgraph = await indexed.clusters();
    const fromChain = await chainOnly.clusters();
    expect(fromSubgraph.source, fromSubgraph.fallbackReason).toBe("subgraph");
    expect(fromChain.source).toBe("chain");
    expect(fromSubgraph.block).toBe(await ethers.provider.getBlockNumber());
    expect(fromChain.block).toBe(fromSubgraph.block);
    expect(fromSubgraph.data).toEqual(fromChain.data);

    const { d, failed } = stack;
    const [earning, refunding] = fromChain.data;
    expect(fromChain.data.map((c) => [c.id, c.state])).toEqual([[d.clusterId, "Active"], [failed.id, "RaiseFailed"]]);
    expect(earning.contracts.token).toBe(await d.token.getAddress());
    expect(earning.totalSupply.raw).toBe(await d.token.totalSupply());
    expect(earning.reserve.raw).toBe(await d.vault.reserve());
    expect(earning.raised.raw).toBe((await d.offering.raiseState()).raised);
    expect(earning.navPerShare?.raw).toBe((await d.nav.latestRoundData())[1]);
    expect(earning.pricePerShare).toEqual({ raw: 2n * d.unit, decimals: 6 });
    expect(earning.stablecoinDecimals).toBe(6);
    expect(refunding.navPerShare).toBeNull();
    expect(refunding.raised.raw).toBe(12_000n * d.unit);
  });

  it("cluster(id): the page (cluster and closed epochs) agrees across sources and with the vault's events", async () => {
    const { d } = stack;
    const fromSubgraph = await indexed.cluster(d.clusterId);
    const fromChain = await chainOnly.cluster(d.clusterId);
    expect([fromSubgraph.source, fromChain.source], fromSubgraph.fallbackReason).toEqual(["subgraph", "chain"]);
    expect(fromSubgraph.data).toEqual(fromChain.data);
    const epochs = fromChain.data.epochs;
    expect(epochs.map((e) => e.number)).toEqual([1n, 2n, 3n, 4n]);
    expect(BigInt(epochs.length)).toBe((await d.vault.currentEpoch()) - 1n);
    expect(epochs[3].nextEpochEnd).toBe(Number(await d.vault.epochEnd()));
    const held = epochs.reduce((sum, e) => sum + e.toReserve.raw, 0n);
    expect(held).toBeGreaterThan(0n);
    await expect(indexed.cluster(99n)).rejects.toBeInstanceOf(UnknownClusterError);
    await expect(chainOnly.cluster(99n)).rejects.toBeInstanceOf(UnknownClusterError);
  });

  it("positions(id): every holder past the 1,000-row page from both sources, balances equal to balanceOf", async () => {
    const { d } = stack;
    let subgraphRequests = 0;
    const counting = await createClusterShareClient({
      rpcUrl: stack.rpcUrl, subgraphUrl: stack.subgraphUrl, deployment: stack.deployment,
      subgraphFetch: (input, init) => { subgraphRequests += 1; return fetch(input, init); },
    });
    const fromSubgraph = await counting.positions(d.clusterId);
    const fromChain = await chainOnly.positions(d.clusterId);
    expect(fromSubgraph.source, fromSubgraph.fallbackReason).toBe("subgraph");
    // Two pages by id_gt: 1,000 rows, then the rest.
    expect(subgraphRequests).toBe(2);
    expect(fromSubgraph.data).toEqual(fromChain.data);
    const holders = fromChain.data;
    expect(holders.length).toBe(DUST_HOLDERS + 5);
    expect(new Set(holders.map((p) => p.account)).size).toBe(holders.length);
    // Complete (the balances add up to the supply) and each one right (every 25th holder checked directly).
    expect(holders.reduce((sum, p) => sum + p.balance.raw, 0n)).toBe(await d.token.totalSupply());
    for (const p of holders.filter((_, i) => i % 25 === 0)) expect(p.balance.raw).toBe(await d.token.balanceOf(p.account));
    const escrow = holders.find((p) => p.account === d.queue.target);
    expect(escrow?.excluded).toBe(true);
    const investors = [stack.alice.address, stack.bob.address, stack.carol.address, d.holders[3].address];
    expect(holders.filter((p) => p.balance.raw > 1n && !p.excluded).map((p) => p.account).sort()).toEqual(investors.sort());
  });

  it("getInvestment(account): balances, earned, NAV value, purchases, pending and claimable redemptions, refunds", async () => {
    const { d, failed, alice, bob, carol } = stack;
    for (const investor of [alice, bob, carol, d.holders[3]]) {
      const fromSubgraph = await indexed.getInvestment(investor.address);
      const fromChain = await chainOnly.getInvestment(investor.address);
      expect(fromSubgraph.source, fromSubgraph.fallbackReason).toBe("subgraph");
      expect(fromChain.source).toBe("chain");
      expect(fromSubgraph.data).toEqual(fromChain.data);
    }

    const block = await ethers.provider.getBlockNumber();
    const at = { blockTag: block };
    const bobs = (await chainOnly.getInvestment(bob.address)).data;
    expect(bobs.clusters.map((c) => c.cluster.id)).toEqual([d.clusterId, failed.id]);
    const [earning, refunding] = bobs.clusters;
    expect(earning.balance.raw).toBe(await d.token.balanceOf(bob.address, at));
    expect(earning.earned.raw).toBe(await d.token.earned(bob.address, at));
    expect(earning.earned.raw).toBeGreaterThan(0n);
    expect(earning.valueAtNav?.raw).toBe((earning.balance.raw * (await d.nav.latestRoundData())[1]) / WAD);
    expect(earning.purchases.map((p) => [p.assets.raw, p.shares.raw])).toEqual([[300_000n * d.unit, 150_000n * 10n ** 18n]]);
    // Bob's request is era 1's, partly filled: at the head of the queue, pending and claimable at once.
    const pending = earning.pendingRedemption!;
    expect(pending.requestId).toBe(1n);
    expect(pending.pendingShares.raw).toBe(await d.queue.pendingRedeemRequest(1n, bob.address, at));
    expect(pending.pendingShares.raw).toBeGreaterThan(0n);
    expect(pending.place?.sharesAhead.raw).toBe(0n);
    const [claimableShares, claimableAssets] = await d.queue.claimable(bob.address, at);
    expect(earning.claimableRedemption.shares.raw).toBe(claimableShares);
    expect(earning.claimableRedemption.assets.raw).toBe(claimableAssets);
    expect(claimableShares).toBeGreaterThan(0n);
    expect(earning.refundable.raw).toBe(0n);
    // The failed raise: 3,000 paid for 1,000 shares at 3 each, all refundable.
    expect(refunding.balance.raw).toBe(await failed.token.balanceOf(bob.address, at));
    expect(refunding.refundable.raw).toBe(3_000n * d.unit);
    expect(refunding.valueAtNav).toBeNull();

    // Dave's request waits in the fresh era, behind era 1's pending shares, until the running epoch closes.
    const dave = d.holders[3].address;
    const daves = (await indexed.getInvestment(dave)).data.clusters[0];
    const { q, headPending, maturedPending } = await d.queue.queueState(at);
    expect(daves.pendingRedemption?.requestId).toBe(q.freshEra);
    expect(daves.pendingRedemption?.pendingShares.raw).toBe(await d.queue.pendingRedeemRequest(q.freshEra, dave, at));
    expect(daves.pendingRedemption?.place?.sharesAhead.raw).toBe(headPending + maturedPending);
    expect(headPending + maturedPending).toBeGreaterThan(0n);
    expect(daves.pendingRedemption?.place?.estimatedSettlementAt).toBe(Number(await d.vault.epochEnd(at)));

    // With the yield streams, a page ticks earned yield with the maths alone: equal to the token's view at the
    // answer's block, and at a later second no transaction touched the token at.
    const ticking = await indexed.getInvestment(bob.address, { yieldStreams: true });
    expect(ticking.data).toEqual((await chainOnly.getInvestment(bob.address, { yieldStreams: true })).data);
    const { yieldStream, earned } = ticking.data.clusters[0];
    expect(earnedAt(yieldStream!.account, yieldStream!.stream, BigInt(ticking.data.timestamp))).toBe(earned.raw);
    await increaseTime(1_000);
    const later = earnedAt(yieldStream!.account, yieldStream!.stream, await latestTimestamp());
    expect(later).toBe(await d.token.earned(bob.address));
    expect(later).toBeGreaterThan(earned.raw);
    await stack.runner.sync();

    // An account with nothing anywhere.
    const nobody = await indexed.getInvestment(ethers.Wallet.createRandom().address);
    expect(nobody.data.clusters).toEqual([]);
  });

  it("falls back to the chain while the subgraph trails the head by more than maxSubgraphLag, and back once it catches up", async () => {
    await ethers.provider.send("hardhat_mine", ["0x10"]);
    const head = await ethers.provider.getBlockNumber();
    const behind = await indexed.clusters();
    expect(behind.source).toBe("chain");
    expect(behind.block).toBe(head);
    expect(behind.fallbackReason).toMatch(/16 blocks behind the chain head \(at most 5\)/);
    // A client that tolerates the lag answers from the subgraph, at the subgraph's block.
    const tolerant = await createClusterShareClient({
      rpcUrl: stack.rpcUrl, subgraphUrl: stack.subgraphUrl, deployment: stack.deployment, maxSubgraphLag: 100,
    });
    const lagging = await tolerant.getInvestment(stack.bob.address);
    expect(lagging.source, lagging.fallbackReason).toBe("subgraph");
    expect(lagging.block).toBe(head - 16);
    await stack.runner.sync();
    const caughtUp = await indexed.clusters();
    expect([caughtUp.source, caughtUp.block]).toEqual(["subgraph", head]);
    expect(caughtUp.data).toEqual(behind.data);
  });

  it("throws GraphQL errors that arrive with HTTP 200 as SubgraphQueryError, and reads fall back on them", async () => {
    const bad = "{ clusters { id notAField } }";
    const raw = await fetch(stack.subgraphUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: bad }) });
    expect(raw.status).toBe(200);
    const error: unknown = await querySubgraph({ url: stack.subgraphUrl }, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubgraphQueryError);
    expect((error as SubgraphQueryError).errors[0].message).toMatch(/notAField/);

    // The real runner answers every query of this client with an error (a field it does not have).
    const broken = await createClusterShareClient({
      rpcUrl: stack.rpcUrl, subgraphUrl: stack.subgraphUrl, deployment: stack.deployment,
      subgraphFetch: (input, init) => fetch(input, { ...init, body: String(init?.body).replace("hasIndexingErrors", "hasIndexingErrors notAField") }),
    });
    const answer = await broken.getInvestment(stack.bob.address);
    expect(answer.source).toBe("chain");
    expect(answer.fallbackReason).toMatch(/Subgraph query failed.*notAField/);
    expect(answer.data).toEqual((await chainOnly.getInvestment(stack.bob.address)).data);
  });

  it("Multicall3 sits at its canonical address, deployed once from the presigned transaction", async () => {
    expect(stack.deployment.multicall3).toBe(MULTICALL3_ADDRESS);
    expect((await ethers.provider.getCode(MULTICALL3_ADDRESS)).length).toBeGreaterThan(2);
    expect(await deployMulticall3(ethers.provider)).toBe(MULTICALL3_ADDRESS);
    expect(await ethers.provider.getTransactionCount(MULTICALL3_DEPLOYER)).toBe(1);
  });

  it("the client: a deployment file by path, two HTTP round trips for an investment, actions bound to its signer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clustershare-deployment-"));
    const file = join(dir, "hardhat.json");
    writeFileSync(file, JSON.stringify(stack.deployment));
    const node = await startCountingProxy(stack.rpcUrl);
    const subgraph = await startCountingProxy(stack.subgraphUrl);
    try {
      const client = await createClusterShareClient({ rpcUrl: node.url, subgraphUrl: subgraph.url, deployment: file, signer: stack.alice });
      expect(client.context.deployment).toEqual(stack.deployment);
      const answer = await client.getInvestment(stack.bob.address);
      expect(answer.source).toBe("subgraph");
      // One subgraph query, then one JSON-RPC batch: the head and the multicall (stablecoin decimals included).
      expect([subgraph.count(), node.count()]).toEqual([1, 1]);
      // The yield streams' storage words ride in the same batch.
      node.reset();
      subgraph.reset();
      expect((await client.getInvestment(stack.bob.address, { yieldStreams: true })).data.clusters[0].yieldStream).toBeDefined();
      expect([subgraph.count(), node.count()]).toEqual([1, 1]);

      const before = await stack.d.stable.balanceOf(stack.alice.address);
      const claimed = await client.actions.claim({ clusterId: stack.d.clusterId });
      expect(claimed.amount).toBeGreaterThan(0n);
      expect(await stack.d.stable.balanceOf(stack.alice.address)).toBe(before + claimed.amount);
      const after = await chainOnly.getInvestment(stack.alice.address);
      expect(after.data.clusters[0].earned.raw).toBe(await stack.d.token.earned(stack.alice.address, { blockTag: after.block }));
    } finally {
      await node.close();
      await subgraph.close();
    }
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ ...stack.deployment, factory: "0x1234" }));
    await expect(createClusterShareClient({ rpcUrl: stack.rpcUrl, deployment: broken })).rejects.toBeInstanceOf(InvalidDeploymentError);
    await stack.runner.sync();
  });

  it("getInvestment pages an account's positions and purchases by id_gt past a full page; one request when none is full", async () => {
    const { alice } = stack;
    const whole = await chainOnly.getInvestment(alice.address);
    // Alice holds two positions with a purchase in each: pages of one and two rows come back full.
    expect(whole.data.clusters.map((c) => c.purchases.length)).toEqual([1, 1]);
    const subgraph = await startCountingProxy(stack.subgraphUrl);
    try {
      const paged = await createClusterShareClient({ rpcUrl: stack.rpcUrl, subgraphUrl: subgraph.url, deployment: stack.deployment });
      // Page size, then subgraph requests: both first pages at once, then each full collection until a short page.
      for (const [pageSize, requests] of [[1, 5], [2, 3], [3, 1], [undefined, 1]] as const) {
        subgraph.reset();
        const answer = await paged.getInvestment(alice.address, { pageSize });
        expect(answer.source, answer.fallbackReason).toBe("subgraph");
        expect(answer.block).toBe(whole.block);
        expect(answer.data).toEqual(whole.data);
        expect(subgraph.count()).toBe(requests);
      }
      await expect(paged.getInvestment(alice.address, { pageSize: 1_001 })).rejects.toBeInstanceOf(RangeError);
    } finally {
      await subgraph.close();
    }
  });

  describe("the chain path's eth_getLogs against endpoints that cap log queries", () => {
    const reads = (client: ClusterShareClient) => [
      () => client.getInvestment(stack.bob.address),
      () => client.cluster(stack.d.clusterId),
      () => client.positions(stack.d.clusterId),
    ];
    /** Every read, one after the other, from `client`. */
    const readAll = async (client: ClusterShareClient) => {
      const answers = [];
      for (const read of reads(client)) answers.push(await read());
      return answers;
    };

    it("asks in spans of logBlockSpan and halves a span the node refuses as too large: the same answers", async () => {
      const expected = await readAll(chainOnly);
      const head = await ethers.provider.getBlockNumber();
      // Alchemy's wording, with an 8-block cap; the client asks for 20 blocks at a time.
      const capped = await startLogLimitNode(stack.rpcUrl, (q) =>
        q.toBlock - q.fromBlock + 1 > 8 ? "Log response size exceeded. You can make eth_getLogs requests with up to a 8 block range" : null,
      );
      try {
        const client = await createClusterShareClient({ rpcUrl: capped.url, deployment: stack.deployment, logBlockSpan: 20 });
        const answers = await readAll(client);
        expect(answers.map((a) => [a.source, a.block])).toEqual(expected.map(() => ["chain", head]));
        expect(answers.map((a) => a.data)).toEqual(expected.map((a) => a.data));
        expect(head - stack.deployment.startBlock).toBeGreaterThan(20);
        expect(capped.refused()).toBeGreaterThan(0);
        const accepted = capped.queries.filter((q) => q.toBlock - q.fromBlock + 1 <= 8);
        // No query spans more than the client's span, and the ones answered cover the whole history.
        for (const q of capped.queries) expect(q.toBlock - q.fromBlock + 1).toBeLessThanOrEqual(20);
        for (let block = stack.deployment.startBlock; block <= head; block++) {
          expect(accepted.some((q) => q.fromBlock <= block && block <= Math.min(q.toBlock, q.head))).toBe(true);
        }
      } finally {
        await capped.close();
      }
    });

    it("asks again up to the head when the node refuses a first span past its head; two round trips when one span covers it", async () => {
      const expected = await chainOnly.getInvestment(stack.bob.address);
      const strict = await startLogLimitNode(stack.rpcUrl, (q) => (q.toBlock > q.head ? "block range extends beyond current head block" : null));
      const counting = await startCountingProxy(strict.url);
      try {
        const client = await createClusterShareClient({ rpcUrl: counting.url, deployment: stack.deployment });
        const answer = await client.getInvestment(stack.bob.address);
        expect(answer.data).toEqual(expected.data);
        // The registry, the head and the first span together; the span again up to the head; the views.
        expect([strict.refused(), counting.count()]).toEqual([2, 3]);
      } finally {
        await counting.close();
        await strict.close();
      }
      // A node that clamps a range past its head (Hardhat, like geth) answers in the first round trip.
      const clamping = await startCountingProxy(stack.rpcUrl);
      try {
        const client = await createClusterShareClient({ rpcUrl: clamping.url, deployment: stack.deployment });
        expect((await client.getInvestment(stack.bob.address)).data).toEqual(expected.data);
        expect(clamping.count()).toBe(2);
      } finally {
        await clamping.close();
      }
    });

    it("throws LogRangeError when the node refuses even one block's logs, and rejects a span that is not a positive integer", async () => {
      const refusing = await startLogLimitNode(stack.rpcUrl, () => "query returned more than 10000 results. Try with this block range [0x1, 0x1].");
      try {
        const client = await createClusterShareClient({ rpcUrl: refusing.url, deployment: stack.deployment });
        const error = await client.getInvestment(stack.bob.address).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LogRangeError);
        expect((error as LogRangeError).fromBlock).toBe((error as LogRangeError).toBlock);
      } finally {
        await refusing.close();
      }
      const zero = await createClusterShareClient({ rpcUrl: stack.rpcUrl, deployment: stack.deployment, logBlockSpan: 0 });
      await expect(zero.cluster(stack.d.clusterId)).rejects.toBeInstanceOf(RangeError);
    });
  });

  it("cluster(id) of a cluster launched in a block the subgraph has not indexed yet answers from the chain", async () => {
    const { d } = stack;
    await stack.runner.sync();
    const id = await d.factory.clusterCount();
    await d.factory.connect(d.operator).launch(launchParams({
      name: "B200 Cluster Porto", symbol: "csB200POR", stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(),
      initialHolder: d.holders[0].address, initialShares: 1_000n * SHARE, nav: navParams({ hardwareCost: 1_000n * d.unit }),
    }));
    // One block behind: within maxSubgraphLag, so the subgraph still answers everything it knows.
    const early = await indexed.cluster(id);
    expect(early.source).toBe("chain");
    expect(early.fallbackReason).toMatch(new RegExp(`does not know cluster ${id}`));
    expect(early.data.cluster.symbol).toBe("csB200POR");
    await stack.runner.sync();
    const indexedPage = await indexed.cluster(id);
    expect(indexedPage.source).toBe("subgraph");
    expect(indexedPage.data).toEqual(early.data);
  });

  it("answers every read from the chain when the runner is stopped", async () => {
    const before = {
      clusters: (await indexed.clusters()).data,
      page: (await indexed.cluster(stack.d.clusterId)).data,
      investment: (await indexed.getInvestment(stack.carol.address)).data,
    };
    await stack.runner.close();
    const after = await Promise.all([
      indexed.clusters(), indexed.cluster(stack.d.clusterId), indexed.getInvestment(stack.carol.address),
    ]);
    for (const answer of after) {
      expect(answer.source).toBe("chain");
      expect(answer.fallbackReason).toMatch(/Subgraph unavailable/);
    }
    expect(after.map((a) => a.data)).toEqual([before.clusters, before.page, before.investment]);
  });
});
