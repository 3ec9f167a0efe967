// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice One share holder in one storage word: balance (96 bits), yield checkpoint `paid` (signed, 152 bits,
///         because folding earnings into it can push it below zero) and flags (8 bits).
/// @dev A value type instead of a struct so the hot paths (transfer, claim) unpack it on the stack rather than
///      through memory (see the gas benchmark).
type PackedAccount is uint256;

using PackedAccountLib for PackedAccount global;

/// @title PackedAccountLib
/// @notice Field access for PackedAccount: `balance | paid << 96 | flags << 248`.
library PackedAccountLib {
    /// @dev The account earns nothing and is outside the eligible supply.
    uint256 internal constant EXCLUDED = 1;
    /// @dev The account has earnings kept apart from its checkpoint (see the share token's `_accrued`).
    uint256 internal constant HAS_ACCRUED = 2;
    /// @dev The cluster's redemption escrow. Kept on its account because the escrow moves read that slot anyway.
    uint256 internal constant ESCROW = 4;

    uint256 private constant BALANCE_MASK = type(uint96).max;
    uint256 private constant PAID_OFFSET = 96;
    uint256 private constant FLAGS_OFFSET = 248;

    function pack(uint256 balance_, int256 paid_, uint256 flags_) internal pure returns (PackedAccount) {
        return PackedAccount.wrap(balance_ | (uint256(uint152(int152(paid_))) << PAID_OFFSET) | (flags_ << FLAGS_OFFSET));
    }

    function balance(PackedAccount a) internal pure returns (uint256) {
        return PackedAccount.unwrap(a) & BALANCE_MASK;
    }

    function paid(PackedAccount a) internal pure returns (int256) {
        return int256(int152(uint152(PackedAccount.unwrap(a) >> PAID_OFFSET)));
    }

    function flags(PackedAccount a) internal pure returns (uint256) {
        return PackedAccount.unwrap(a) >> FLAGS_OFFSET;
    }

    function isExcluded(PackedAccount a) internal pure returns (bool) {
        return flags(a) & EXCLUDED != 0;
    }

    function isEscrow(PackedAccount a) internal pure returns (bool) {
        return flags(a) & ESCROW != 0;
    }

    function hasAccrued(PackedAccount a) internal pure returns (bool) {
        return flags(a) & HAS_ACCRUED != 0;
    }
}
