import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Wallet, ZeroAddress, type JsonRpcProvider, type Signer } from "ethers";
import {
  deployCluster, increaseTime, latestTimestamp, launchParams, navParams, noRaise, ethers, DAY, EPOCH, SHARE,
  type Deployment,
} from "../helpers/fixtures";
import { startRpcNode } from "../helpers/rpcNode";
import { DecimalsChangingAggregator__factory, MockV3Aggregator__factory } from "../../sdk/src/types";
import {
  allowlistPolicyAt, clusterFactoryAt, navOracleAt, offeringAt, redemptionQueueAt, revenueVaultAt, shareTokenAt,
  type ContractName,
} from "../../sdk/src/contracts";
import { ClusterShareError, ERROR_MESSAGES, describeError, toClusterShareError } from "../../sdk/src/errors";
import { rpcContexts } from "./rpcContext";

/** Every custom error declared in a compiled protocol contract's ABI (mocks and test harnesses left out). */
function abiErrors(): Map<string, { contract: string; inputs: { name: string; type: string }[] }> {
  const errors = new Map<string, { contract: string; inputs: { name: string; type: string }[] }>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== "mocks") walk(path);
      } else if (entry.endsWith(".json") && !entry.endsWith(".dbg.json")) {
        const artifact = JSON.parse(readFileSync(path, "utf8"));
        for (const item of artifact.abi ?? []) if (item.type === "error") errors.set(item.name, { contract: artifact.contractName, inputs: item.inputs });
      }
    }
  };
  walk(join(__dirname, "../../artifacts/contracts"));
  return errors;
}

/**
 * Errors no sequence of public calls reaches on these contracts with a standard stablecoin, and why. Each is
 * still decoded (the decoder knows every selector); the test below only cannot make the chain raise it.
 */
const NOT_DRIVEN: Record<string, string> = {
  ZeroDuration: "notifyReward is vault-only, and the vault always streams over the epoch length (at least an hour)",
  RewardTooLarge: "notifyReward is vault-only, and maxRevenuePerEpoch bounds what one close can stream far below the accumulator's limit",
  InsufficientReserve: "withdrawReserve is queue-only, and the queue never asks for more than the reserve it read",
  HardwareAlreadyAcquired: "acquireHardware is offering-only, and the offering calls it once, at finalize",
  NotInitializing: "only internal initialisation helpers check it",
  ECDSAInvalidSignatureLength: "permit takes (v, r, s), never a signature byte string",
  ERC20InvalidApprover: "approvals come from msg.sender or a permit's recovered signer, never the zero address",
  InvalidAccountNonce: "permit consumes nonces unchecked (_useNonce), never _useCheckedNonce",
  CloneArgumentsTooLong: "the factory's clone arguments have a fixed size well under the limit",
  FailedDeployment: "a clone deployment fails only out of gas, which the node reports as such",
  InsufficientBalance: "the factory deploys clones without value",
  SafeERC20FailedOperation: "needs a stablecoin that returns false instead of reverting (the mock reverts with its own errors)",
  ReentrancyGuardReentrantCall: "needs a stablecoin that calls back into the protocol (driven in test/contracts with HookedStablecoin)",
  FeeOnTransferNotSupported: "needs a stablecoin that takes a fee on transfer (driven in test/contracts/feeSwitch.test.ts)",
  ZeroRedemptionPrice: "needs NAV per share below one stablecoin unit after the fee (driven in test/contracts)",
  ZeroNav: "needs hardware depreciated to nothing with zero salvage and an empty reserve (driven in test/contracts/navOracle.test.ts)",
};

