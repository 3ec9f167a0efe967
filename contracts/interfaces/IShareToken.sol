// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITransferPolicy} from "./ITransferPolicy.sol";

/// @title IShareToken
/// @notice The cluster share: an ERC-20 that is also the ledger of the rent streamed to its holders. What the
///         cluster's other contracts call on it.
interface IShareToken is IERC20 {
    /// @notice Starts streaming `amount` of stablecoin (already transferred to the token) over `duration` seconds.
    function notifyReward(uint256 amount, uint256 duration) external;

    /// @notice Stablecoin `account` can claim now.
    function earned(address account) external view returns (uint256);

    /// @notice Sends the caller's earned stablecoin to `to`.
    function claim(address to) external returns (uint256 amount);

    /// @notice Total supply minus the balances of excluded accounts: the denominator of the stream.
    function eligibleSupply() external view returns (uint256);

    /// @notice Stablecoin held by the token that no holder has earned yet.
    function unstreamed() external view returns (uint256);

    /// @notice Whether transfers and new money are paused by the guardian.
    function paused() external view returns (bool);

    /// @notice Whether shares are locked by a raise that has not succeeded.
    function locked() external view returns (bool);

    /// @notice Mints `shares` to `to` (offering only).
    function mint(address to, uint256 shares) external;

    /// @notice Burns `shares` of `from` (offering: refunds; redemption queue: its own escrow).
    function burn(address from, uint256 shares) external;

    /// @notice Moves `shares` of `owner` into the redemption escrow (redemption queue only).
    function moveToEscrow(address owner, uint256 shares) external;

    /// @notice Lets shares move freely (offering only, on success).
    function unlock() external;

    /// @notice The transfer policy consulted on market transfers and mints, or address(0) when none is set.
    function transferPolicy() external view returns (ITransferPolicy);
}
