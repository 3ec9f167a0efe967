import { describe, it, expect, beforeAll, beforeEach } from "vitest";
import { deployCluster, snapshot, ethers, launchParams, type Deployment } from "../helpers/fixtures";
import { expectRevert } from "../helpers/assertions";
import { ClusterShareToken__factory, MockStablecoin__factory, RevenueVault__factory } from "../../sdk/src/types";

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
      keeper: d.keeper.address, initialHolder: d.holders[1].address, initialShares: 5n * 10n ** 18n, ...overrides,
    });
  }

  it("launches a cluster in one transaction as EIP-1167 clones, wired, registered and announced", async () => {
    const launch = await params({ name: "A100 Oslo", symbol: "csA100OSL", gpuCount: 64 });
    const receipt = await (await d.factory.connect(d.operator).launch(launch)).wait();
    const event = receipt!.logs.map((l) => d.factory.interface.parseLog(l)).find((e) => e?.name === "ClusterLaunched")!;
    const id = event.args.clusterId;
    expect(id).toBe(1n);
    expect(event.args.operator).toBe(d.operator.address);
    expect(event.args.params.name).toBe("A100 Oslo");
    expect(event.args.params.metadataHash).toBe(launch.metadataHash);
    const entry = await d.factory.cluster(id);
    expect(entry.token).toBe(event.args.token);
    expect(entry.vault).toBe(event.args.vault);
    expect(entry.operator).toBe(d.operator.address);
    expect(entry.keeper).toBe(d.keeper.address);
    expect(entry.gpuModel).toBe("NVIDIA H100 SXM");
    expect(entry.gpuCount).toBe(64n);
    expect(entry.region).toBe("eu-central");
    expect(entry.metadataURI).toBe("ipfs://bafy-cluster-metadata");
    expect(await d.factory.clusterCount()).toBe(2n);
    expect(await d.factory.clusterIdOf(entry.token)).toBe(1n);
    // EIP-1167 runtime code: 0x363d3d373d3d3d363d73 <implementation> 5af43d82803e903d91602b57fd5bf3, then the args.
    const code = await ethers.provider.getCode(entry.token);
    const implementation = (await d.factory.shareTokenImplementation()).slice(2).toLowerCase();
    expect(code.startsWith(`0x363d3d373d3d3d363d73${implementation}5af43d82803e903d91602b57fd5bf3`)).toBe(true);
    const token = ClusterShareToken__factory.connect(entry.token, d.admin);
    const vault = RevenueVault__factory.connect(entry.vault, d.admin);
    expect(await token.name()).toBe("A100 Oslo");
    expect(await token.vault()).toBe(entry.vault);
    expect(await token.stablecoin()).toBe(await d.stable.getAddress());
    expect(await token.clusterId()).toBe(1n);
    expect(await vault.shareToken()).toBe(entry.token);
    expect(await token.balanceOf(d.holders[1].address)).toBe(5n * 10n ** 18n);
    expect(await token.isExcluded(entry.vault)).toBe(true);
    const page = await d.factory.clusters(0, 10);
    expect(page.map((c) => c.token)).toEqual([d.token.target, entry.token]);
    expect((await d.factory.clusters(1, 1)).length).toBe(1);
    expect((await d.factory.clusters(5, 1)).length).toBe(0);
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
    const newTokenImpl = await new ClusterShareToken__factory(d.admin).deploy();
    const newVaultImpl = await new RevenueVault__factory(d.admin).deploy();
    await expectRevert(d.factory.connect(d.stranger).setImplementations(newTokenImpl.target, newVaultImpl.target), d.factory, "AccessControlUnauthorizedAccount");
    await expectRevert(d.factory.setImplementations(d.stranger.address, newVaultImpl.target), d.factory, "NotAContract");
    const oldCode = await ethers.provider.getCode(d.token.target as string);
    await d.factory.setImplementations(newTokenImpl.target, newVaultImpl.target);
    expect(await ethers.provider.getCode(d.token.target as string)).toBe(oldCode);
    await d.factory.connect(d.operator).launch(await params());
    const entry = await d.factory.cluster(1n);
    expect((await ethers.provider.getCode(entry.token)).toLowerCase()).toContain((newTokenImpl.target as string).slice(2).toLowerCase());
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
