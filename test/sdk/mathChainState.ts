/**
 * Reads the SDK maths' inputs from a deployed cluster, field by field as the types in sdk/src/math document them:
 * views where the contracts have them, storage slots (sdk/src/math/storageLayout.ts) where they do not. Used by the
 * math property tests to compare the pure maths with the contracts' own views.
 */
import type { Deployment } from "../helpers/fixtures";
import type { NavOracle } from "../../sdk/src/types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { SHARE, ethers } from "../helpers/fixtures";
import {
  REDEMPTION_QUEUE_SLOTS,
  SHARE_TOKEN_SLOTS,
  addressMappingSlot,
  scaleFeedAnswer,
  uintMappingSlot,
  unpackAccount,
  unpackClaimable,
  unpackEra,
  unpackPosition,
  unpackQueue,
  unpackStream,
  type ClaimableBalance,
  type DepreciationSchedule,
  type EpochCloseInputs,
  type EraState,
  type RedemptionPosition,
  type SettlementInputs,
  type ShareAccount,
  type StreamState,
} from "../../sdk/src/math";

async function word(address: string, slot: bigint): Promise<bigint> {
  return BigInt(await ethers.provider.getStorage(address, slot));
}

/** The share token's stream: its packed slot and the views around it. */
export async function readStream(d: Deployment): Promise<StreamState> {
  const token = await d.token.getAddress();
  const [packed, scaledRate, eligibleSupply, scaledUndistributed, accumulatorScale] = await Promise.all([
    word(token, SHARE_TOKEN_SLOTS.stream),
    d.token.scaledRewardRate(),
    d.token.eligibleSupply(),
    d.token.scaledUndistributed(),
    d.token.accumulatorScale(),
  ]);
  return { ...unpackStream(packed), scaledRate, eligibleSupply, scaledUndistributed, accumulatorScale };
}

/** One holder's account word and kept-apart earnings. */
export async function readAccount(d: Deployment, account: string): Promise<ShareAccount> {
  const token = await d.token.getAddress();
  const [packed, accrued] = await Promise.all([
    word(token, addressMappingSlot(SHARE_TOKEN_SLOTS.accounts, account)),
    word(token, addressMappingSlot(SHARE_TOKEN_SLOTS.accrued, account)),
  ]);
  return unpackAccount(packed, accrued);
}

/** The depreciation schedule from a NAV oracle's `schedule()` view. */
export async function readSchedule(nav: NavOracle): Promise<DepreciationSchedule> {
  const s = await nav.schedule();
  return { cost: s.cost, start: s.start, usefulLife: s.usefulLife, salvageBps: s.salvageBps, maxDeviationBps: s.maxDeviationBps };
}

/** Everything the vault's close reads, from its views, the revenue feed and the factory's protocol fee. */
export async function readCloseInputs(d: Deployment): Promise<EpochCloseInputs> {
  const v = d.vault;
  const [round, feedDecimals, config, fee, feedHighWater, baselinePending, carriedRevenue, shortfall, escrow, epochStart] =
    await Promise.all([
      d.feed.latestRoundData(),
      d.feed.decimals(),
      v.config(),
      d.factory.protocolFee(),
      v.feedHighWater(),
      v.baselinePending(),
      v.carriedRevenue(),
      v.shortfall(),
      v.escrow(),
      v.epochStart(),
    ]);
  return {
    reported: scaleFeedAnswer(round.answer, Number(feedDecimals), Number(config.stablecoinDecimals)),
    feedHighWater,
    baselinePending,
    carriedRevenue,
    shortfall,
    escrow,
    epochStart,
    epochLength: config.epochLength,
    maxRevenuePerEpoch: config.maxRevenuePerEpoch,
    operatorFeeBps: config.operatorFeeBps,
    reserveBps: config.reserveBps,
    protocolFeeBps: fee.bps,
  };
}

/** A controller's redemption position (storage: position word and paid-per-unit checkpoint). */
export async function readPosition(d: Deployment, controller: string): Promise<RedemptionPosition> {
  const queue = await d.queue.getAddress();
  const [packed, paid] = await Promise.all([
    word(queue, addressMappingSlot(REDEMPTION_QUEUE_SLOTS.positions, controller)),
    word(queue, addressMappingSlot(REDEMPTION_QUEUE_SLOTS.paidPerUnit, controller)),
  ]);
  return unpackPosition(packed, paid);
}

