import { describe, it, expect } from "vitest";
import { ContractFactory, type Contract } from "ethers";
import v3FactoryArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json";
import { deployCluster, closeEpochAt, increaseTime, ethers, EPOCH, SHARE } from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";

const FEE = 3_000;

describe("a real Uniswap V3 pool (npm artifacts) excluded before its first share", () => {
  it("derives the pool's address before it exists, so it never earns, and only insiders can include it again", async () => {
    const d = await deployCluster();
    const [holder] = d.holders;
    const stable = await d.stable.getAddress();
    await expectRevert(d.token.v3PoolFor(stable, FEE), d.token, "NoDexFactory");
    const v3 = (await new ContractFactory(v3FactoryArtifact.abi, v3FactoryArtifact.bytecode, d.admin).deploy()) as Contract;
    await expectRevert(d.factory.connect(d.stranger).setUniswapV3Factory(await v3.getAddress()), d.factory, "AccessControlUnauthorizedAccount");
    await d.factory.connect(d.admin).setUniswapV3Factory(await v3.getAddress());

    // Anyone excludes the pool before it exists; the real factory then deploys it exactly there.
    const predicted = await d.token.v3PoolFor(stable, FEE);
    await d.token.connect(d.stranger).excludeV3Pool(stable, FEE);
    expect(await d.token.isExcluded(predicted)).toBe(true);
    await (await v3.createPool(await d.token.getAddress(), stable, FEE)).wait();
    expect(await v3.getPool(stable, await d.token.getAddress(), FEE)).toBe(predicted);
    expect(await d.token.v3PoolFor(stable, 500)).not.toBe(predicted); // another fee tier, another pool

    // Shares in the pool earn nothing: the stream goes to the holders who can claim it.
    await d.token.connect(holder).transfer(predicted, 250_000n * SHARE);
    expect(await d.token.eligibleSupply()).toBe(750_000n * SHARE);
    await d.vault.connect(d.renter).payRent(10_000n * d.unit, ethers.id("rent"));
    await closeEpochAt(d, 10_000n * d.unit);
    await increaseTime(EPOCH);
    expect(await d.token.earned(predicted)).toBe(0n);
    const streamed = await d.vault.distributedToHolders();
    expect(streamed - (await d.token.earned(holder.address))).toBeLessThanOrEqual(2n);

    await expectRevert(d.token.connect(d.stranger).includeV3Pool(stable, FEE), d.token, "Unauthorized");
    await d.token.connect(d.operator).includeV3Pool(stable, FEE);
    expect(await d.token.isExcluded(predicted)).toBe(false);
  });
});
