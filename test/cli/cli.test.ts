/**
 * The `clustershare` bin as shipped (sdk/dist, built by `npm run build -w sdk`, which `npm test` runs first), each
 * command a child process against `npm run dev`'s stack (one per file, a month of the demo's seed), its `--json`
 * checked against direct contract reads, and refusals checked to send nothing.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encryptKeystoreJson, HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import { readDeploymentFile } from "../../scripts/deploy/deploymentFile";
import type { Deployment } from "../../sdk/src/deployment";
import {
  ClusterFactory__factory, ClusterShareToken__factory, MockStablecoin__factory, MockV3Aggregator__factory, RedemptionQueue__factory, RevenueVault__factory,
  type ClusterFactory, type MockStablecoin,
} from "../../sdk/src/types";
import { startStackProcess, type StackProcess } from "../dev/stackProcess";

const ROOT = join(__dirname, "../..");
const BIN = join(ROOT, "sdk", (require("../../sdk/package.json") as { bin: Record<string, string> }).bin.clustershare);
/** Hardhat's default accounts (what the dev stack's node unlocks): the demo's roles sit at fixed indexes. */
const MNEMONIC = "test test test test test test test test test test test junk";
const ACCOUNT = { reporter: 4, renter: 5, operator0: 6, investor0: 9, investor1: 10, investor2: 11, newOperator: 16 };
const keyOf = (index: number) => HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;
const addressOf = (index: number) => new Wallet(keyOf(index)).address;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

