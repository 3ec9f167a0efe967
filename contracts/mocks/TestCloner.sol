// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

/// @notice Test-only: deploys an EIP-1167 clone with immutable args, the way the factory does, for contracts the
///         factory does not launch yet.
contract TestCloner {
    event Cloned(address instance);

    function clone(address implementation, bytes calldata args) external returns (address instance) {
        instance = Clones.cloneWithImmutableArgs(implementation, args);
        emit Cloned(instance);
    }
}
