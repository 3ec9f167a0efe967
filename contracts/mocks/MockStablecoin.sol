// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @notice A USDC-like test stablecoin: configurable decimals, EIP-2612 permit, and a blocklist like Circle's
///         (a blocked address can neither send nor receive), so tests can show claims redirected elsewhere.
contract MockStablecoin is ERC20Permit {
    uint8 private immutable _decimals;
    address public immutable blocklister;
    mapping(address account => bool) public isBlocked;

    error Blocked(address account);

    constructor(string memory name_, string memory symbol_, uint8 decimals_)
        ERC20(name_, symbol_)
        ERC20Permit(name_)
    {
        _decimals = decimals_;
        blocklister = msg.sender;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool blocked) external {
        require(msg.sender == blocklister, "not blocklister");
        isBlocked[account] = blocked;
    }

    function _update(address from, address to, uint256 value) internal virtual override {
        if (isBlocked[from]) revert Blocked(from);
        if (isBlocked[to]) revert Blocked(to);
        super._update(from, to, value);
    }
}
