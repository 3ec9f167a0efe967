import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import {
  deployCluster, deployImplementations, snapshot, ethers, launchParams, navParams, type Deployment,
} from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import {
  ClusterShareToken__factory, MockStablecoin__factory, NavOracle__factory, RedemptionQueue__factory, RevenueVault__factory,
} from "../../sdk/src/types";

describe("ClusterFactory", () => {
  let d: Deployment;
  let reset: () => Promise<void>;

  beforeAll(async () => {
    d = await deployCluster();
    reset = await snapshot();
  });
  beforeEach(async () => reset());

  async function params(overrides = {}) {
    return launchParams({
      stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(),
      keeper: d.keeper.address, initialHolder: d.holders[1].address, initialShares: 5n * 10n ** 18n,
      nav: navParams({ hardwareCost: 5_000_000n }), ...overrides,
    });
  }

  it("launches a cluster in one transaction as EIP-1167 clones, wired, registered and announced", async () => {
    const launch = await params({ name: "A100 Oslo", symbol: "csA100OSL", gpuCount: 64, withAllowlist: true });
    const receipt = await (await d.factory.connect(d.operator).launch(launch)).wait();
    const event = receipt!.logs.map((l) => d.factory.interface.parseLog(l)).find((e) => e?.name === "ClusterLaunched")!;
    const id = event.args.clusterId;
    expect(id).toBe(1n);
    expect(event.args.operator).toBe(d.operator.address);
    expect(event.args.params.name).toBe("A100 Oslo");
    expect(event.args.params.metadataHash).toBe(launch.metadataHash);
    const entry = await d.factory.cluster(id);
    const c = entry.contracts;
    expect([...c]).toEqual([...event.args.contracts]);
    expect(entry.operator).toBe(d.operator.address);
    expect(entry.keeper).toBe(d.keeper.address);
    expect(entry.gpuModel).toBe("NVIDIA H100 SXM");
    expect(entry.gpuCount).toBe(64n);
    expect(entry.region).toBe("eu-central");
    expect(entry.metadataURI).toBe("ipfs://bafy-cluster-metadata");
    expect(await d.factory.clusterCount()).toBe(2n);
    expect(await d.factory.clusterIdOf(c.token)).toBe(1n);
    // EIP-1167 runtime code: 0x363d3d373d3d3d363d73 <implementation> 5af43d82803e903d91602b57fd5bf3, then the args.
    const implementations = await d.factory.implementations();
    const pairs: [string, string][] = [
      [c.token, implementations.shareToken], [c.vault, implementations.revenueVault],
      [c.offering, implementations.offering], [c.redemptionQueue, implementations.redemptionQueue],
      [c.navOracle, implementations.navOracle], [c.policy, implementations.allowlistPolicy],
    ];
    for (const [instance, implementation] of pairs) {
      const code = await ethers.provider.getCode(instance);
      expect(code.startsWith(`0x363d3d373d3d3d363d73${implementation.slice(2).toLowerCase()}5af43d82803e903d91602b57fd5bf3`)).toBe(true);
    }
    const token = ClusterShareToken__factory.connect(c.token, d.admin);
    const vault = RevenueVault__factory.connect(c.vault, d.admin);
    expect(await token.name()).toBe("A100 Oslo");
    expect(await token.vault()).toBe(c.vault);
    expect(await token.offering()).toBe(c.offering);
    expect(await token.redemptionQueue()).toBe(c.redemptionQueue);
    expect(await token.transferPolicy()).toBe(c.policy);
    expect(await token.stablecoin()).toBe(await d.stable.getAddress());
    expect(await token.clusterId()).toBe(1n);
    expect(await token.locked()).toBe(false); // no raise: the operator brought the hardware
    expect(await vault.shareToken()).toBe(c.token);
    expect(await vault.counterparts()).toEqual([c.offering, c.redemptionQueue]);
    expect(await token.balanceOf(d.holders[1].address)).toBe(5n * 10n ** 18n);
    expect(await token.isExcluded(c.vault)).toBe(true);
    expect(await token.isExcluded(c.redemptionQueue)).toBe(true);
    const queue = RedemptionQueue__factory.connect(c.redemptionQueue, d.admin);
    expect(await queue.share()).toBe(c.token);
    expect(await queue.asset()).toBe(await d.stable.getAddress());
    const nav = NavOracle__factory.connect(c.navOracle, d.admin);
    expect((await nav.schedule()).cost).toBe(launch.nav.hardwareCost);
    expect(await nav.description()).toBe("csA100OSL NAV per share");
    const page = await d.factory.clusters(0, 10);
    expect(page.map((cluster) => cluster.contracts.token)).toEqual([d.token.target, c.token]);
    expect((await d.factory.clusters(1, 1)).length).toBe(1);
    expect((await d.factory.clusters(5, 1)).length).toBe(0);
  });

  it("launches without a policy unless asked, and refuses contradictory raise parameters", async () => {
    await d.factory.connect(d.operator).launch(await params());
    expect((await d.factory.cluster(1n)).contracts.policy).toBe(ethers.ZeroAddress);
    const raise = {
      pricePerShare: 10n ** 6n, softCap: 10n ** 9n, hardCap: 10n ** 10n,
      deadline: BigInt(Math.floor(Date.now() / 1000) + 10 * 86_400), minPerAccount: 0n, maxPerAccount: 0n,
    };
    // A raise mints no initial shares, and its hardware cost comes from the raise, not from the parameters.
    const withShares = await params({ offering: raise, nav: navParams() });
    expect((await expectRevert(d.factory.launch(withShares), d.factory, "InconsistentLaunch"))[0]).toBe("initialShares");
    const withCost = await params({ offering: raise, initialShares: 0n, nav: navParams({ hardwareCost: 1n }) });
    expect((await expectRevert(d.factory.launch(withCost), d.factory, "InconsistentLaunch"))[0]).toBe("hardwareCost");
    const noCost = await params({ nav: navParams() });
    expect((await expectRevert(d.factory.launch(noCost), d.factory, "InconsistentLaunch"))[0]).toBe("hardwareCost");
    expect(await d.factory.clusterCount()).toBe(2n);
  });

  it("refuses unsupported stablecoins and out-of-range parameters", async () => {
    const twoDecimals = await new MockStablecoin__factory(d.admin).deploy("Odd", "ODD", 2);
    await expectRevert(d.factory.launch(await params({ stablecoin: await twoDecimals.getAddress() })), d.factory, "UnsupportedStablecoin");
    await expectRevert(d.factory.launch(await params({ stablecoin: d.stranger.address })), d.factory, "UnsupportedStablecoin");
    const vaultErrors = RevenueVault__factory.createInterface();
    const asVault = { interface: vaultErrors } as unknown as Parameters<typeof expectRevert>[1];
    const args = await expectRevert(d.factory.launch(await params({ epochLength: 60 })), asVault, "InvalidParameter");
    expect(args[0]).toBe("epochLength");
    expect((await expectRevert(d.factory.launch(await params({ operatorFeeBps: 2_001 })), asVault, "InvalidParameter"))[0]).toBe("operatorFeeBps");
    expect((await expectRevert(d.factory.launch(await params({ reserveBps: 5_001 })), asVault, "InvalidParameter"))[0]).toBe("reserveBps");
    expect((await expectRevert(d.factory.launch(await params({ maxRevenuePerEpoch: 0 })), asVault, "InvalidParameter"))[0]).toBe("maxRevenuePerEpoch");
    await expectRevert(d.factory.launch(await params({ revenueHeartbeat: 0 })), asVault, "InvalidFeedConfig");
    await expectRevert(d.factory.launch(await params({ revenueFeed: ethers.ZeroAddress })), asVault, "InvalidFeedConfig");
    expect(await d.factory.clusterCount()).toBe(1n);
  });

  it("lets the admin point future launches at new implementations; launched clusters keep theirs", async () => {
    const fresh = await deployImplementations(d.admin);
    await expectRevert(d.factory.connect(d.stranger).setImplementations(fresh), d.factory, "AccessControlUnauthorizedAccount");
    await expectRevert(d.factory.setImplementations({ ...fresh, navOracle: d.stranger.address }), d.factory, "NotAContract");
    const oldCode = await ethers.provider.getCode(d.token.target as string);
    await d.factory.setImplementations(fresh);
    expect(await ethers.provider.getCode(d.token.target as string)).toBe(oldCode);
    await d.factory.connect(d.operator).launch(await params());
    const { contracts } = await d.factory.cluster(1n);
    expect((await ethers.provider.getCode(contracts.token)).toLowerCase()).toContain(fresh.shareToken.toString().slice(2).toLowerCase());
    expect((await ethers.provider.getCode(contracts.redemptionQueue)).toLowerCase()).toContain(fresh.redemptionQueue.toString().slice(2).toLowerCase());
  });

  describe("roles: every privileged function refuses a stranger", () => {
    it("protocol admin: fee, implementations, sequencer feed, role grants", async () => {
      const s = d.factory.connect(d.stranger);
      await expectRevert(s.setProtocolFee(d.stranger.address, 1), d.factory, "AccessControlUnauthorizedAccount");
      await expectRevert(s.setSequencerUptimeFeed(d.stranger.address, 1), d.factory, "AccessControlUnauthorizedAccount");
      await expectRevert(s.grantRole(await d.factory.GUARDIAN_ROLE(), d.stranger.address), d.factory, "AccessControlUnauthorizedAccount");
      // The guardian is not an admin either.
      await expectRevert(d.factory.connect(d.guardian).setProtocolFee(d.guardian.address, 1), d.factory, "AccessControlUnauthorizedAccount");
      await expectRevert(d.factory.setProtocolFee(d.feeRecipient.address, 1_001), d.factory, "ProtocolFeeTooHigh");
      await expectRevert(d.factory.setProtocolFee(ethers.ZeroAddress, 1), d.factory, "ZeroAddress");
      await d.factory.setProtocolFee(d.keeper.address, 250);
      expect(await d.factory.protocolFee()).toEqual([d.keeper.address, 250n]);
    });

    it("operator: metadata, keeper, two-step hand-over", async () => {
      const s = d.factory.connect(d.stranger);
      await expectRevert(s.updateMetadata(0, "ipfs://evil", ethers.ZeroHash), d.factory, "Unauthorized");
      await expectRevert(s.setKeeper(0, d.stranger.address), d.factory, "Unauthorized");
      await expectRevert(s.transferOperator(0, d.stranger.address), d.factory, "Unauthorized");
      await expectRevert(s.acceptOperator(0), d.factory, "Unauthorized");
      await expectRevert(d.factory.connect(d.operator).updateMetadata(9, "x", ethers.ZeroHash), d.factory, "UnknownCluster");

      await d.factory.connect(d.operator).updateMetadata(0, "ipfs://v2", ethers.id("v2"));
      expect((await d.factory.cluster(0)).metadataURI).toBe("ipfs://v2");
      await d.factory.connect(d.operator).transferOperator(0, d.holders[2].address);
      expect(await d.factory.operatorOf(0)).toBe(d.operator.address);
      await d.factory.connect(d.holders[2]).acceptOperator(0);
      expect(await d.factory.operatorOf(0)).toBe(d.holders[2].address);
      // The old operator lost every operator power, on the factory and on the cluster's contracts.
      await expectRevert(d.factory.connect(d.operator).setKeeper(0, d.operator.address), d.factory, "Unauthorized");
      await expectRevert(d.vault.connect(d.operator).withdrawOperatorFees(d.operator.address), d.vault, "Unauthorized");
    });

    it("keeper or operator: metrics, within bounds", async () => {
      await expectRevert(d.factory.connect(d.stranger).reportMetrics(0, 1, 1), d.factory, "Unauthorized");
      await expectRevert(d.factory.connect(d.keeper).reportMetrics(0, 513, 1), d.factory, "InvalidMetrics");
      await expectRevert(d.factory.connect(d.keeper).reportMetrics(0, 1, 10_001), d.factory, "InvalidMetrics");
      const receipt = await (await d.factory.connect(d.keeper).reportMetrics(0, 500, 9_100)).wait();
      const event = d.factory.interface.parseLog(receipt!.logs[0])!;
      expect([event.name, event.args.activeGpus, event.args.utilizationBps]).toEqual(["MetricsReported", 500n, 9100n]);
      await d.factory.connect(d.operator).reportMetrics(0, 400, 8_000);
      await d.factory.connect(d.operator).setKeeper(0, ethers.ZeroAddress);
      await expectRevert(d.factory.connect(d.keeper).reportMetrics(0, 1, 1), d.factory, "Unauthorized");
    });
  });
});
