// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A 6-decimal token that burns 1 % of every transfer, to prove the vault refuses such tokens.
contract FeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee Dollar", "FEED") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / 100;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

/// @notice A USDT-like stablecoin: no fee at first, and a switch its owner can turn on later (USDT has one), so tests
///         can show a fee switched on mid-life never makes a claim or a redemption revert.
contract SwitchableFeeStablecoin is ERC20 {
    uint8 private immutable _decimals;
    address public immutable owner;
    /// @notice The fee taken from every transfer between two accounts, in basis points, burned.
    uint16 public feeBps;

    constructor(uint8 decimals_) ERC20("Tether-like USD", "tUSD") {
        _decimals = decimals_;
        owner = msg.sender;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFee(uint16 bps) external {
        require(msg.sender == owner, "not owner");
        feeBps = bps;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0) && feeBps > 0) {
            uint256 fee = (value * feeBps) / 10_000;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}
