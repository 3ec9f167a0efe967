// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice A plain OpenZeppelin ERC-20: the baseline the share token's transfers are measured against.
contract PlainERC20 is ERC20 {
    constructor() ERC20("Plain", "PLAIN") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice A plain OpenZeppelin ERC-4626 vault: the baseline the offering's `buy` is measured against.
contract PlainERC4626 is ERC4626 {
    constructor(IERC20 asset_) ERC20("Plain Vault", "PVLT") ERC4626(asset_) {}
}
