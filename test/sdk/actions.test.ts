import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Wallet, ZeroAddress, id as keccakId, type JsonRpcProvider } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  attest, deployCluster, increaseTime, latestTimestamp, launchParams, navParams, ethers, DAY, SHARE,
  type Deployment,
} from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { deployUniswap } from "../helpers/uniswap";
import { MockTransferPolicy__factory, MockV3Aggregator__factory, SwitchableFeeStablecoin__factory } from "../../sdk/src/types";
import { createContext, type ClusterShareContext } from "../../sdk/src/context";
import { ClusterShareError, PreflightError, RpcError } from "../../sdk/src/errors";
import * as actions from "../../sdk/src/actions";
import { rpcContexts } from "./rpcContext";

const PRICE = 2n; // stablecoins per share
const RAISE = { price: PRICE, softCap: 400_000n, hardCap: 1_000_000n, duration: 30 * DAY };

describe("SDK actions over JSON-RPC against a Hardhat node", () => {
  let node: Awaited<ReturnType<typeof startRpcNode>>;
  let d: Deployment;
  let rpc: ReturnType<typeof rpcContexts>;
  let provider: JsonRpcProvider;
  let alice: HardhatEthersSigner, bob: HardhatEthersSigner, carol: HardhatEthersSigner, dave: HardhatEthersSigner;
  let as: (s: { address: string }) => Promise<ClusterShareContext>;
  let clusterId: bigint;
  let billed = 0n;

  /** Asserts the action fails its preflight with `check` / `errorName` and that the signer sent nothing. */
  async function refusedBeforeSending(signer: { address: string }, action: () => Promise<unknown>, check: string, errorName: string) {
    const nonce = await provider.getTransactionCount(signer.address);
    const error = await action().then(() => undefined, (e: unknown) => e);
    expect(error, `expected ${errorName}`).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).check).toBe(check);
    expect((error as PreflightError).errorName).toBe(errorName);
    expect(await provider.getTransactionCount(signer.address)).toBe(nonce);
    return error as PreflightError;
  }

  /** Moves to the end of the running epoch and attests everything paid so far. */
  async function toEpochEnd() {
    const end = await d.vault.epochEnd();
    const now = await latestTimestamp();
    if (now < end) await increaseTime(end - now);
    await attest(d, billed);
  }

  beforeAll(async () => {
    node = await startRpcNode();
    d = await deployCluster({ raise: RAISE, reserveBps: 2_000n });
    clusterId = d.clusterId;
    [alice, bob, carol, dave] = d.holders;
    for (const h of [alice, bob, carol]) await d.stable.mint(h.address, 1_000_000n * d.unit);
    rpc = rpcContexts(node.url, await d.factory.getAddress());
    provider = rpc.provider;
    as = (s) => rpc.as(s.address);
  }, 180_000);

  afterAll(async () => {
    provider?.destroy();
    await node?.close();
  });

  it("buys by EIP-2612 permit when the allowance is short: one transaction, shares decoded from the event", async () => {
    const nonce = await provider.getTransactionCount(alice.address);
    const bought = await actions.buy(await as(alice), { clusterId, assets: 200_000n * d.unit });
    expect(bought.authorization).toBe("permit");
    expect(bought.assets).toBe(200_000n * d.unit);
    expect(bought.shares).toBe(100_000n * SHARE);
    expect(await d.token.balanceOf(alice.address)).toBe(bought.shares);
    expect(await provider.getTransactionCount(alice.address)).toBe(nonce + 1);
    expect(bought.receipt.status).toBe(1);
    expect(bought.events.map((e) => e.name)).toContain("SharesPurchased");
  });

  it("buys by shares with an exact approval when asked to, and from an existing allowance without either", async () => {
    const nonce = await provider.getTransactionCount(bob.address);
    const approved = await actions.buy(await as(bob), { clusterId, shares: 50_000n * SHARE, authorization: "approve" });
    expect(approved.authorization).toBe("approve");
    expect(approved.shares).toBe(50_000n * SHARE);
    expect(approved.assets).toBe(100_000n * d.unit);
    expect(await provider.getTransactionCount(bob.address)).toBe(nonce + 2);
    expect(await d.stable.allowance(bob.address, await d.offering.getAddress())).toBe(0n);

    await d.stable.connect(carol).approve(await d.offering.getAddress(), ethers.MaxUint256);
    const fromAllowance = await actions.buy(await as(carol), { clusterId, assets: 100_000n * d.unit, receiver: dave.address });
    expect(fromAllowance.authorization).toBe("allowance");
    expect(await d.token.balanceOf(dave.address)).toBe(50_000n * SHARE);
  });

  it("refuses a price bound, the hard cap, a short balance and zero amounts before sending anything", async () => {
    const ctx = await as(alice);
    await refusedBeforeSending(alice, async () => actions.buy(ctx, { clusterId, assets: 2_000n * d.unit, minShares: 1_001n * SHARE }), "priceBound", "PriceBoundExceeded");
    await refusedBeforeSending(alice, async () => actions.buy(ctx, { clusterId, shares: SHARE, maxPricePerShare: PRICE * d.unit - 1n }), "priceBound", "PriceBoundExceeded");
    const cap = await refusedBeforeSending(alice, async () => actions.buy(ctx, { clusterId, assets: 700_000n * d.unit }), "hardCap", "HardCapExceeded");
    expect(cap.args.remaining).toBe(600_000n * d.unit);
    expect(cap.message).toContain("only 600000000000 remain");
    await refusedBeforeSending(dave, async () => actions.buy(await as(dave), { clusterId, assets: 10n * d.unit }), "balance", "ERC20InsufficientBalance");
    await refusedBeforeSending(alice, async () => actions.buy(ctx, { clusterId, assets: 0n }), "amount", "ZeroAmount");
    await refusedBeforeSending(alice, async () => actions.buy(ctx, { clusterId, assets: 10n * d.unit, receiver: ZeroAddress }), "address", "ZeroAddress");
  });

  it("finalizes only after the deadline; a purchase after it is refused", async () => {
    const operator = await as(d.operator);
    await refusedBeforeSending(d.operator, async () => actions.finalizeOffering(operator, { clusterId }), "deadline", "OfferingStillOpen");
    await increaseTime(RAISE.duration + 1);
    await refusedBeforeSending(alice, async () => actions.buy(await as(alice), { clusterId, assets: 10n * d.unit }), "deadline", "OfferingClosed");
    const done = await actions.finalizeOffering(await as(d.stranger), { clusterId });
    expect(done.events.map((e) => e.name)).toContain("OfferingSucceeded");
    await refusedBeforeSending(d.stranger, async () => actions.finalizeOffering(await as(d.stranger), { clusterId }), "finalized", "AlreadyFinalized");
    expect(await d.token.locked()).toBe(false);
  });

  it("pays the proceeds to the operator only", async () => {
    await refusedBeforeSending(d.stranger, async () => actions.withdrawProceeds(await as(d.stranger), { clusterId, to: d.stranger.address }), "role", "Unauthorized");
    const to = Wallet.createRandom().address;
    const owed = await d.offering.proceedsOwed();
    const paid = await actions.withdrawProceeds(await as(d.operator), { clusterId, to });
    expect(paid.events.find((e) => e.name === "ProceedsWithdrawn")?.args.amount).toBe(owed);
    expect(await d.stable.balanceOf(to)).toBe(owed);
    await refusedBeforeSending(d.operator, async () => actions.withdrawProceeds(await as(d.operator), { clusterId, to }), "owed", "NothingToWithdraw");
    const fees = await actions.withdrawProtocolFees(await as(d.stranger), { clusterId, from: "offering" });
    expect(fees.events.find((e) => e.name === "ProceedsWithdrawn")?.args.protocol).toBe(true);
  });

  it("pays rent (approving the vault), and the guardian's pause stops it before sending", async () => {
    const renter = await as(d.renter);
    await d.stable.connect(d.renter).approve(await d.vault.getAddress(), 0n);
    const paid = await actions.payRent(renter, { clusterId, amount: 100_000n * d.unit, paymentRef: "invoice-1" });
    billed += 100_000n * d.unit;
    expect(paid.amount).toBe(100_000n * d.unit);
    expect(paid.epoch).toBe(await d.vault.currentEpoch());
    expect(await d.vault.escrow()).toBe(100_000n * d.unit);

    await refusedBeforeSending(d.stranger, async () => actions.pause(await as(d.stranger), { clusterId }), "role", "Unauthorized");
    await actions.pause(await as(d.guardian), { clusterId });
    await refusedBeforeSending(d.guardian, async () => actions.pause(await as(d.guardian), { clusterId }), "paused", "EnforcedPause");
    await refusedBeforeSending(d.renter, async () => actions.payRent(renter, { clusterId, amount: d.unit, paymentRef: "invoice-2" }), "paused", "EnforcedPause");
    await refusedBeforeSending(alice, async () => actions.buy(await as(alice), { clusterId, assets: 10n * d.unit }), "paused", "EnforcedPause");
    await actions.unpause(await as(d.guardian), { clusterId });
    await refusedBeforeSending(d.guardian, async () => actions.unpause(await as(d.guardian), { clusterId }), "paused", "ExpectedPause");
    await refusedBeforeSending(d.renter, async () => actions.payRent(renter, { clusterId, amount: 0n, paymentRef: "x" }), "amount", "ZeroAmount");
  });

  it("closes an epoch only once it ended, and publishes NAV", async () => {
    const keeper = await as(d.keeper);
    const early = await refusedBeforeSending(d.keeper, async () => actions.closeEpoch(keeper, { clusterId }), "epochEnded", "EpochNotEnded");
    expect(early.args.endsAt).toBe(await d.vault.epochEnd());
    await toEpochEnd();
    const closed = await actions.closeEpoch(keeper, { clusterId });
    expect(closed.released).toBe(100_000n * d.unit);
    expect(closed.toHolders).toBeGreaterThan(0n);
    const nav = await actions.updateNav(keeper, { clusterId });
    expect(nav.navPerShare).toBe((await d.nav.latestRoundData())[1]);
  });

  it("claims streamed yield to another address, and refuses when nothing was earned", async () => {
    await increaseTime(DAY);
    const to = Wallet.createRandom().address;
    const claimed = await actions.claim(await as(alice), { clusterId, to });
    expect(claimed.amount).toBeGreaterThan(0n);
    expect(await d.stable.balanceOf(to)).toBe(claimed.amount);
    await refusedBeforeSending(d.stranger, async () => actions.claim(await as(d.stranger), { clusterId }), "earned", "NothingToClaim");
  });

  it("requests, cancels, settles and redeems through the queue", async () => {
    const ctx = await as(alice);
    const request = await actions.requestRedeem(ctx, { clusterId, shares: 10_000n * SHARE });
    expect(request.requestId).toBeGreaterThan(0n);
    const cancelled = await actions.cancelRedeemRequest(ctx, { clusterId, requestId: request.requestId });
    expect(cancelled.shares).toBe(10_000n * SHARE);
    await refusedBeforeSending(alice, async () => actions.cancelRedeemRequest(ctx, { clusterId, requestId: request.requestId }), "pending", "NothingPending");
    await refusedBeforeSending(alice, async () => actions.requestRedeem(ctx, { clusterId, shares: 10n ** 30n }), "balance", "ERC20InsufficientBalance");
    await refusedBeforeSending(alice, async () => actions.redeem(ctx, { clusterId }), "claimable", "ZeroAmount");

    const again = await actions.requestRedeem(ctx, { clusterId, shares: 10_000n * SHARE });
    // The request matures only when the epoch it was made in closes.
    await refusedBeforeSending(d.keeper, async () => actions.settle(await as(d.keeper), { clusterId }), "previewSettle", "NothingToSettle");
    await actions.payRent(await as(d.renter), { clusterId, amount: 100_000n * d.unit, paymentRef: keccakId("invoice-3") });
    billed += 100_000n * d.unit;
    await toEpochEnd();
    await actions.closeEpoch(await as(d.keeper), { clusterId });
    await actions.updateNav(await as(d.keeper), { clusterId });
    const settled = await actions.settle(await as(d.keeper), { clusterId });
    expect(settled.sharesFilled).toBeGreaterThan(0n);
    expect(settled.assets).toBeGreaterThan(0n);
    await refusedBeforeSending(d.keeper, async () => actions.settle(await as(d.keeper), { clusterId }), "previewSettle", "SettlementNotDue");
    const [claimable, claimableAssets] = await d.queue.claimable(alice.address);
    expect(claimable).toBe(settled.sharesFilled);
    await refusedBeforeSending(alice, async () => actions.redeem(ctx, { clusterId, shares: claimable + 1n }), "claimable", "ExceedsClaimable");
    const receiver = Wallet.createRandom().address;
    const redeemed = await actions.redeem(ctx, { clusterId, receiver });
    expect(redeemed.shares).toBe(claimable);
    expect(redeemed.assets).toBe(claimableAssets);
    expect(await d.stable.balanceOf(receiver)).toBe(claimableAssets);
    expect(again.requestId).toBeGreaterThan(0n);
  });

  it("lets an ERC-7540 operator request for an owner", async () => {
    await actions.setRedeemOperator(await as(alice), { clusterId, operator: bob.address, approved: true });
    const request = await actions.requestRedeem(await as(bob), { clusterId, shares: SHARE, owner: alice.address, controller: alice.address });
    expect(request.events.find((e) => e.name === "RedeemRequest")?.args.owner).toBe(alice.address);
  });

  it("reports metrics as operator or keeper, within the cluster's GPUs", async () => {
    const reported = await actions.reportMetrics(await as(d.keeper), { clusterId, activeGpus: 500, utilizationBps: 9_000 });
    expect(reported.events.find((e) => e.name === "MetricsReported")?.args.activeGpus).toBe(500n);
    await refusedBeforeSending(d.operator, async () => actions.reportMetrics(await as(d.operator), { clusterId, activeGpus: 513, utilizationBps: 1 }), "metrics", "InvalidMetrics");
    await refusedBeforeSending(d.operator, async () => actions.reportMetrics(await as(d.operator), { clusterId, activeGpus: 1, utilizationBps: 10_001 }), "metrics", "InvalidMetrics");
    await refusedBeforeSending(d.stranger, async () => actions.reportMetrics(await as(d.stranger), { clusterId, activeGpus: 1, utilizationBps: 1 }), "role", "Unauthorized");
  });

  it("withdraws operator and protocol fees of released rent", async () => {
    const to = Wallet.createRandom().address;
    const owed = await d.vault.operatorFeesOwed();
    await actions.withdrawOperatorFees(await as(d.operator), { clusterId, to });
    expect(await d.stable.balanceOf(to)).toBe(owed);
    await refusedBeforeSending(d.operator, async () => actions.withdrawOperatorFees(await as(d.operator), { clusterId, to }), "owed", "NothingToWithdraw");
    const protocolOwed = await d.vault.protocolFeesOwed();
    const before = await d.stable.balanceOf(d.feeRecipient.address);
    await actions.withdrawProtocolFees(await as(d.stranger), { clusterId, from: "vault" });
    expect(await d.stable.balanceOf(d.feeRecipient.address)).toBe(before + protocolOwed);
    await refusedBeforeSending(d.stranger, async () => actions.withdrawProtocolFees(await as(d.stranger), { clusterId, from: "vault" }), "owed", "NothingToWithdraw");
  });

  it("configures later issuance and buys in it at NAV plus premium", async () => {
    await refusedBeforeSending(d.stranger, async () => actions.configureIssuance(await as(d.stranger), { clusterId, enabled: true, premiumBps: 100, cap: SHARE }), "role", "Unauthorized");
    await actions.configureIssuance(await as(d.operator), { clusterId, enabled: true, premiumBps: 100, cap: 1_000n * SHARE });
    const bought = await actions.buy(await as(carol), { clusterId, assets: 1_000n * d.unit });
    expect(bought.assets).toBe(1_000n * d.unit);
    expect(bought.shares).toBeGreaterThan(0n);
    const over = await refusedBeforeSending(carol, async () => actions.buy(await as(carol), { clusterId, assets: 100_000n * d.unit }), "issuanceCap", "IssuanceCapExceeded");
    expect(over.args.remaining).toBe(1_000n * SHARE - bought.shares);

    // A refusal from deeper in the contracts (the NAV oracle's sequencer check, reached through the offering's
    // quote) is still a decoded error before anything is sent.
    const sequencer = await new MockV3Aggregator__factory(d.admin).deploy(0, 1n); // 1: down
    await d.factory.connect(d.admin).setSequencerUptimeFeed(await sequencer.getAddress(), 3_600);
    const nonce = await provider.getTransactionCount(carol.address);
    const error = await actions.buy(await as(carol), { clusterId, assets: 10n * d.unit }).catch((e) => e);
    await d.factory.connect(d.admin).setSequencerUptimeFeed(ZeroAddress, 0);
    expect(error).toBeInstanceOf(ClusterShareError);
    expect(error).toMatchObject({ contract: "ClusterOffering", errorName: "SequencerDown" });
    expect(await provider.getTransactionCount(carol.address)).toBe(nonce);
  });

  it("runs the transfer policy's propose, cancel and apply, with its delay checked before sending", async () => {
    const operator = await as(d.operator);
    const policy = await new MockTransferPolicy__factory(d.admin).deploy();
    await refusedBeforeSending(d.stranger, async () => actions.proposeTransferPolicy(await as(d.stranger), { clusterId, policy: await policy.getAddress() }), "role", "Unauthorized");
    await refusedBeforeSending(d.operator, async () => actions.applyTransferPolicy(operator, { clusterId }), "proposal", "NoPolicyProposal");
    await actions.proposeTransferPolicy(operator, { clusterId, policy: await policy.getAddress() });
    await refusedBeforeSending(d.stranger, async () => actions.applyTransferPolicy(await as(d.stranger), { clusterId }), "delay", "PolicyDelayPending");
    await actions.cancelTransferPolicy(await as(d.guardian), { clusterId });
    await refusedBeforeSending(d.guardian, async () => actions.cancelTransferPolicy(await as(d.guardian), { clusterId }), "proposal", "NoPolicyProposal");
    await actions.proposeTransferPolicy(operator, { clusterId, policy: await policy.getAddress() });
    await increaseTime(2 * DAY);
    const applied = await actions.applyTransferPolicy(await as(d.stranger), { clusterId });
    expect(applied.events.map((e) => e.name)).toContain("TransferPolicySet");
    expect(await d.token.transferPolicy()).toBe(await policy.getAddress());

    // The policy now refuses dave: a purchase for him and a request naming him as controller stop before sending.
    await policy.blockReceiver(dave.address);
    await refusedBeforeSending(carol, async () => actions.buy(await as(carol), { clusterId, assets: 10n * d.unit, receiver: dave.address }), "transferPolicy", "TransferNotAllowed");
    await refusedBeforeSending(alice, async () => actions.requestRedeem(await as(alice), { clusterId, shares: SHARE, controller: dave.address }), "transferPolicy", "ControllerNotAllowed");
  });

  it("replaces the revenue feed through its delay (admin proposes, guardian may cancel, anyone applies)", async () => {
    const feed = await new MockV3Aggregator__factory(d.admin).deploy(18, billed * 10n ** 12n);
    const proposal = { clusterId, aggregator: await feed.getAddress(), heartbeat: 2 * DAY, baseline: billed, maxCarried: 0n };
    await refusedBeforeSending(d.operator, async () => actions.proposeRevenueFeed(await as(d.operator), proposal), "role", "Unauthorized");
    await refusedBeforeSending(d.stranger, async () => actions.applyRevenueFeedChange(await as(d.stranger), { clusterId }), "proposal", "NoFeedChangePending");
    await actions.proposeRevenueFeed(await as(d.admin), proposal);
    await refusedBeforeSending(d.stranger, async () => actions.applyRevenueFeedChange(await as(d.stranger), { clusterId }), "delay", "FeedChangeNotReady");
    await actions.cancelRevenueFeedChange(await as(d.guardian), { clusterId });
    await refusedBeforeSending(d.guardian, async () => actions.cancelRevenueFeedChange(await as(d.guardian), { clusterId }), "proposal", "NoFeedChangePending");
    await actions.proposeRevenueFeed(await as(d.admin), proposal);
    await increaseTime(3 * DAY);
    await feed.updateAnswer(billed * 10n ** 12n);
    const applied = await actions.applyRevenueFeedChange(await as(d.stranger), { clusterId });
    expect(applied.events.map((e) => e.name)).toContain("RevenueFeedChanged");
    expect((await d.vault.revenueFeed()).aggregator).toBe(await feed.getAddress());
  });

  it("sets the protocol fee within its bound, admin only", async () => {
    await refusedBeforeSending(d.admin, async () => actions.setProtocolFee(await as(d.admin), { recipient: d.feeRecipient.address, bps: 1_001 }), "bps", "ProtocolFeeTooHigh");
    await refusedBeforeSending(d.stranger, async () => actions.setProtocolFee(await as(d.stranger), { recipient: d.feeRecipient.address, bps: 100 }), "role", "Unauthorized");
    const set = await actions.setProtocolFee(await as(d.admin), { recipient: d.feeRecipient.address, bps: 400 });
    expect(set.events.find((e) => e.name === "ProtocolFeeSet")?.args.bps).toBe(400n);
  });

  it("prepares a Uniswap V2 pair before its first share: excluded at the address the token derives", async () => {
    const stable = await d.stable.getAddress();
    await refusedBeforeSending(d.stranger, async () => actions.excludePool(await as(d.stranger), { clusterId, pairedToken: stable }), "poolFor", "NoDexFactory");
    const uniswap = await deployUniswap(d.admin);
    await refusedBeforeSending(d.stranger, async () => actions.setDexFactory(await as(d.stranger), { version: "v2", factory: await uniswap.factory.getAddress() }), "role", "Unauthorized");
    await actions.setDexFactory(await as(d.admin), { version: "v2", factory: await uniswap.factory.getAddress() });
    const prepared = await actions.prepareDexPool(await as(d.stranger), { clusterId, pairedToken: stable });
    expect(prepared.pool).toBe(await d.token.poolFor(stable));
    expect(prepared.excluded?.events.find((e) => e.name === "ExclusionSet")?.args.account).toBe(prepared.pool);
    expect(prepared.allowlisted).toBeUndefined();
    expect(await d.token.isExcluded(prepared.pool)).toBe(true);
    // Created afterwards by the real Uniswap factory at the same address.
    await uniswap.factory.createPair(await d.token.getAddress(), stable);
    expect(await uniswap.factory.getPair(await d.token.getAddress(), stable)).toBe(prepared.pool);
    await refusedBeforeSending(d.stranger, async () => actions.excludePool(await as(d.stranger), { clusterId, pairedToken: stable }), "excluded", "ExclusionUnchanged");
    await refusedBeforeSending(d.stranger, async () => actions.includePool(await as(d.stranger), { clusterId, pairedToken: stable }), "role", "Unauthorized");
    await actions.includePool(await as(d.operator), { clusterId, pairedToken: stable });
    expect(await d.token.isExcluded(prepared.pool)).toBe(false);
    await refusedBeforeSending(d.stranger, async () => actions.excludePool(await as(d.stranger), { clusterId, pairedToken: stable, fee: 3_000 }), "v3PoolFor", "NoDexFactory");
    await refusedBeforeSending(d.operator, async () => actions.includeV3Pool(await as(d.stranger), { clusterId, pairedToken: stable, fee: 3_000 }), "role", "Unauthorized");
  });

  describe("a cluster launched through the SDK with an allowlist and a raise that fails", () => {
    let allowlisted: bigint;

    beforeAll(async () => {
      const params = launchParams({
        name: "A100 Cluster Oslo", symbol: "csA100OSL",
        stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(), keeper: d.keeper.address,
        withAllowlist: true,
        offering: {
          pricePerShare: PRICE * d.unit, softCap: 500_000n * d.unit, hardCap: 1_000_000n * d.unit,
          deadline: (await latestTimestamp()) + BigInt(10 * DAY), minPerAccount: 0n, maxPerAccount: 0n,
        },
        nav: navParams(),
      });
      const launched = await actions.launchCluster(await as(d.operator), params);
      allowlisted = launched.clusterId;
      expect(launched.contracts.policy).not.toBe(ZeroAddress);
      expect((await d.factory.cluster(allowlisted)).contracts.offering).toBe(launched.contracts.offering);
    });

    it("refuses inconsistent launch parameters before sending", async () => {
      const params = launchParams({ offering: { pricePerShare: 1n, softCap: 1n, hardCap: 2n, deadline: 10n ** 10n, minPerAccount: 0n, maxPerAccount: 0n }, initialShares: 1n, nav: navParams() });
      await refusedBeforeSending(d.operator, async () => actions.launchCluster(await as(d.operator), params), "launch", "InconsistentLaunch");
    });

    it("checks the allowlist before a purchase, and manages entries", async () => {
      const ctx = await as(alice);
      await refusedBeforeSending(alice, async () => actions.buy(ctx, { clusterId: allowlisted, assets: 2_000n * d.unit }), "transferPolicy", "TransferNotAllowed");
      const now = await latestTimestamp();
      await refusedBeforeSending(d.operator, async () => actions.setAllowed(await as(d.operator), { clusterId: allowlisted, accounts: [alice.address], expiry: now }), "expiry", "ExpiryInPast");
      await refusedBeforeSending(d.stranger, async () => actions.setAllowed(await as(d.stranger), { clusterId: allowlisted, accounts: [alice.address], expiry: now + 100n * 86_400n }), "role", "Unauthorized");
      await actions.setAllowed(await as(d.operator), { clusterId: allowlisted, accounts: [alice.address], expiry: now + 100n * 86_400n });
      const bought = await actions.buy(ctx, { clusterId: allowlisted, assets: 2_000n * d.unit });
      expect(bought.shares).toBe(1_000n * SHARE);
      await actions.freeze(await as(d.guardian), { clusterId: allowlisted, account: alice.address });
      await refusedBeforeSending(alice, async () => actions.buy(ctx, { clusterId: allowlisted, assets: 2_000n * d.unit }), "transferPolicy", "TransferNotAllowed");
      await refusedBeforeSending(d.guardian, async () => actions.unfreeze(await as(d.guardian), { clusterId: allowlisted, account: alice.address }), "role", "Unauthorized");
      await actions.unfreeze(await as(d.operator), { clusterId: allowlisted, account: alice.address });
      expect((await actions.buy(ctx, { clusterId: allowlisted, assets: 2_000n * d.unit })).shares).toBe(1_000n * SHARE);
      // No policy on the first cluster's allowlist actions.
      await refusedBeforeSending(d.operator, async () => actions.freeze(await as(d.operator), { clusterId, account: alice.address }), "policy", "NoAllowlist");
    });

    it("asks for the pool's allowlist expiry, and refuses to exclude while shares are locked", async () => {
      const stable = await d.stable.getAddress();
      await refusedBeforeSending(d.operator, async () => actions.prepareDexPool(await as(d.operator), { clusterId: allowlisted, pairedToken: stable }), "allowlistExpiry", "InvalidParameter");
      await refusedBeforeSending(d.operator, async () => actions.excludePool(await as(d.operator), { clusterId: allowlisted, pairedToken: stable }), "locked", "SharesLocked");
    });

    it("prepares a pool on an active allowlisted cluster: allowlisted, then excluded, each step once", async () => {
      const launched = await actions.launchCluster(await as(d.operator), launchParams({
        stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(), withAllowlist: true,
        initialHolder: alice.address, initialShares: 1_000n * SHARE, nav: navParams({ hardwareCost: 1_000n * d.unit }),
      }));
      const stable = await d.stable.getAddress();
      const params = { clusterId: launched.clusterId, pairedToken: stable, allowlistExpiry: (await latestTimestamp()) + BigInt(365 * DAY) };
      const prepared = await actions.prepareDexPool(await as(d.operator), params);
      expect(prepared.allowlisted?.events.find((e) => e.name === "AllowlistUpdated")).toBeDefined();
      expect(prepared.excluded?.events.find((e) => e.name === "ExclusionSet")?.args.account).toBe(prepared.pool);
      const token = (await d.factory.cluster(launched.clusterId)).contracts;
      expect(await (await ethers.getContractAt("AllowlistPolicy", token.policy)).isAllowed(prepared.pool)).toBe(true);
      expect(await (await ethers.getContractAt("ClusterShareToken", token.token)).isExcluded(prepared.pool)).toBe(true);
      const again = await actions.prepareDexPool(await as(d.operator), params);
      expect(again).toEqual({ pool: prepared.pool });
    });

    it("refunds a failed raise, only once it failed", async () => {
      const ctx = await as(alice);
      await refusedBeforeSending(alice, async () => actions.refund(ctx, { clusterId: allowlisted }), "phase", "RefundsNotOpen");
      await increaseTime(10 * DAY + 1);
      const to = Wallet.createRandom().address;
      const refunded = await actions.refund(ctx, { clusterId: allowlisted, to });
      expect(refunded.assets).toBe(4_000n * d.unit);
      expect(refunded.shares).toBe(2_000n * SHARE);
      expect(await d.stable.balanceOf(to)).toBe(4_000n * d.unit);
      await refusedBeforeSending(alice, async () => actions.refund(ctx, { clusterId: allowlisted }), "balance", "NothingToRefund");
    });
  });

  it("approves a stablecoin without EIP-2612 (USDT-like), and refuses a permit it cannot take", async () => {
    const usdt = await new SwitchableFeeStablecoin__factory(d.admin).deploy(6);
    const launched = await actions.launchCluster(await as(d.operator), launchParams({
      stablecoin: await usdt.getAddress(), revenueFeed: await d.feed.getAddress(),
      offering: { pricePerShare: d.unit, softCap: 10n * d.unit, hardCap: 100n * d.unit, deadline: (await latestTimestamp()) + BigInt(DAY), minPerAccount: 10n * d.unit, maxPerAccount: 30n * d.unit },
      nav: navParams(),
    }));
    await usdt.mint(carol.address, 50n * d.unit);
    await refusedBeforeSending(carol, async () => actions.buy(await as(carol), { clusterId: launched.clusterId, assets: 20n * d.unit, authorization: "permit" }), "permit", "PermitUnsupported");
    // The per-account limits are checked before the approval, which must precede the purchase's simulation.
    await refusedBeforeSending(carol, async () => actions.buy(await as(carol), { clusterId: launched.clusterId, assets: 5n * d.unit }), "perAccount", "BelowMinimumPerAccount");
    await refusedBeforeSending(carol, async () => actions.buy(await as(carol), { clusterId: launched.clusterId, assets: 31n * d.unit }), "perAccount", "AboveMaximumPerAccount");
    const nonce = await provider.getTransactionCount(carol.address);
    const bought = await actions.buy(await as(carol), { clusterId: launched.clusterId, assets: 20n * d.unit });
    expect(bought.authorization).toBe("approve");
    expect(bought.shares).toBe(20n * SHARE);
    expect(await provider.getTransactionCount(carol.address)).toBe(nonce + 2);
  });

  it("hands the cluster to a new operator in two steps, sets the keeper and the metadata", async () => {
    const next = d.holders[5];
    await refusedBeforeSending(d.stranger, async () => actions.transferOperator(await as(d.stranger), { clusterId, newOperator: next.address }), "role", "Unauthorized");
    await actions.transferOperator(await as(d.operator), { clusterId, newOperator: next.address });
    await refusedBeforeSending(d.stranger, async () => actions.acceptOperator(await as(d.stranger), { clusterId }), "role", "Unauthorized");
    await actions.acceptOperator(await as(next), { clusterId });
    expect(await d.factory.operatorOf(clusterId)).toBe(next.address);
    await actions.setKeeper(await as(next), { clusterId, keeper: carol.address });
    await actions.reportMetrics(await as(carol), { clusterId, activeGpus: 1, utilizationBps: 1 });
    const meta = await actions.updateMetadata(await as(next), { clusterId, metadataURI: "ipfs://new", metadataHash: keccakId("v2") });
    expect(meta.events.find((e) => e.name === "MetadataUpdated")?.args.metadataURI).toBe("ipfs://new");
  });

  it("names the missing signer, the unknown cluster and a node that does not answer", async () => {
    await expect(actions.claim(rpc.reader(), { clusterId })).rejects.toMatchObject({ check: "signer", errorName: "NoSigner" });
    const unknown = await actions.claim(await as(alice), { clusterId: 99n }).catch((e) => e);
    expect(unknown).toBeInstanceOf(ClusterShareError);
    expect(unknown).toMatchObject({ contract: "ClusterFactory", errorName: "UnknownCluster", functionName: "cluster", args: { clusterId: 99n } });
    // Nothing listens on port 9: every request fails at the HTTP layer.
    const dead = rpcContexts("http://127.0.0.1:9", rpc.deployment.factory);
    const offline = await actions.claim(createContext({ provider: dead.provider, signer: Wallet.createRandom(), deployment: dead.deployment }), { clusterId }).catch((e) => e);
    dead.provider.destroy();
    expect(offline).toBeInstanceOf(RpcError);
    expect(offline).toMatchObject({ method: "eth_call", contract: "ClusterFactory", functionName: "cluster" });
  });
});
