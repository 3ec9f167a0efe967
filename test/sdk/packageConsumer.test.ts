/**
 * The built package works for a consumer outside the workspace: `npm pack` of sdk/ is extracted into a temporary
 * project's node_modules (ethers and graphql-request linked from the repository, no network), and plain Node
 * scripts, one ESM (`import`) and one CommonJS (`require`), load `@clustershare/sdk` and `@clustershare/sdk/math`
 * through the package's `exports` map and read a deployed share token over JSON-RPC from a real Hardhat node:
 * its name and a holder's balance through the typed contract handle, the stream and the account from storage
 * decoded by the package, and `earnedAt` for the block, which must equal the token's `earned` there. A TypeScript
 * consumer is type-checked against the shipped declarations under Node16 resolution (both conditions; the
 * declarations' own consistency is checked when tsup builds them, so the consumer skips the library check).
 *
 * Needs the built package (`npm run build -w sdk`, which `npm test` runs first).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { attest, deployCluster, ethers, increaseTime, type Deployment } from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const SDK = join(ROOT, "sdk");
/** What a consumer's node_modules needs besides the SDK: its peer and runtime dependencies (and theirs). */
const LINKED = ["ethers", "graphql-request", "graphql", "@graphql-typed-document-node/core", "typescript", "@types/node"];

/** The consumer script: the same reads in both module systems; `LOAD` becomes `import` or `require`. */
function consumerScript(load: string): string {
  return `${load}
const { JsonRpcProvider } = ethersModule;
const [url, token, holder] = process.argv.slice(2);
const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
const main = async () => {
  const blockTag = await provider.getBlockNumber();
  const block = await provider.getBlock(blockTag);
  const contract = sdk.shareTokenAt(token, provider);
  const word = (slot) => provider.getStorage(token, slot, blockTag).then(BigInt);
  const [name, balance, earned, packed, account, accrued, rate, eligible, undistributed, scale] = await Promise.all([
    contract.name({ blockTag }),
    contract.balanceOf(holder, { blockTag }),
    contract.earned(holder, { blockTag }),
    word(sdk.SHARE_TOKEN_SLOTS.stream),
    word(sdk.addressMappingSlot(sdk.SHARE_TOKEN_SLOTS.accounts, holder)),
    word(sdk.addressMappingSlot(sdk.SHARE_TOKEN_SLOTS.accrued, holder)),
    contract.scaledRewardRate({ blockTag }),
    contract.eligibleSupply({ blockTag }),
    contract.scaledUndistributed({ blockTag }),
    contract.accumulatorScale({ blockTag }),
  ]);
  const stream = { ...math.unpackStream(packed), scaledRate: rate, eligibleSupply: eligible, scaledUndistributed: undistributed, accumulatorScale: scale };
  const computed = math.earnedAt(sdk.unpackAccount(account, accrued), stream, BigInt(block.timestamp));
  console.log(JSON.stringify({
    name,
    balance: sdk.formatAmount(sdk.amount(balance, 18), { maxFractionDigits: 2 }),
    earned: earned.toString(),
    computed: computed.toString(),
    sameMath: sdk.earnedAt === math.earnedAt,
  }));
};
main().catch((error) => { console.error(error); process.exit(1); });
`;
}

const TYPED_CONSUMER = `import { earnedAt, shareTokenAt, parseAmount, type ShareAccount, type ClusterShareToken } from "@clustershare/sdk";
import { depreciatedValue, type DepreciationSchedule } from "@clustershare/sdk/math";
const account: ShareAccount = { balance: 1n, paid: 0n, excluded: false, accrued: 0n };
const token: ClusterShareToken = shareTokenAt("0x0000000000000000000000000000000000000001");
const schedule: DepreciationSchedule = { cost: 1n, start: 1n, usefulLife: 1n, salvageBps: 0n, maxDeviationBps: 0n };
const value: bigint | null = depreciatedValue(schedule, 2n);
const raw: bigint = parseAmount("1.5", 6).raw;
export const used = [account, token.balanceOf, value, raw, earnedAt];
`;

describe("the packed @clustershare/sdk in a consumer project outside the workspace", () => {
  let d: Deployment;
  let node: Awaited<ReturnType<typeof startRpcNode>>;
  let consumer: string;
  let holder: string;

  beforeAll(async () => {
    if (!existsSync(join(SDK, "dist", "index.mjs"))) throw new Error("sdk/dist is missing: run `npm run build -w sdk` first");
    consumer = mkdtempSync(join(tmpdir(), "clustershare-consumer-"));
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", consumer], { cwd: SDK });
    const tarball = join(consumer, JSON.parse(stdout)[0].filename as string);
    const target = join(consumer, "node_modules", "@clustershare", "sdk");
    mkdirSync(target, { recursive: true });
    await run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
    for (const name of LINKED) {
      mkdirSync(join(consumer, "node_modules", name, ".."), { recursive: true });
      symlinkSync(join(ROOT, "node_modules", name), join(consumer, "node_modules", name), "dir");
    }
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    writeFileSync(join(consumer, "read.mjs"), consumerScript(
      'import * as sdk from "@clustershare/sdk";\nimport * as math from "@clustershare/sdk/math";\nimport * as ethersModule from "ethers";',
    ));
    writeFileSync(join(consumer, "read.cjs"), consumerScript(
      'const sdk = require("@clustershare/sdk");\nconst math = require("@clustershare/sdk/math");\nconst ethersModule = require("ethers");',
    ));

    d = await deployCluster({ stableDecimals: 6 });
    holder = d.holders[0].address;
    // A running stream, so earned grows every second and only the exact maths can match it.
    await d.vault.connect(d.renter).payRent(50_000n * d.unit, ethers.id("consumer rent"));
    await increaseTime(7 * 86_400);
    await attest(d, 50_000n * d.unit);
    await d.vault.closeEpoch();
    await increaseTime(3_333);
    node = await startRpcNode();
  });

  afterAll(async () => {
    await node?.close();
    if (consumer) rmSync(consumer, { recursive: true, force: true });
  });

  it.each(["read.mjs", "read.cjs"])("%s loads the package and reads a deployed share token over JSON-RPC", async (script) => {
    const { stdout } = await run("node", [script, node.url, await d.token.getAddress(), holder], { cwd: consumer });
    const result = JSON.parse(stdout);
    expect(result.name).toBe(await d.token.name());
    expect(result.balance).toBe("1,000,000");
    expect(BigInt(result.earned)).toBeGreaterThan(0n);
    expect(result.computed).toBe(result.earned);
    expect(result.earned).toBe((await d.token.earned(holder)).toString());
    expect(result.sameMath).toBe(true);
  });

  it("type-checks a TypeScript consumer against the shipped declarations (import and require conditions)", async () => {
    writeFileSync(join(consumer, "typed.mts"), TYPED_CONSUMER);
    writeFileSync(join(consumer, "typed.cts"), TYPED_CONSUMER);
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const flags = ["--noEmit", "--strict", "--skipLibCheck", "--module", "node16", "--moduleResolution", "node16", "--target", "es2022", "--types", "node"];
    await expect(run("node", [tsc, ...flags, "typed.mts", "typed.cts"], { cwd: consumer })).resolves.toBeDefined();
  });
});
