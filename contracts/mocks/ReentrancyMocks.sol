// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MockStablecoin} from "./MockStablecoin.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";

/// @notice Receives HookedStablecoin's callback.
interface IStablecoinReceiver {
    function onStablecoinReceived(address from, uint256 value) external;
}

/// @notice A stablecoin that calls every contract it pays (ERC-777 style), so a test can re-enter the share token
///         in the middle of a claim's payout.
contract HookedStablecoin is MockStablecoin {
    constructor(uint8 decimals_) MockStablecoin("Hooked USD", "hUSD", decimals_) {}

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from != address(0) && to.code.length > 0) {
            try IStablecoinReceiver(to).onStablecoinReceived(from, value) {} catch {}
        }
    }
}

/// @notice A share holder that claims to itself and, when paid, tries to claim again.
contract ReentrantClaimer is IStablecoinReceiver {
    IShareToken private immutable _token;
    bool private _armed;
    /// @notice The revert data of the re-entered claim (empty if it did not revert).
    bytes public reentryError;
    /// @notice What the re-entered claim paid, if it did not revert.
    uint256 public reentryPaid;

    constructor(IShareToken token) {
        _token = token;
    }

    function attack() external {
        _armed = true;
        _token.claim(address(this));
    }

    function onStablecoinReceived(address, uint256) external {
        if (!_armed) return;
        _armed = false;
        try _token.claim(address(this)) returns (uint256 paid) {
            reentryPaid = paid;
        } catch (bytes memory err) {
            reentryError = err;
        }
    }
}
