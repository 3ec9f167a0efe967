// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITransferPolicy} from "./ITransferPolicy.sol";

/// @title IShareToken
/// @notice The cluster share: an ERC-20 that is also the ledger of the rent streamed to its holders. What the
///         cluster's other contracts call on it.
interface IShareToken is IERC20 {
    /// @notice Starts streaming `amount` of stablecoin (already transferred to the token) over `duration` seconds.
    /// @param amount Stablecoin units already transferred to the token; only what arrived above what the token's
    ///        books already owe is counted.
    /// @param duration Length of the new stream period in seconds (not zero); what was still streaming is carried
    ///        into it.
    function notifyReward(uint256 amount, uint256 duration) external;

    /// @notice Stablecoin `account` can claim now.
    /// @param account Any address.
    /// @return Stablecoin units `claim` would pay it now (an excluded account: only what it earned before).
    function earned(address account) external view returns (uint256);

    /// @notice Sends the caller's earned stablecoin to `to`.
    /// @param to Receives the stablecoin (not address(0)).
    /// @return amount Stablecoin units sent; never zero (with nothing to claim the call reverts).
    function claim(address to) external returns (uint256 amount);

    /// @notice Total supply minus the balances of excluded accounts: the denominator of the stream.
    /// @return Share base units (18 decimals) that earn; while shares are locked, the total supply.
    function eligibleSupply() external view returns (uint256);

    /// @notice Stablecoin held by the token that no holder has earned yet.
    function unstreamed() external view returns (uint256);

    /// @notice Whether transfers and new money are paused by the guardian.
    /// @return True while the guardian's pause is on.
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
