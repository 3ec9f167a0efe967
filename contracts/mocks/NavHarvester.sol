// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ClusterOffering} from "../offering/ClusterOffering.sol";
import {RedemptionQueue} from "../redemption/RedemptionQueue.sol";
import {NavOracle} from "../oracles/NavOracle.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";

/// @notice An adversary with borrowed money that tries, in one transaction, to buy at issuance, close the epoch,
///         redeem at the NAV the close produced and walk away with part of the holders' release.
contract NavHarvester {
    /// @notice The cluster contracts the harvest runs against.
    struct Cluster {
        IERC20 stablecoin;
        ClusterOffering offering;
        IRevenueVault vault;
        RedemptionQueue queue;
        NavOracle nav;
    }

    /// @notice Runs buy → closeEpoch → requestRedeem → nav.update → settle → redeem with `assets` of stablecoin,
    ///         going on when a close, a NAV update or a settlement is refused (whatever the moment allows).
    /// @return shares Shares bought.
    /// @return proceeds Stablecoin redeemed back.
    function harvest(Cluster calldata c, uint256 assets) external returns (uint256 shares, uint256 proceeds) {
        c.stablecoin.approve(address(c.offering), assets);
        shares = c.offering.buy(assets, address(this));
        try c.vault.closeEpoch() {} catch {}
        c.queue.requestRedeem(shares, address(this), address(this));
        try c.nav.update() {} catch {}
        try c.queue.settle() {} catch {}
        (uint256 claimableShares,) = c.queue.claimable(address(this));
        if (claimableShares > 0) proceeds = c.queue.redeem(claimableShares, address(this), address(this));
    }
}
