/**
 * Where the maths' inputs live in contract storage, for the state no view exposes (the packed stream, an account's
 * yield checkpoint, a redemption position). Slot numbers follow Solidity's layout of each contract's state
 * variables in declaration order; OpenZeppelin 5's Initializable and EIP712Upgradeable keep theirs in ERC-7201
 * namespaces and ReentrancyGuardTransient in transient storage, so they take no numbered slot. The property tests
 * (test/sdk/math*.test.ts) read every slot below and check it against the contracts' views, so a layout change
 * fails them.
 */
import { AbiCoder, keccak256 } from "ethers";

/** ClusterShareToken: `Nonces._nonces` holds slot 0, then the token's own variables. */
export const SHARE_TOKEN_SLOTS = {
  /** PackedStream `_stream`: decode with `unpackStream`. */
  stream: 1n,
  /** `mapping(address => PackedAccount) _accounts`: decode with `unpackAccount`. */
  accounts: 5n,
  /** `mapping(address => uint256) _accrued`. */
  accrued: 6n,
} as const;

/** RedemptionQueue's numbered slots (Initializable is namespaced, the reentrancy guard transient). */
export const REDEMPTION_QUEUE_SLOTS = {
  /** The Queue word: decode with `unpackQueue`. */
  queue: 0n,
  /** `mapping(era => uint256) _settlementOf`: assetsPerUnit | alias << 216 | SETTLED | FINISHED. */
  settlementOf: 3n,
  /** `mapping(era => uint256) _remainingPerUnit`. */
  remainingPerUnit: 4n,
  /** `mapping(era => uint256) _eraSharesWords`: units | pending << 96. */
  eraShares: 5n,
  /** `mapping(controller => uint256) _positionWords`: decode with `unpackPosition`. */
  positions: 6n,
  /** `mapping(controller => uint256) _paidPerUnit`. */
  paidPerUnit: 7n,
  /** `mapping(controller => uint256) _claimableWords`: shares | assets << 96. */
  claimable: 8n,
} as const;

/** The storage slot of `mapping[key]` for a mapping at `slot` whose key is an address: keccak256(key . slot). */
export function addressMappingSlot(slot: bigint, key: string): bigint {
  return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [key, slot])));
}

/** The storage slot of `mapping[key]` for a mapping at `slot` whose key is a uint256: keccak256(key . slot). */
export function uintMappingSlot(slot: bigint, key: bigint): bigint {
  return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [key, slot])));
}
