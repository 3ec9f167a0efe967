import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Wallet, type JsonRpcSigner } from "ethers";
import {
  attest, deployCluster, ethers, increaseTime, latestTimestamp, launchParams, navParams, setNextTimestamp, DAY, HEARTBEAT, SHARE,
  type Deployment as Fixture,
} from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { startFlakyNode } from "./flakyNode";
import { deployMulticall3 } from "../../scripts/deploy/multicall3";
import { createKeeper, type KeeperAction, type KeeperLogEntry } from "../../scripts/keeper/keeper";
import { isUpkeepNeeded } from "../../scripts/keeper/chain";
import type { Deployment } from "../../sdk/src/deployment";
import { ClusterOffering__factory, ClusterShareToken__factory, type ClusterOffering } from "../../sdk/src/types";

const RENT = 400_000n;

describe("the keeper, over JSON-RPC against a Hardhat node", () => {
  let node: Awaited<ReturnType<typeof startRpcNode>>;
  let provider: JsonRpcProvider;
  let signer: JsonRpcSigner;
  let d: Fixture;
  let deployment: Deployment;
  let billed = 0n;

  /** Pays a month of rent into escrow, runs the clock to the epoch's end and attests everything billed so far. */
  async function makeEpochDue(): Promise<void> {
    billed += RENT * d.unit;
    await d.vault.connect(d.renter).payRent(RENT * d.unit, ethers.id(`invoice ${billed}`));
    const wait = (await d.vault.epochEnd()) - (await latestTimestamp());
    if (wait > 0n) await increaseTime(wait);
    await attest(d, billed);
  }

  const keeperWith = (log: (entry: KeeperLogEntry) => void, intervalMs = 50) =>
    createKeeper({ provider, signer, deployment, intervalMs, log, backoffMs: 10 });

  beforeAll(async () => {
    d = await deployCluster();
    node = await startRpcNode();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 20 });
    signer = await provider.getSigner(d.keeper.address);
    deployment = {
      network: "hardhat",
      chainId: 31337,
      startBlock: 0,
      factory: await d.factory.getAddress(),
      multicall3: await deployMulticall3(ethers.provider),
    };
  });
  afterAll(async () => {
    provider?.destroy();
    await node?.close();
  });

  it("closes the due epoch, then publishes NAV, then settles the queue, in one tick and in that order", async () => {
    const holder = d.holders[0];
    await d.queue.connect(holder).requestRedeem(10_000n * SHARE, holder.address, holder.address);
    await makeEpochDue();
    const log: KeeperLogEntry[] = [];

    const actions = await keeperWith((e) => log.push(e)).tickOnce();

    expect(actions.map((a) => [a.clusterId, a.step, a.outcome])).toEqual([
      [0n, "close", "performed"],
      [0n, "nav", "performed"],
      [0n, "settle", "performed"],
    ]);
    const blocks = actions.map((a) => a.receipt!.blockNumber);
    expect(blocks).toEqual([...blocks].sort((a, b) => a - b));
    expect(new Set(blocks).size).toBe(3);
    expect(actions.map((a) => a.target)).toEqual([await d.vault.getAddress(), await d.nav.getAddress(), await d.queue.getAddress()]);
    // The chain agrees: the first epoch closed, a NAV round from the keeper's block, era 1 settled.
    expect(await d.vault.currentEpoch()).toBe(2n);
    const navBlock = await ethers.provider.getBlock(blocks[1]);
    expect((await d.nav.latestRoundData())[3]).toBe(BigInt(navBlock!.timestamp));
    expect((await d.queue.settings()).settlements).toBe(1n);
    // Every action was logged as it happened.
    expect(log).toEqual(actions.map((a) => ({ kind: "action", ...a })));
  });

  it("signs with a key (KEEPER_KEY's Wallet) through one tick's transactions, each with its own nonce", async () => {
    // On a snapshot: the tests after this one expect the chain as the first test left it.
    const snapshot: string = await provider.send("evm_snapshot", []);
    try {
      await makeEpochDue();
      const wallet = Wallet.createRandom(provider);
      await provider.send("hardhat_setBalance", [wallet.address, "0xDE0B6B3A7640000"]);
      const failures: KeeperLogEntry[] = [];
      const keeper = createKeeper({ provider, signer: wallet, deployment, intervalMs: 50, backoffMs: 10, log: (e) => {
        if (e.kind !== "action" || e.outcome !== "performed") failures.push(e);
      } });
      const actions = await keeper.tickOnce();
      expect(failures).toEqual([]);
      // Nothing waits in the queue, so no settlement: a close and a NAV round sent back to back.
      expect(actions.map((a) => [a.step, a.outcome])).toEqual([["close", "performed"], ["nav", "performed"]]);
      expect(await provider.getTransactionCount(wallet.address)).toBe(2);
    } finally {
      await provider.send("evm_revert", [snapshot]);
    }
  });

  it("runs overlapping passes one after the other: an upkeep due once is performed once", async () => {
    const epoch = await d.vault.currentEpoch();
    await makeEpochDue();
    const keeper = keeperWith(() => {});
    const [first, second] = await Promise.all([keeper.tickOnce(), keeper.tickOnce()]);
    expect(first.filter((a) => a.step === "close").map((a) => a.outcome)).toEqual(["performed"]);
    expect(second.filter((a) => a.step === "close")).toEqual([]);
    expect(await d.vault.currentEpoch()).toBe(epoch + 1n);
  });

  it("does nothing when no upkeep is due", async () => {
    const nonce = await provider.getTransactionCount(d.keeper.address);
    expect(await keeperWith(() => {}).tickOnce()).toEqual([]);
    expect(await provider.getTransactionCount(d.keeper.address)).toBe(nonce);
  });

  it("logs a decoded revert and keeps going: the close succeeds once the feed is fresh again", async () => {
    await makeEpochDue();
    // The feed's answer is exactly a heartbeat old in the latest block: checkUpkeep (run on that block) says the
    // close would succeed, but the close transaction lands a second later, when the answer is stale. The race
    // every keeper meets when a feed misses its heartbeat.
    const [, , , updatedAt] = await d.feed.latestRoundData();
    await setNextTimestamp(updatedAt + BigInt(HEARTBEAT));
    await ethers.provider.send("evm_mine", []);
    expect((await d.vault.checkUpkeep("0x"))[0]).toBe(true);

    const log: KeeperLogEntry[] = [];
    const keeper = keeperWith((e) => log.push(e));
    keeper.start();
    const reverted = await waitFor(log, (a) => a.outcome === "reverted");
    expect(reverted).toMatchObject({ clusterId: 0n, step: "close", attempts: 1 });
    expect(reverted.error).toMatch(/^StaleOracleAnswer\(0x[0-9a-fA-F]{40}, \d+, 172800\)$/);
    expect(await d.vault.currentEpoch()).toBe(3n);

    await attest(d, billed);
    const closed = await waitFor(log, (a) => a.step === "close" && a.outcome === "performed");
    await keeper.stop();
    expect(closed.receipt!.hash).toMatch(/^0x/);
    expect(await d.vault.currentEpoch()).toBe(4n);
  });

  it("stop() leaves nothing running: no timer, no further transaction", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const log: KeeperLogEntry[] = [];
    const keeper = keeperWith((e) => log.push(e), 20);
    keeper.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await keeper.stop();
    // The keeper's own timer is gone (other timers of the process may have ended meanwhile).
    expect(timers()).toBeLessThanOrEqual(before);

    // Due again, but nobody is watching any more.
    await makeEpochDue();
    const nonce = await provider.getTransactionCount(d.keeper.address);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await provider.getTransactionCount(d.keeper.address)).toBe(nonce);
    expect(await d.vault.currentEpoch()).toBe(4n);
    expect(log.filter((e) => e.kind === "action" && e.outcome === "performed")).toEqual([]);
  });

  it("backs off while the node is unreachable and never throws out of its loop", async () => {
    // Nothing listens on port 9 of this machine: every request is refused, as when the node is down.
    const down = new JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true });
    const log: KeeperLogEntry[] = [];
    const keeper = createKeeper({ provider: down, signer, deployment, intervalMs: 10, log: (e) => log.push(e) });
    keeper.start();
    for (const deadline = Date.now() + 20_000; log.length < 3 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await keeper.stop();
    down.destroy();
    const failures = log.slice(0, 3);
    expect(failures.map((e) => e.kind)).toEqual(["tick-failed", "tick-failed", "tick-failed"]);
    expect(failures.map((e) => (e as { retryInMs: number }).retryInMs)).toEqual([20, 40, 80]);
  });

  it("retries a request the node refused, and never performs twice when the node lost the answer", async () => {
    const epoch = await d.vault.currentEpoch();
    await makeEpochDue();
    // The first close is refused outright; the retry's transaction reaches the chain but its answer is lost.
    const flaky = await startFlakyNode(node.url, (method, seen) =>
      method !== "eth_sendTransaction" ? "forward" : seen === 0 ? "refuse" : seen === 1 ? "lose-answer" : "forward",
    );
    const through = new JsonRpcProvider(flaky.url, 31337, { staticNetwork: true, batchMaxCount: 1, pollingInterval: 20 });
    const keeper = createKeeper({
      provider: through, signer: await through.getSigner(d.keeper.address), deployment, log: () => {}, backoffMs: 10,
    });
    const actions = await keeper.tickOnce();
    through.destroy();
    await flaky.close();

    const close = actions.find((a) => a.step === "close")!;
    expect(close).toMatchObject({ outcome: "no-longer-due", attempts: 3 });
    expect(close.error).toMatch(/504|timeout/i);
    // Closed exactly once, by the attempt whose answer was lost.
    expect(await d.vault.currentEpoch()).toBe(epoch + 1n);
  });

  it("runs as `npm run keeper -- --rpc <url> --deployment <file>` and stops cleanly on SIGTERM", async () => {
    await makeEpochDue();
    const dir = mkdtempSync(join(tmpdir(), "clustershare-keeper-"));
    const file = join(dir, "hardhat.json");
    writeFileSync(file, JSON.stringify(deployment));
    const child = spawn(
      process.execPath,
      [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/keeper/cli.ts", "--rpc", node.url, "--deployment", file, "--interval", "100"],
      { cwd: join(__dirname, "../.."), env: { ...process.env, KEEPER_KEY: "" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    for (const deadline = Date.now() + 60_000; !/cluster 0 nav .* performed/.test(output) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toMatch(/cluster 0 close \(0x[0-9a-fA-F]{40}\) performed in block \d+/);
    expect(output).toMatch(/cluster 0 nav .* performed/);
    expect(output).toMatch(/keeper stopped/);
    expect(await d.vault.currentEpoch()).toBe(6n);
  });

  // Runs last: the raises it launches become clusters whose later upkeeps the tests above do not expect.
  it("finalizes a raise first, as soon as it sold out or its deadline passed, and never one still open", async () => {
    const [buyer] = d.holders;
    /** Launches a 30-day raise at $2 a share (soft cap 100k, hard cap 200k) and buys `whole` stablecoins of it. */
    async function raise(whole: bigint): Promise<{ id: bigint; offering: ClusterOffering; token: string }> {
      const id = await d.factory.clusterCount();
      await d.factory.connect(d.operator).launch(launchParams({
        name: `Raise ${id}`, symbol: `csR${id}`, stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(),
        offering: {
          pricePerShare: 2n * d.unit, softCap: 100_000n * d.unit, hardCap: 200_000n * d.unit,
          deadline: (await latestTimestamp()) + BigInt(30 * DAY), minPerAccount: 0n, maxPerAccount: 0n,
        },
        nav: navParams(),
      }));
      const { contracts } = await d.factory.cluster(id);
      const offering = ClusterOffering__factory.connect(contracts.offering, buyer);
      await d.stable.mint(buyer.address, whole * d.unit);
      await d.stable.connect(buyer).approve(contracts.offering, whole * d.unit);
      await offering.buy(whole * d.unit, buyer.address);
      return { id, offering, token: contracts.token };
    }
    const soldOut = await raise(200_000n);
    const open = await raise(150_000n);
    const short = await raise(50_000n);
    const keeper = keeperWith(() => {});
    const finalizes = (actions: KeeperAction[]) => actions.filter((a) => a.step === "finalize").map((a) => [a.clusterId, a.outcome, a.target]);

    // Before the deadline only the sold-out raise can be finalized; the other two are left alone (no revert sent).
    const early = await keeper.tickOnce();
    expect(finalizes(early)).toEqual([[soldOut.id, "performed", await soldOut.offering.getAddress()]]);
    expect((await soldOut.offering.raiseState()).succeeded).toBe(true);
    expect(await ClusterShareToken__factory.connect(soldOut.token, ethers.provider).locked()).toBe(false);
    expect((await open.offering.raiseState()).succeeded).toBe(false);
    // Finalizing is the cluster's first step of the tick: anything else for it comes after.
    const soldOutSteps = early.filter((a) => a.clusterId === soldOut.id).map((a) => a.step);
    expect(soldOutSteps[0]).toBe("finalize");

    // The contract refuses while block.timestamp <= deadline: with the latest block a second before the deadline the
    // keeper holds back; at the deadline its transaction can only land after it. (Asked directly: a tick would mine
    // other clusters' upkeeps first and move the clock.)
    const deadline = (await open.offering.terms()).deadline;
    const offeringAddress = await open.offering.getAddress();
    await setNextTimestamp(deadline - 1n);
    await ethers.provider.send("evm_mine", []);
    expect(await isUpkeepNeeded(ethers.provider, "finalize", offeringAddress)).toBe(false);
    await setNextTimestamp(deadline);
    await ethers.provider.send("evm_mine", []);
    expect(await isUpkeepNeeded(ethers.provider, "finalize", offeringAddress)).toBe(true);
    // The short raise was launched a few blocks later, so its deadline is a few seconds later: wait for it too, or
    // whether the tick finds it due would depend on how many transactions the tick sends before reaching it.
    await setNextTimestamp((await short.offering.terms()).deadline + 1n);
    await ethers.provider.send("evm_mine", []);

    const late = await keeper.tickOnce();
    expect(finalizes(late)).toEqual([
      [open.id, "performed", offeringAddress],
      [short.id, "performed", await short.offering.getAddress()],
    ]);
    for (const action of late.filter((a) => a.step === "finalize")) {
      expect(BigInt((await ethers.provider.getBlock(action.receipt!.blockNumber))!.timestamp)).toBeGreaterThan(deadline);
    }
    // The chain agrees: one raise reached its soft cap and succeeded, the other recorded its failure.
    expect((await open.offering.raiseState()).succeeded).toBe(true);
    expect((await short.offering.raiseState()).failureRecorded).toBe(true);
    // Nothing is due twice.
    expect(finalizes(await keeper.tickOnce())).toEqual([]);
  });
});

/** Resolves with the first logged action matching `match`, polling the log; fails after 20 s. */
async function waitFor(log: KeeperLogEntry[], match: (action: KeeperAction) => boolean): Promise<KeeperAction> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    const found = log.find((e): e is { kind: "action" } & KeeperAction => e.kind === "action" && match(e));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no matching keeper action in ${JSON.stringify(log, (_, v) => (typeof v === "bigint" ? String(v) : v))}`);
}
