import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Wallet } from "ethers";
import { attest, deployCluster, increaseTime, latestTimestamp, ethers, SHARE, type Deployment } from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { createClusterShareClient, type ClusterShareClient } from "../../sdk/src";
import { operatorEpoch } from "../../examples/operatorEpoch";
import { buyThenClaim } from "../../examples/buyThenClaim";
import { portfolio } from "../../examples/portfolio";
import { rpcContexts } from "./rpcContext";
import { deployMulticall3 } from "../../scripts/deploy/multicall3";

const run = promisify(execFile);

describe("the examples, run against a Hardhat node over JSON-RPC", () => {
  let node: Awaited<ReturnType<typeof startRpcNode>>;
  let d: Deployment;
  let rpc: ReturnType<typeof rpcContexts>;
  let clientOf: (s: { address: string }) => Promise<ClusterShareClient>;

  beforeAll(async () => {
    node = await startRpcNode();
    d = await deployCluster();
    await deployMulticall3(ethers.provider);
    rpc = rpcContexts(node.url, await d.factory.getAddress());
    clientOf = async (s) => createClusterShareClient({ provider: rpc.provider, signer: await rpc.provider.getSigner(s.address), deployment: rpc.deployment });
    await d.stable.mint(d.operator.address, 1_000_000n * d.unit);
    await d.offering.connect(d.operator).configureIssuance(true, 100, 1_000_000n * SHARE);
  }, 180_000);

  afterAll(async () => {
    rpc?.provider.destroy();
    await node?.close();
  });

  it("operatorEpoch pays rent, waits for the epoch's end by name, then closes, publishes NAV and skips an empty settlement", async () => {
    const operator = await clientOf(d.operator);
    const early = await operatorEpoch(operator, { clusterId: d.clusterId, rent: 100_000n * d.unit, invoice: "INV-2026-11" });
    expect(early.rentPaid).toBe(100_000n * d.unit);
    expect(early.closed).toEqual({ skipped: "EpochNotEnded" });
    expect(await d.vault.escrow()).toBe(100_000n * d.unit);

    await increaseTime((await d.vault.epochEnd()) - (await latestTimestamp()));
    await attest(d, 100_000n * d.unit);
    const done = await operatorEpoch(operator, { clusterId: d.clusterId, rent: 50_000n * d.unit, invoice: "INV-2026-12" });
    expect(done.closed).toMatchObject({ epoch: 1n, released: 100_000n * d.unit });
    expect(await d.vault.escrow()).toBe(50_000n * d.unit);
    expect(done.nav).toMatchObject({ navPerShare: (await d.nav.latestRoundData())[1] });
    expect(done.settled).toEqual({ skipped: "NothingToSettle" });
  });

  it("buyThenClaim buys in issuance by permit and claims the first seconds of yield to another address", async () => {
    const bob = d.holders[1];
    await d.stable.mint(bob.address, 10_000n * d.unit);
    const claimTo = Wallet.createRandom().address;
    const result = await buyThenClaim(await clientOf(bob), { clusterId: d.clusterId, assets: 1_000n * d.unit, claimTo });
    expect(result.authorization).toBe("permit");
    expect(result.paid).toBe(1_000n * d.unit);
    expect(await d.token.balanceOf(bob.address)).toBe(result.shares);
    expect(result.claimed).toBeGreaterThan(0n);
    expect(await d.stable.balanceOf(claimTo)).toBe(result.claimed);
  });

  it("portfolio runs as a command-line script too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clustershare-examples-"));
    const deployment = join(dir, "localhost.json");
    writeFileSync(deployment, JSON.stringify(rpc.deployment));
    const { stdout } = await run(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "examples/portfolio.ts", "--account", d.holders[0].address], {
      cwd: join(__dirname, "../.."), env: { ...process.env, RPC_URL: node.url, DEPLOYMENT: deployment }, timeout: 120_000,
    });
    expect(stdout).toContain("csH100FRA");
    expect(stdout).toContain("1,000,000");
    expect(stdout).toMatch(/from the chain at block \d+/);
  });

  it("portfolio shows each account's shares, yield and value from the chain", async () => {
    const [alice, bob] = d.holders;
    const reader = await createClusterShareClient({ provider: rpc.provider, deployment: rpc.deployment });
    const mine = await portfolio(reader, alice.address);
    expect(mine.source).toBe("chain");
    expect(mine.rows).toHaveLength(1);
    const [position] = mine.investment.clusters;
    expect(position.balance.raw).toBe(await d.token.balanceOf(alice.address));
    expect(position.earned.raw).toBe(await d.token.earned(alice.address, { blockTag: mine.block }));
    expect(mine.rows[0].cluster).toBe(`${d.clusterId} csH100FRA`);
    expect(mine.rows[0].shares).toBe("1,000,000");
    const theirs = await portfolio(reader, bob.address);
    expect(theirs.investment.clusters[0].balance.raw).toBe(await d.token.balanceOf(bob.address));
    expect((await portfolio(reader, Wallet.createRandom().address)).rows).toEqual([]);
  });
});
