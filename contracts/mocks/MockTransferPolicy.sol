// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ITransferPolicy} from "../interfaces/ITransferPolicy.sol";

/// @notice A test policy that refuses transfers to blocked receivers, or everything once `refuseAll` is set.
contract MockTransferPolicy is ITransferPolicy {
    mapping(address account => bool) public blocked;
    bool public refuseAll;

    function blockReceiver(address account) external {
        blocked[account] = true;
    }

    function setRefuseAll(bool refuse) external {
        refuseAll = refuse;
    }

    function canTransfer(address, address to, uint256) external view returns (bool) {
        return !refuseAll && !blocked[to];
    }
}
