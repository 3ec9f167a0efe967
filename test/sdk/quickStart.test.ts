import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ethersModule from "ethers";
import ts from "typescript";
import { attest, deployCluster, increaseTime, latestTimestamp, ethers, SHARE, type Deployment } from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { deployMulticall3 } from "../../scripts/deploy/multicall3";
import * as sdk from "../../sdk/src";

/** The first ```ts block under "## Quick start" in sdk/README.md, exactly as an integrator would copy it. */
function quickStartBlock(): string {
  const readme = readFileSync(join(__dirname, "../../sdk/README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error("sdk/README.md has no ts block under ## Quick start");
  return match[1];
}

/**
 * Runs TypeScript source as a module body with top-level await: types stripped by the TypeScript compiler, imports
 * of `ethers` and `@clustershare/sdk` answered by the real modules (the SDK from its source), `process.env` and
 * `console` given by the test.
 */
async function runModule(source: string, env: Record<string, string>, log: (line: string) => void): Promise<void> {
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const modules: Record<string, unknown> = { ethers: ethersModule, "@clustershare/sdk": sdk };
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`the quick start imports ${name}, which the test does not provide`);
    return modules[name];
  };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  const body = new AsyncFunction("require", "exports", "process", "console", outputText);
  await body(require, {}, { env }, { log: (...args: unknown[]) => log(args.join(" ")) });
}

describe("sdk/README.md's quick start", () => {
  let node: Awaited<ReturnType<typeof startRpcNode>>;
  let d: Deployment;
  let deploymentFile: string;

  beforeAll(async () => {
    node = await startRpcNode();
    d = await deployCluster();
    await deployMulticall3(ethers.provider);
    deploymentFile = join(mkdtempSync(join(tmpdir(), "clustershare-quickstart-")), "localhost.json");
    writeFileSync(deploymentFile, JSON.stringify({
      network: "localhost", chainId: 31337, startBlock: 0, factory: await d.factory.getAddress(),
      multicall3: "0xcA11bde05977b3631167028862bE2a173976CA11", stablecoin: await d.stable.getAddress(),
    }));
    // A cluster whose stream runs and whose later issuance is open: what an investor finds on a live deployment.
    await d.offering.connect(d.operator).configureIssuance(true, 100, 1_000_000n * SHARE);
    await d.vault.connect(d.renter).payRent(100_000n * d.unit, ethers.ZeroHash);
    await increaseTime((await d.vault.epochEnd()) - (await latestTimestamp()));
    await attest(d, 100_000n * d.unit);
    await d.vault.closeEpoch();
    await d.nav.update();
  }, 180_000);

  afterAll(async () => {
    await node?.close();
  });

  it("runs as written: lists the cluster, buys by permit, claims, and reads the investment", async () => {
    // Hardhat's default account 8 (the fixtures' holders[1]), from the node's well-known mnemonic.
    const investor = ethers.HDNodeWallet.fromPhrase("test test test test test test test test test test test junk", undefined, "m/44'/60'/0'/0/8");
    expect(investor.address).toBe(d.holders[1].address);
    await d.stable.mint(investor.address, 5_000n * d.unit);
    const lines: string[] = [];
    await runModule(quickStartBlock(), { RPC_URL: node.url, PRIVATE_KEY: investor.privateKey, DEPLOYMENT: deploymentFile }, (line) => lines.push(line));

    const shares = await d.token.balanceOf(investor.address);
    expect(shares).toBeGreaterThan(0n);
    expect(await d.stable.balanceOf(investor.address)).toBeGreaterThan(4_000n * d.unit); // paid 1,000, then claimed yield
    expect(lines[0]).toMatch(/^1 cluster\(s\) from the chain at block \d+$/);
    expect(lines[1]).toMatch(/^bought [\d,.]+ csH100FRA \(permit\)$/);
    expect(lines[2]).toMatch(/^claimed 0\.\d+$/);
    expect(lines[3]).toBe(`csH100FRA: ${sdk.formatAmount({ raw: shares, decimals: 18 }, { maxFractionDigits: 2 })} shares`);
  });
});