describe("every contract error decoded into a ClusterShareError", () => {
  it("has a message in words for every error of every contract's ABI, naming its arguments", () => {
    const errors = abiErrors();
    expect(errors.size).toBeGreaterThan(80);
    for (const [name, { contract, inputs }] of errors) {
      expect(ERROR_MESSAGES[name], `${contract}.${name} has no message`).toBeTypeOf("function");
      const args = Object.fromEntries(inputs.map((input, i) => [input.name, input.type === "bool" ? true : `<${input.name}-${i}>`]));
      const message = describeError(name, args);
      // Every argument the message reads exists in the ABI (a misspelt name would print "undefined").
      expect(message, `${name}: ${message}`).not.toContain("undefined");
      for (const input of inputs.filter((x) => x.type !== "bool")) expect(message, `${name} leaves out ${input.name}`).toContain(`<${input.name}-`);
    }
  });

  describe("raised for real over JSON-RPC", () => {
    let node: Awaited<ReturnType<typeof startRpcNode>>;
    let d: Deployment;
    let provider: JsonRpcProvider;
    let signer: (s: { address: string }) => Promise<Signer>;
    let raiseId: bigint;
    const driven = new Map<string, ClusterShareError>();

    /** Simulates `call`, expects it to revert with `errorName`, and returns the decoded error's arguments. */
    async function raises(errorName: string, contract: ContractName, functionName: string, call: () => Promise<unknown>) {
      const error = await call().then(() => undefined, (e: unknown) => toClusterShareError(e, contract, functionName));
      expect(error, `${functionName} did not revert`).toBeInstanceOf(ClusterShareError);
      const decoded = error as ClusterShareError;
      expect(decoded.errorName, decoded.message).toBe(errorName);
      expect(decoded.contract).toBe(contract);
      expect(decoded.message).not.toContain("does not know");
      driven.set(errorName, decoded);
      return decoded.args;
    }

    /** Closes every epoch that has ended, the vault's feed refreshed at `cumulative` (stablecoin units, 8-decimal feed). */
    async function closeUpToNow(cumulative: bigint) {
      const feed = MockV3Aggregator__factory.connect((await d.vault.revenueFeed()).aggregator, d.admin);
      while ((await d.vault.epochEnd()) <= (await latestTimestamp())) {
        await feed.updateAnswer((cumulative * 10n ** 8n) / d.unit);
        await d.vault.connect(d.keeper).closeEpoch();
      }
    }

    beforeAll(async () => {
      node = await startRpcNode();
      d = await deployCluster({ withAllowlist: true });
      const rpc = rpcContexts(node.url, await d.factory.getAddress());
      provider = rpc.provider;
      signer = (s) => provider.getSigner(s.address);
      // A raise at one stablecoin unit per share, with per-account limits, from the same factory.
      raiseId = await d.factory.clusterCount();
      await d.factory.connect(d.operator).launch(launchParams({
        stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(),
        offering: {
          pricePerShare: 1n, softCap: 1_000n * d.unit, hardCap: 10n ** 15n, deadline: (await latestTimestamp()) + BigInt(20 * DAY),
          minPerAccount: 10n, maxPerAccount: 10n ** 14n,
        },
        nav: navParams(),
      }));
    }, 180_000);

    afterAll(async () => {
      provider?.destroy();
      await node?.close();
    });

    it("factory errors", async () => {
      const [alice] = d.holders;
      const asAdmin = clusterFactoryAt(await d.factory.getAddress(), await signer(d.admin));
      const asOperator = clusterFactoryAt(await d.factory.getAddress(), await signer(d.operator));
      const asStranger = clusterFactoryAt(await d.factory.getAddress(), await signer(d.stranger));
      expect(await raises("UnknownCluster", "ClusterFactory", "cluster", () => asStranger.cluster(99n))).toEqual({ clusterId: 99n });
      expect(await raises("ProtocolFeeTooHigh", "ClusterFactory", "setProtocolFee", () => asAdmin.setProtocolFee.staticCall(d.feeRecipient.address, 2_000))).toEqual({ bps: 2_000n });
      expect(await raises("AccessControlUnauthorizedAccount", "ClusterFactory", "setProtocolFee", () => asStranger.setProtocolFee.staticCall(d.stranger.address, 1))).toMatchObject({ account: d.stranger.address });
      await raises("AccessControlBadConfirmation", "ClusterFactory", "renounceRole", () => asAdmin.renounceRole.staticCall(ethers.ZeroHash, d.stranger.address));
      await raises("InvalidMetrics", "ClusterFactory", "reportMetrics", () => asOperator.reportMetrics.staticCall(d.clusterId, 10_000, 1));
      expect(await raises("Unauthorized", "ClusterFactory", "reportMetrics", () => asStranger.reportMetrics.staticCall(d.clusterId, 1, 1))).toEqual({ caller: d.stranger.address });
      await raises("ZeroAddress", "ClusterFactory", "transferOperator", () => asOperator.transferOperator.staticCall(d.clusterId, ZeroAddress));
      const eoa = alice.address;
      expect(await raises("NotAContract", "ClusterFactory", "setImplementations", () => asAdmin.setImplementations.staticCall({
        shareToken: eoa, revenueVault: eoa, offering: eoa, redemptionQueue: eoa, navOracle: eoa, allowlistPolicy: eoa,
      }))).toEqual({ account: eoa });
      const base = { stablecoin: await d.stable.getAddress(), revenueFeed: await d.feed.getAddress(), offering: noRaise(), nav: navParams({ hardwareCost: 1_000n }) };
      expect(await raises("UnsupportedStablecoin", "ClusterFactory", "launch", () => asOperator.launch.staticCall(launchParams({ ...base, stablecoin: eoa })))).toEqual({ stablecoin: eoa, decimals: 0n });
      expect(await raises("InconsistentLaunch", "ClusterFactory", "launch", () => asOperator.launch.staticCall(launchParams({ ...base, nav: navParams() })))).toEqual({ name: "hardwareCost" });
      expect(await raises("InvalidParameter", "ClusterFactory", "launch", () => asOperator.launch.staticCall(launchParams({ ...base, epochLength: 1 })))).toEqual({ name: "epochLength" });
    });

    it("share token errors", async () => {
      const [alice, bob] = d.holders;
      const tokenAddress = await d.token.getAddress();
      const token = async (s: { address: string }) => shareTokenAt(tokenAddress, await signer(s));
      const asAlice = await token(alice);
      await d.policy!.connect(d.operator).setAllowed([alice.address, bob.address], (await latestTimestamp()) + BigInt(365 * DAY));
      await raises("ExpectedPause", "ClusterShareToken", "unpause", async () => (await token(d.guardian)).unpause.staticCall());
      await d.token.connect(d.guardian).pause();
      await raises("EnforcedPause", "ClusterShareToken", "pause", async () => (await token(d.guardian)).pause.staticCall());
      await d.token.connect(d.guardian).unpause();
      expect(await raises("TransferNotAllowed", "ClusterShareToken", "transfer", () => asAlice.transfer.staticCall(d.stranger.address, 1n))).toEqual({ from: alice.address, to: d.stranger.address, amount: 1n });
      await raises("NothingToClaim", "ClusterShareToken", "claim", async () => (await token(d.stranger)).claim.staticCall(d.stranger.address));
      expect(await raises("InvalidPairedToken", "ClusterShareToken", "excludePool", () => asAlice.excludePool.staticCall(ZeroAddress))).toEqual({ token: ZeroAddress });
      await raises("NoDexFactory", "ClusterShareToken", "excludePool", async () => asAlice.excludePool.staticCall(await d.stable.getAddress()));
      await raises("NoPolicyProposal", "ClusterShareToken", "applyTransferPolicy", () => asAlice.applyTransferPolicy.staticCall());
      await d.token.connect(d.operator).proposeTransferPolicy(ZeroAddress);
      await raises("PolicyDelayPending", "ClusterShareToken", "applyTransferPolicy", () => asAlice.applyTransferPolicy.staticCall());
      await d.token.connect(d.operator).cancelTransferPolicy();
      const escrow = await d.stable.getAddress();
      expect(await raises("NoEscrowExclusionProposal", "ClusterShareToken", "applyEscrowExclusion", () => asAlice.applyEscrowExclusion.staticCall(escrow))).toEqual({ escrow });
      await d.token.connect(d.admin).proposeEscrowExclusion(escrow);
      const [executableAt] = await d.token.escrowExclusion(escrow);
      const window = await d.token.ESCROW_EXCLUSION_WINDOW();
      await increaseTime(Number(executableAt + window - (await latestTimestamp())) + 1);
      expect(await raises("EscrowExclusionExpired", "ClusterShareToken", "applyEscrowExclusion", () => asAlice.applyEscrowExclusion.staticCall(escrow))).toEqual({ escrow, expiredAt: executableAt + window });
      await d.token.connect(d.admin).cancelEscrowExclusion(escrow);
      expect(await raises("ExclusionUnchanged", "ClusterShareToken", "includeSelf", () => asAlice.includeSelf.staticCall())).toEqual({ account: alice.address, excluded: false });
      const balance = await d.token.balanceOf(alice.address);
      expect(await raises("ERC20InsufficientBalance", "ClusterShareToken", "transfer", () => asAlice.transfer.staticCall(bob.address, balance + 1n))).toEqual({ sender: alice.address, balance, needed: balance + 1n });
      await raises("ERC20InsufficientAllowance", "ClusterShareToken", "transferFrom", async () => (await token(bob)).transferFrom.staticCall(alice.address, bob.address, 1n));
      await raises("ERC20InvalidReceiver", "ClusterShareToken", "transfer", () => asAlice.transfer.staticCall(ZeroAddress, 1n));
      await raises("ERC20InvalidSender", "ClusterShareToken", "transferFrom", () => asAlice.transferFrom.staticCall(ZeroAddress, bob.address, 1n));
      await raises("ERC20InvalidSpender", "ClusterShareToken", "approve", () => asAlice.approve.staticCall(ZeroAddress, 1n));
      const now = await latestTimestamp();
      await raises("ERC2612ExpiredSignature", "ClusterShareToken", "permit", () => asAlice.permit.staticCall(alice.address, bob.address, 1n, now - 1n, 27, ethers.ZeroHash, ethers.ZeroHash));
      await raises("ECDSAInvalidSignature", "ClusterShareToken", "permit", () => asAlice.permit.staticCall(alice.address, bob.address, 1n, now + BigInt(DAY), 27, ethers.ZeroHash, ethers.ZeroHash));
      const highS = "0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1";
      await raises("ECDSAInvalidSignatureS", "ClusterShareToken", "permit", () => asAlice.permit.staticCall(alice.address, bob.address, 1n, now + BigInt(DAY), 27, ethers.id("r"), highS));
      // A well-formed signature by someone else.
      const stranger = Wallet.createRandom();
      const domain = { name: await d.token.name(), version: "1", chainId: 31337, verifyingContract: tokenAddress };
      const sig = ethers.Signature.from(await stranger.signTypedData(domain, {
        Permit: [{ name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }],
      }, { owner: alice.address, spender: bob.address, value: 1n, nonce: 0n, deadline: now + BigInt(DAY) }));
      expect(await raises("ERC2612InvalidSigner", "ClusterShareToken", "permit", () => asAlice.permit.staticCall(alice.address, bob.address, 1n, now + BigInt(DAY), sig.v, sig.r, sig.s))).toMatchObject({ signer: stranger.address, owner: alice.address });
      const raise = await d.factory.cluster(raiseId);
      await raises("InvalidInitialization", "ClusterOffering", "initialize", async () => offeringAt(raise.contracts.offering, await signer(alice)).initialize.staticCall());
    });

    it("offering errors, in the raise and after it failed", async () => {
      const [alice, bob] = d.holders;
      const raise = (await d.factory.cluster(raiseId)).contracts;
      const offering = async (s: { address: string }) => offeringAt(raise.offering, await signer(s));
      const asAlice = await offering(alice);
      await d.stable.mint(alice.address, 100_000n * d.unit);
      await d.stable.connect(alice).approve(raise.offering, ethers.MaxUint256);
      await raises("ZeroAmount", "ClusterOffering", "buy", () => asAlice.buy.staticCall(0n, alice.address));
      expect(await raises("HardCapExceeded", "ClusterOffering", "buy", () => asAlice.buy.staticCall(10n ** 15n + 1n, alice.address))).toEqual({ assets: 10n ** 15n + 1n, remaining: 10n ** 15n });
      expect(await raises("BelowMinimumPerAccount", "ClusterOffering", "buy", () => asAlice.buy.staticCall(5n, alice.address))).toEqual({ total: 5n, minimum: 10n });
      expect(await raises("AboveMaximumPerAccount", "ClusterOffering", "buy", () => asAlice.buy.staticCall(10n ** 14n + 1n, alice.address))).toEqual({ total: 10n ** 14n + 1n, maximum: 10n ** 14n });
      // 2^96 share units cost about 79,228 stablecoins at this price: the mint goes past the supply cap.
      await raises("SupplyCapExceeded", "ClusterOffering", "buyShares", () => asAlice.buyShares.staticCall(2n ** 96n, alice.address));
      await raises("OfferingStillOpen", "ClusterOffering", "finalize", () => asAlice.finalize.staticCall());
      await raises("RefundsNotOpen", "ClusterOffering", "refund", () => asAlice.refund.staticCall(alice.address));
      await asAlice.buy(100n, alice.address);
      await raises("SharesLocked", "ClusterShareToken", "transfer", async () => shareTokenAt(raise.token, await signer(alice)).transfer.staticCall(bob.address, 1n));
      const vault = revenueVaultAt(raise.vault, await signer(d.renter));
      await d.stable.connect(d.renter).approve(raise.vault, ethers.MaxUint256);
      await raises("ClusterNotActive", "RevenueVault", "payRent", () => vault.payRent.staticCall(1n, ethers.ZeroHash));
      const nav = navOracleAt(raise.navOracle, await signer(alice));
      await raises("HardwareNotAcquired", "NavOracle", "scheduledValue", () => nav.scheduledValue());
      await raises("RoundNotFound", "NavOracle", "latestRoundData", () => nav.latestRoundData());
      await increaseTime(20 * DAY + 1);
      await raises("OfferingClosed", "ClusterOffering", "buy", () => asAlice.buy.staticCall(100n, alice.address));
      await asAlice.finalize();
      await raises("AlreadyFinalized", "ClusterOffering", "finalize", () => asAlice.finalize.staticCall());
      await raises("NothingToRefund", "ClusterOffering", "refund", async () => (await offering(bob)).refund.staticCall(bob.address));
      await asAlice.refund(alice.address);
      await raises("NoSharesOutstanding", "NavOracle", "breakdown", () => nav.breakdown());
    });

    it("issuance, allowlist and vault errors", async () => {
      const [alice] = d.holders;
      const asAlice = offeringAt(await d.offering.getAddress(), await signer(alice));
      await raises("IssuanceDisabled", "ClusterOffering", "buy", () => asAlice.buy.staticCall(1_000n, alice.address));
      await d.offering.connect(d.operator).configureIssuance(true, 0, SHARE);
      await d.stable.connect(alice).approve(await d.offering.getAddress(), ethers.MaxUint256);
      expect(await raises("IssuanceCapExceeded", "ClusterOffering", "buy", () => asAlice.buy.staticCall(100n * d.unit, alice.address))).toMatchObject({ remaining: SHARE });
      const policy = allowlistPolicyAt(await d.policy!.getAddress(), await signer(d.operator));
      expect(await raises("ExpiryInPast", "AllowlistPolicy", "setAllowed", () => policy.setAllowed.staticCall([alice.address], 1n))).toEqual({ expiry: 1n });
      await raises("FreezeUnchanged", "AllowlistPolicy", "unfreeze", () => policy.unfreeze.staticCall(alice.address));
      await raises("ProtocolAccount", "AllowlistPolicy", "freeze", async () => policy.freeze.staticCall(await d.token.getAddress()));
      const vault = async (s: { address: string }) => revenueVaultAt(await d.vault.getAddress(), await signer(s));
      await closeUpToNow(0n);
      await raises("ZeroAmount", "RevenueVault", "payRent", async () => (await vault(d.renter)).payRent.staticCall(0n, ethers.ZeroHash));
      await raises("EpochNotEnded", "RevenueVault", "closeEpoch", async () => (await vault(d.keeper)).closeEpoch.staticCall());
      await raises("NothingToWithdraw", "RevenueVault", "withdrawProtocolFees", async () => (await vault(d.keeper)).withdrawProtocolFees.staticCall());
      await raises("NothingToSweep", "RevenueVault", "sweepDonations", async () => (await vault(d.keeper)).sweepDonations.staticCall());
      await raises("NoFeedChangePending", "RevenueVault", "applyRevenueFeedChange", async () => (await vault(d.keeper)).applyRevenueFeedChange.staticCall());
      const asAdmin = await vault(d.admin);
      expect(await raises("InvalidFeedConfig", "RevenueVault", "proposeRevenueFeed", () => asAdmin.proposeRevenueFeed.staticCall(ZeroAddress, 1, 0n, 0n))).toEqual({ feed: ZeroAddress });
    });

    it("oracle errors, through revenue feed changes and the NAV oracle", async () => {
      const asKeeper = revenueVaultAt(await d.vault.getAddress(), await signer(d.keeper));
      /** Proposes `feed`, waits out the delay, then simulates the change, which reads the new feed. */
      const applyRaises = async (errorName: string, feed: string, prepare: () => Promise<unknown> = async () => {}) => {
        await d.vault.connect(d.admin).proposeRevenueFeed(feed, 2 * DAY, 0n, 0n);
        await increaseTime(3 * DAY);
        await prepare();
        const args = await raises(errorName, "RevenueVault", "applyRevenueFeedChange", () => asKeeper.applyRevenueFeedChange.staticCall());
        if (errorName !== "FeedChangeNotReady") await d.vault.connect(d.guardian).cancelRevenueFeedChange();
        return args;
      };
      await d.vault.connect(d.admin).proposeRevenueFeed(await d.feed.getAddress(), 2 * DAY, 0n, 0n);
      await raises("FeedChangeNotReady", "RevenueVault", "applyRevenueFeedChange", () => asKeeper.applyRevenueFeedChange.staticCall());
      await d.vault.connect(d.guardian).cancelRevenueFeedChange();
      const stale = await new MockV3Aggregator__factory(d.admin).deploy(8, 0n);
      expect(await applyRaises("StaleOracleAnswer", await stale.getAddress())).toMatchObject({ feed: await stale.getAddress(), heartbeat: BigInt(2 * DAY) });
      const negative = await new MockV3Aggregator__factory(d.admin).deploy(8, 0n);
      await applyRaises("NonPositiveOracleAnswer", await negative.getAddress(), () => negative.updateAnswer(-1n));
      const future = await new MockV3Aggregator__factory(d.admin).deploy(8, 0n);
      await applyRaises("InvalidOracleTimestamp", await future.getAddress(), async () => future.updateRoundData(2n, 1n, (await latestTimestamp()) + 1_000n, 1n));
      // The stablecoin answers decimals() but has no latestRoundData.
      await applyRaises("OracleCallFailed", await d.stable.getAddress());

      // A feed reconfigured under the vault: its decimals no longer match the snapshot.
      const changing = await new DecimalsChangingAggregator__factory(d.admin).deploy(8, 0n);
      await d.vault.connect(d.admin).proposeRevenueFeed(await changing.getAddress(), 2 * DAY, 0n, 0n);
      await increaseTime(3 * DAY);
      await changing.updateAnswer(0n);
      await d.vault.applyRevenueFeedChange();
      await increaseTime(EPOCH);
      await changing.setDecimals(18);
      await changing.updateAnswer(0n);
      expect(await raises("OracleDecimalsChanged", "RevenueVault", "closeEpoch", () => asKeeper.closeEpoch.staticCall())).toMatchObject({ expected: 8n, actual: 18n });
      await changing.setDecimals(8);

      // Rent in escrow with the feed gone stale: NAV cannot value it.
      await d.vault.connect(d.renter).payRent(1_000n * d.unit, ethers.ZeroHash);
      await increaseTime(3 * DAY);
      const nav = navOracleAt(await d.nav.getAddress(), await signer(d.keeper));
      await raises("PendingReleaseUnknown", "NavOracle", "quote", () => nav.quote());
      await changing.updateAnswer(0n);

      const sequencer = await new MockV3Aggregator__factory(d.admin).deploy(0, 1n); // 1: down
      await d.factory.connect(d.admin).setSequencerUptimeFeed(await sequencer.getAddress(), 3_600);
      await raises("SequencerDown", "NavOracle", "update", () => nav.update.staticCall());
      const upSince = await latestTimestamp();
      await sequencer.updateRoundData(2n, 0n, upSince, upSince);
      expect(await raises("SequencerGracePeriodNotOver", "NavOracle", "update", () => nav.update.staticCall())).toEqual({ upSince, gracePeriod: 3_600n });
      await d.factory.connect(d.admin).setSequencerUptimeFeed(ZeroAddress, 0);
    });

    it("redemption queue errors, through a request's whole life", async () => {
      const [alice] = d.holders;
      const queueAddress = await d.queue.getAddress();
      const queue = async (s: { address: string }) => redemptionQueueAt(queueAddress, await signer(s));
      const asAlice = await queue(alice);
      await raises("ZeroAmount", "RedemptionQueue", "requestRedeem", () => asAlice.requestRedeem.staticCall(0n, alice.address, alice.address));
      await raises("ZeroAddress", "RedemptionQueue", "requestRedeem", () => asAlice.requestRedeem.staticCall(SHARE, ZeroAddress, alice.address));
      await raises("Unauthorized", "RedemptionQueue", "requestRedeem", async () => (await queue(d.stranger)).requestRedeem.staticCall(SHARE, d.stranger.address, alice.address));
      expect(await raises("ControllerNotAllowed", "RedemptionQueue", "requestRedeem", () => asAlice.requestRedeem.staticCall(SHARE, d.stranger.address, alice.address))).toEqual({ controller: d.stranger.address });
      expect(await raises("SafeCastOverflowedUintDowncast", "RedemptionQueue", "requestRedeem", () => asAlice.requestRedeem.staticCall(2n ** 96n, alice.address, alice.address))).toEqual({ bits: 96n, value: 2n ** 96n });
      expect(await raises("NothingPending", "RedemptionQueue", "cancelRedeemRequest", () => asAlice.cancelRedeemRequest.staticCall(5n, alice.address))).toEqual({ requestId: 5n, controller: alice.address });
      expect(await raises("ExceedsClaimable", "RedemptionQueue", "redeem", () => asAlice.redeem.staticCall(1n, alice.address, alice.address))).toEqual({ shares: 1n, claimable: 0n });
      await closeUpToNow(0n);
      await raises("NothingToSettle", "RedemptionQueue", "settle", () => asAlice.settle.staticCall());
      await asAlice.requestRedeem(1_000n * SHARE, alice.address, alice.address);
      // The close matures the request; the vault released nothing to the reserve (no rent attested yet).
      await increaseTime((await d.vault.epochEnd()) - (await latestTimestamp()));
      await closeUpToNow(0n);
      await d.nav.update();
      await raises("ReserveTooSmall", "RedemptionQueue", "settle", () => asAlice.settle.staticCall());
      await raises("RequestInProgress", "RedemptionQueue", "requestRedeem", () => asAlice.requestRedeem.staticCall(SHARE, alice.address, alice.address));
      // Rent attested and released: the reserve fills the request, and a second settlement in the epoch is refused.
      await d.vault.connect(d.renter).payRent(400_000n * d.unit, ethers.ZeroHash);
      await increaseTime(EPOCH);
      await closeUpToNow(401_000n * d.unit);
      await d.nav.update();
      await d.queue.settle();
      await raises("SettlementNotDue", "RedemptionQueue", "settle", () => asAlice.settle.staticCall());
    });

    it("leaves no ABI error undriven without a reason", () => {
      const missing = [...abiErrors().keys()].filter((name) => !driven.has(name) && !(name in NOT_DRIVEN));
      expect(missing, `errors neither driven nor explained: ${missing.join(", ")}`).toEqual([]);
      for (const name of Object.keys(NOT_DRIVEN)) expect(driven.has(name), `${name} was driven: drop it from NOT_DRIVEN`).toBe(false);
    });
  });
});
