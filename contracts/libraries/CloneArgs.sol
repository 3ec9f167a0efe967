// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title CloneArgs
/// @notice Reads one word of the immutable arguments appended to this contract's EIP-1167 clone code
///         (OpenZeppelin `Clones.cloneWithImmutableArgs` layout: 45 bytes of proxy code, then the arguments).
/// @dev One EXTCODECOPY of 32 bytes into scratch space, instead of copying and ABI-decoding every argument:
///      the share token reads its stablecoin on every claim, where a few hundred gas matter.
library CloneArgs {
    uint256 private constant PROXY_CODE_LENGTH = 0x2d;

    /// @notice The `index`-th 32-byte word of `abi.encode(...)`ed clone arguments.
    function word(uint256 index) internal view returns (bytes32 value) {
        assembly ("memory-safe") {
            extcodecopy(address(), 0, add(PROXY_CODE_LENGTH, shl(5, index)), 0x20)
            value := mload(0)
        }
    }

    /// @notice The `index`-th clone argument, ABI-encoded as an address.
    function addressAt(uint256 index) internal view returns (address) {
        return address(uint160(uint256(word(index))));
    }

    /// @notice The `index`-th clone argument, ABI-encoded as a uint256.
    function uintAt(uint256 index) internal view returns (uint256) {
        return uint256(word(index));
    }

    /// @notice The first two words of the clone arguments, in one copy.
    function firstTwoWords() internal view returns (bytes32 first, bytes32 second) {
        assembly ("memory-safe") {
            extcodecopy(address(), 0, PROXY_CODE_LENGTH, 0x40)
            first := mload(0)
            second := mload(0x20)
        }
    }
}
