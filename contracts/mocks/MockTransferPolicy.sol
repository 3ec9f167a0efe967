// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ITransferPolicy} from "../interfaces/ITransferPolicy.sol";

/// @notice A test policy that refuses transfers to blocked receivers (the real allowlist arrives later).
contract MockTransferPolicy is ITransferPolicy {
    mapping(address account => bool) public blocked;

    function blockReceiver(address account) external {
        blocked[account] = true;
    }

    function canTransfer(address, address to, uint256) external view returns (bool) {
        return !blocked[to];
    }
}
