/**
 * What a page needs to show an account's yield ticking every second without a call: the share token's stream and
 * the account's checkpoint at the answer's block, for the maths' `earnedAt(account, stream, now)`. The packed words
 * no view returns are read with `eth_getStorageAt` at the slots `math/storageLayout.ts` names, sent together with
 * the read's multicall, so a batching JSON-RPC provider adds no round trip.
 */
import type { Provider } from "ethers";
import { addressMappingSlot, SHARE_TOKEN_SLOTS } from "../math/storageLayout";
import { unpackAccount, unpackStream, type ShareAccount, type StreamState } from "../math/stream";
import { tokenInterface } from "../fetch/chain/interfaces";
import { valueOf, type ViewCall, type ViewResult } from "../fetch/multicall";

/** An account's checkpoint and its token's stream at one block: `earnedAt(account, stream, t)` for any later t. */
export interface YieldStream {
  account: ShareAccount;
  stream: StreamState;
}

/** The token views a YieldStream takes besides the storage words, in the order `yieldStreamFrom` reads them. */
export const YIELD_STREAM_VIEWS = ["scaledRewardRate", "eligibleSupply", "scaledUndistributed", "accumulatorScale"] as const;

/** The calls of `YIELD_STREAM_VIEWS` on `token`. */
export function yieldStreamCalls(token: string): ViewCall[] {
  return YIELD_STREAM_VIEWS.map((method) => ({ target: token, iface: tokenInterface, method }));
}

/** The storage words of the stream and the account (`_stream`, `_accounts[account]`, `_accrued[account]`) at `block`. */
export function readYieldWords(provider: Provider, token: string, account: string, block: number): Promise<bigint[]> {
  const slots = [
    SHARE_TOKEN_SLOTS.stream,
    addressMappingSlot(SHARE_TOKEN_SLOTS.accounts, account),
    addressMappingSlot(SHARE_TOKEN_SLOTS.accrued, account),
  ];
  return Promise.all(slots.map(async (slot) => BigInt(await provider.getStorage(token, slot, block))));
}

/** Builds the YieldStream from the answers to `yieldStreamCalls` and the words of `readYieldWords`. */
export function yieldStreamFrom(results: readonly ViewResult[], words: readonly bigint[]): YieldStream {
  const [scaledRate, eligibleSupply, scaledUndistributed, accumulatorScale] = results.map((r) => valueOf(r)[0] as bigint);
  const [streamWord, accountWord, accruedWord] = words;
  return {
    account: unpackAccount(accountWord, accruedWord),
    stream: { ...unpackStream(streamWord), scaledRate, eligibleSupply, scaledUndistributed, accumulatorScale },
  };
}