/** A controller's stored claimable balance (storage). */
export async function readStoredClaimable(d: Deployment, controller: string): Promise<ClaimableBalance> {
  const queue = await d.queue.getAddress();
  return unpackClaimable(await word(queue, addressMappingSlot(REDEMPTION_QUEUE_SLOTS.claimable, controller)));
}

/** An era's record from its three storage words (decoded as `eraOf` reports it). */
export async function readEra(d: Deployment, id: bigint): Promise<EraState> {
  const queue = await d.queue.getAddress();
  const [settlement, shares, remaining] = await Promise.all([
    word(queue, uintMappingSlot(REDEMPTION_QUEUE_SLOTS.settlementOf, id)),
    word(queue, uintMappingSlot(REDEMPTION_QUEUE_SLOTS.eraShares, id)),
    word(queue, uintMappingSlot(REDEMPTION_QUEUE_SLOTS.remainingPerUnit, id)),
  ]);
  return unpackEra(id, settlement, shares, remaining);
}

/** An era resolved through its alias, as a position measures itself against it. */
export async function readResolvedEra(d: Deployment, id: bigint): Promise<EraState> {
  const era = await readEra(d, id);
  return era.aliasOf === 0n ? era : readEra(d, era.aliasOf);
}

/** What `previewSettle()` reads, with the NAV from `quote()` (null when quote reverts). */
export async function readSettlementInputs(d: Deployment): Promise<SettlementInputs | null> {
  const queueAddress = await d.queue.getAddress();
  const queue = unpackQueue(await word(queueAddress, REDEMPTION_QUEUE_SLOTS.queue));
  const quote = await d.nav.quote().catch(() => null);
  if (quote === null) return null;
  const [head, matured, escrowedShares, currentEpoch, settings, reserve, paused] = await Promise.all([
    queue.headEra === 0n ? null : readEra(d, queue.headEra),
    queue.maturedEra === 0n ? null : readEra(d, queue.maturedEra),
    d.token.balanceOf(queueAddress),
    d.vault.currentEpoch(),
    d.queue.settings(),
    d.vault.reserve(),
    d.token.paused(),
  ]);
  return {
    queue,
    head,
    matured,
    escrowedShares,
    currentEpoch,
    lastSettledEpoch: settings.lastSettledEpoch,
    redemptionFeeBps: settings.redemptionFeeBps,
    navPerShare: quote.navPerShare,
    reserve,
    paused,
  };
}

/** Spreads holders[0]'s shares: holders 1..count-1 get `first`, then `step` fewer shares each (whole shares). */
export async function spreadShares(d: Deployment, count: number, first: bigint, step: bigint): Promise<void> {
  const [from, ...rest] = d.holders.slice(0, count);
  for (const [i, h] of rest.entries()) await d.token.connect(from).transfer(h.address, (first - BigInt(i) * step) * SHARE);
}

/**
 * `holder` requests to redeem `permille` of its shares for itself. A request refused by the queue (an open request
 * in an older era, RequestInProgress) is skipped: the sequence goes on without it.
 */
export async function requestPart(d: Deployment, holder: HardhatEthersSigner, permille: number): Promise<void> {
  const shares = ((await d.token.balanceOf(holder.address)) * BigInt(permille)) / 1000n;
  if (shares > 0n) await d.queue.connect(holder).requestRedeem(shares, holder.address, holder.address).catch(() => undefined);
}

/**
 * Mines an empty block at `timestamp` (which must be later than the latest block's: Hardhat moves an earlier or
 * equal one forward) so views can be read exactly then.
 * @throws Error if the block was mined at another time.
 */
export async function mineAt(timestamp: bigint): Promise<void> {
  await ethers.provider.send("evm_mine", [Number(timestamp)]);
  const block = await ethers.provider.getBlock("latest");
  if (BigInt(block!.timestamp) !== timestamp) throw new Error(`block mined at ${block!.timestamp}, not ${timestamp}`);
}