describe("clustershare CLI against the dev stack", () => {
  let stack: StackProcess;
  let chain: JsonRpcProvider;
  let deployment: Deployment;
  let factory: ClusterFactory;
  let stable: MockStablecoin;

  /** Runs the bin with the stack's endpoints; `key` (an account index) goes in CLUSTERSHARE_KEY. */
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<Run>((resolve) => {
      const connection = ["--rpc", stack.rpcUrl, "--subgraph", stack.graphqlUrl, "--deployment", stack.deploymentFile];
      const childEnv = { ...process.env, ...env };
      if (!("CLUSTERSHARE_KEY" in env)) delete childEnv.CLUSTERSHARE_KEY;
      execFile(process.execPath, [BIN, ...args, ...connection], { cwd: ROOT, env: childEnv }, (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        let json: unknown;
        try { json = JSON.parse(stdout); } catch { json = undefined; }
        resolve({ code, stdout, stderr, json });
      });
    });
  const as = (index: number) => ({ CLUSTERSHARE_KEY: keyOf(index) });
  const contractsOf = async (clusterId: bigint) => (await factory.cluster(clusterId)).contracts;

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the package first (npm run build -w sdk)`);
    // The keeper would close epochs under the close-epoch test: one pass at start only.
    stack = await startStackProcess(1, ["--keeper-interval", "3600000"]);
    chain = new JsonRpcProvider(stack.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    deployment = readDeploymentFile(stack.deploymentFile);
    factory = ClusterFactory__factory.connect(deployment.factory, chain);
    stable = MockStablecoin__factory.connect(deployment.stablecoin!, chain);
  }, 300_000);
  afterAll(async () => {
    chain?.destroy();
    await stack?.stop();
  });

  it("clusters: a table by default; --json lists every cluster as the chain holds it", async () => {
    const text = await cli(["clusters"]);
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^id\s+name\s+symbol\s+state/);
    expect(text.stdout).toContain("H100 Cluster Frankfurt");

    const { code, json } = await cli(["clusters", "--json"]);
    expect(code, JSON.stringify(json)).toBe(0);
    expect(json.source).toBe("subgraph");
    expect(json.clusters).toHaveLength(Number(await factory.clusterCount()));
    for (const cluster of json.clusters) {
      const token = ClusterShareToken__factory.connect((await contractsOf(BigInt(cluster.id))).token, chain);
      expect(cluster.name).toBe(await token.name());
      expect(BigInt(cluster.totalSupply.raw)).toBe(await token.totalSupply({ blockTag: json.block }));
    }
  });

  it("cluster <id> --json: the cluster and its closed epochs, as the vault holds them", async () => {
    const { code, json } = await cli(["cluster", "0", "--json"]);
    expect(code, JSON.stringify(json)).toBe(0);
    const vault = RevenueVault__factory.connect((await contractsOf(0n)).vault, chain);
    expect(json.cluster.contracts.vault).toBe(await vault.getAddress());
    const current = await vault.currentEpoch({ blockTag: json.block });
    expect(json.epochs.map((e: { number: string }) => BigInt(e.number))).toEqual(Array.from({ length: Number(current) - 1 }, (_, i) => BigInt(i + 1)));
  });

  it("investment <account> --json: balances and yield equal the tokens' balanceOf and earned at the answer's block", async () => {
    const account = addressOf(ACCOUNT.investor0);
    const { code, json } = await cli(["investment", account, "--json"]);
    expect(code, JSON.stringify(json)).toBe(0);
    expect(json.clusters.length).toBeGreaterThan(0);
    for (const held of json.clusters) {
      const token = ClusterShareToken__factory.connect(held.cluster.contracts.token, chain);
      expect(BigInt(held.balance.raw)).toBe(await token.balanceOf(account, { blockTag: json.block }));
      expect(BigInt(held.earned.raw)).toBe(await token.earned(account, { blockTag: json.block }));
    }
  });

  it("buy with a zero amount prints the SDK's named error, exits 1 and sends nothing", async () => {
    const buyer = addressOf(ACCOUNT.investor0);
    const nonce = await chain.getTransactionCount(buyer);
    const text = await cli(["buy", "0", "--amount", "0"], as(ACCOUNT.investor0));
    expect(text.code, text.stdout + text.stderr).toBe(1);
    expect(text.stderr).toMatch(/^PreflightError: ClusterOffering\.buy: ZeroAmount: /);
    const { code, json } = await cli(["buy", "0", "--amount", "0", "--json"], as(ACCOUNT.investor0));
    expect(code, JSON.stringify(json)).toBe(1);
    expect(json.error).toMatchObject({ name: "PreflightError", errorName: "ZeroAmount", contract: "ClusterOffering", functionName: "buy" });
    expect(await chain.getTransactionCount(buyer)).toBe(nonce);
  });

  it("a sending command without a key says how to give one (exit 1); an unknown command is a usage error (exit 2)", async () => {
    const missing = await cli(["claim", "0", "--json"]);
    expect(missing.code, missing.stdout + missing.stderr).toBe(1);
    expect(missing.json.error.name).toBe("MissingSignerError");
    expect(missing.json.error.message).toContain("CLUSTERSHARE_KEY");
    const unknown = await cli(["sell-everything"]);
    expect(unknown.code, unknown.stdout + unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain('unknown command "sell-everything"');
  });

  it("claim pays the holder what it had earned", async () => {
    const holder = addressOf(ACCOUNT.investor0);
    const before = await stable.balanceOf(holder);
    const { code, json } = await cli(["claim", "0", "--json"], as(ACCOUNT.investor0));
    expect(code, JSON.stringify(json)).toBe(0);
    expect(BigInt(json.amount)).toBeGreaterThan(0n);
    expect((await stable.balanceOf(holder)) - before).toBe(BigInt(json.amount));
    expect((await chain.getTransactionReceipt(json.hash))!.blockNumber).toBe(json.block);
  });

  it("request-redeem escrows the shares and cancel returns them, signed from a keystore file", async () => {
    const wallet = new Wallet(keyOf(ACCOUNT.investor1));
    const keystore = join(mkdtempSync(join(tmpdir(), "clustershare-cli-")), "investor1.json");
    // A light scrypt cost keeps the three decryptions quick; the file format is the standard one.
    writeFileSync(keystore, await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, "correct horse", { scrypt: { N: 1 << 10 } }));
    const env = { CLUSTERSHARE_KEYSTORE_PASSWORD: "correct horse" };
    const { token, redemptionQueue } = await contractsOf(0n);
    const shares = ClusterShareToken__factory.connect(token, chain);
    const queue = RedemptionQueue__factory.connect(redemptionQueue, chain);
    const balance = await shares.balanceOf(wallet.address);

    const requested = await cli(["request-redeem", "0", "--shares", "1.5", "--keystore", keystore, "--json"], env);
    expect(requested.code, requested.stdout + requested.stderr).toBe(0);
    expect(await shares.balanceOf(wallet.address)).toBe(balance - 1_500_000_000_000_000_000n);
    expect(await queue.pendingRedeemRequest(BigInt(requested.json.requestId), wallet.address)).toBe(1_500_000_000_000_000_000n);

    const cancelled = await cli(["cancel", "0", "--request", requested.json.requestId, "--keystore", keystore, "--json"], env);
    expect(cancelled.code, cancelled.stdout + cancelled.stderr).toBe(0);
    expect(BigInt(cancelled.json.shares)).toBe(1_500_000_000_000_000_000n);
    expect(await shares.balanceOf(wallet.address)).toBe(balance);

    const wrongPassword = await cli(["claim", "0", "--keystore", keystore, "--json"], { CLUSTERSHARE_KEYSTORE_PASSWORD: "wrong" });
    expect(wrongPassword.code, wrongPassword.stdout + wrongPassword.stderr).toBe(1);
    expect(wrongPassword.json.error.name).toBe("MissingSignerError");
  });

  it("redeem with nothing filled is refused by name before sending", async () => {
    const account = addressOf(ACCOUNT.investor2);
    const nonce = await chain.getTransactionCount(account);
    const { code, json } = await cli(["redeem", "0", "--json"], as(ACCOUNT.investor2));
    expect(code, JSON.stringify(json)).toBe(1);
    expect(json.error).toMatchObject({ name: "PreflightError", errorName: "ZeroAmount", contract: "RedemptionQueue" });
    expect(await chain.getTransactionCount(account)).toBe(nonce);
  });

  it("pay-rent moves the stablecoin into the vault and books it in the running epoch", async () => {
    const renter = addressOf(ACCOUNT.renter);
    // The seed's renter paid out what it held: the stablecoin's open mint tops it up.
    await (await stable.connect(await chain.getSigner(renter)).mint(renter, 250_500_000n)).wait();
    const vault = RevenueVault__factory.connect((await contractsOf(0n)).vault, chain);
    const [before, vaultBefore] = [await stable.balanceOf(renter), await stable.balanceOf(await vault.getAddress())];
    const { code, json } = await cli(["pay-rent", "0", "--amount", "250.5", "--ref", "INV-CLI-1", "--json"], as(ACCOUNT.renter));
    expect(code, JSON.stringify(json)).toBe(0);
    expect(BigInt(json.amount)).toBe(250_500_000n);
    expect(before - (await stable.balanceOf(renter))).toBe(250_500_000n);
    expect((await stable.balanceOf(await vault.getAddress())) - vaultBefore).toBe(250_500_000n);
    expect(BigInt(json.epoch)).toBe(await vault.currentEpoch());
  });

  it("report-metrics emits the operator's figures", async () => {
    const { code, json } = await cli(["report-metrics", "0", "--active-gpus", "240", "--utilization-bps", "8125", "--json"], as(ACCOUNT.operator0));
    expect(code, JSON.stringify(json)).toBe(0);
    const receipt = (await chain.getTransactionReceipt(json.hash))!;
    const event = receipt.logs.map((log) => factory.interface.parseLog(log)).find((parsed) => parsed?.name === "MetricsReported")!;
    expect(event.args.clusterId).toBe(0n);
    expect(event.args.activeGpus).toBe(240n);
    expect(event.args.utilizationBps).toBe(8125n);
    const refused = await cli(["report-metrics", "0", "--active-gpus", "240", "--utilization-bps", "8125", "--json"], as(ACCOUNT.investor0));
    expect(refused.json.error).toMatchObject({ name: "PreflightError", errorName: "Unauthorized" });
  });

  it("close-epoch closes the vault's epoch once it has ended (and refuses before)", async () => {
    const vault = RevenueVault__factory.connect((await contractsOf(0n)).vault, chain);
    const early = await cli(["close-epoch", "0", "--json"], as(ACCOUNT.investor0));
    expect(early.code, early.stdout + early.stderr).toBe(1);
    expect(early.json.error.errorName).toBe("EpochNotEnded");

    const epoch = await vault.currentEpoch();
    const now = BigInt((await chain.getBlock("latest"))!.timestamp);
    await chain.send("evm_increaseTime", [Number((await vault.epochEnd()) - now)]);
    // The revenue feed's reporter posts again (same cumulative figure), so the close reads a fresh answer.
    const reporter = await chain.getSigner(addressOf(ACCOUNT.reporter));
    const feed = MockV3Aggregator__factory.connect((await vault.revenueFeed()).aggregator, reporter);
    await (await feed.updateAnswer(await feed.latestAnswer())).wait();

    const { code, json } = await cli(["close-epoch", "0", "--json"], as(ACCOUNT.investor0));
    expect(code, JSON.stringify(json)).toBe(0);
    expect(BigInt(json.epoch)).toBe(epoch);
    expect(await vault.currentEpoch()).toBe(epoch + 1n);
  });

  it("launch --config opens a raise the signer operates, and buy takes part in it", async () => {
    const operator = addressOf(ACCOUNT.newOperator);
    const deployer = await chain.getSigner(operator);
    const revenueFeed = await (await new MockV3Aggregator__factory(deployer).deploy(8, 0n)).getAddress();
    const appraisalFeed = await (await new MockV3Aggregator__factory(deployer).deploy(8, 0n)).getAddress();
    const now = (await chain.getBlock("latest"))!.timestamp;
    const config = join(mkdtempSync(join(tmpdir(), "clustershare-cli-")), "porto.json");
    writeFileSync(config, JSON.stringify({
      name: "B200 Cluster Porto", symbol: "csB200POR", gpuModel: "NVIDIA B200", gpuCount: 16, region: "eu-south",
      metadataURI: "ipfs://porto", revenueFeed, revenueHeartbeat: 172_800, maxRevenuePerEpoch: "100000", epochLength: 604_800,
      operatorFeeBps: 1_000, reserveBps: 500, redemptionFeeBps: 50,
      offering: { pricePerShare: "2", softCap: "1000", hardCap: "500000", deadline: new Date((now + 7 * 86_400) * 1000).toISOString() },
      nav: { appraisalFeed, appraisalHeartbeat: 43_200, maxDeviationBps: 2_000, usefulLife: 94_608_000, salvageBps: 1_000, navHeartbeat: 86_400 },
    }));
    const count = await factory.clusterCount();
    const launched = await cli(["launch", "--config", config, "--json"], as(ACCOUNT.newOperator));
    expect(launched.code, launched.stdout + launched.stderr).toBe(0);
    expect(BigInt(launched.json.clusterId)).toBe(count);
    const info = await factory.cluster(count);
    expect(info.operator).toBe(operator);
    expect(launched.json.contracts.token).toBe(info.contracts.token);

    const buyer = addressOf(ACCOUNT.investor2);
    const token = ClusterShareToken__factory.connect(info.contracts.token, chain);
    await (await stable.connect(deployer).mint(buyer, 100_000_000n)).wait();
    const bought = await cli(["buy", count.toString(), "--amount", "100", "--json"], as(ACCOUNT.investor2));
    expect(bought.code, bought.stdout + bought.stderr).toBe(0);
    expect(BigInt(bought.json.assets)).toBe(100_000_000n);
    // 2 stablecoins a share: 50 whole shares.
    expect(BigInt(bought.json.shares)).toBe(50n * 10n ** 18n);
    expect(await token.balanceOf(buyer)).toBe(50n * 10n ** 18n);
  });
});
