// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title StreamMath
/// @notice The yield stream's arithmetic in one page (Synthetix StakingRewards, with two twists):
///
///   rewardPerToken grows by `rate * dt * SCALE / eligibleSupply` while at least MIN_ELIGIBLE shares earn;
///   an account with balance `b` and checkpoint `paid` has earned `b * (rewardPerToken - paid) / SCALE`.
///
/// Twist 1: when a balance changes from `b` to `b'`, what it earned so far is folded into the checkpoint
/// instead of a separate "accrued" slot: `paid' = rpt - floor(b * (rpt - paid) / b')`, so that
/// `b' * (rpt - paid') <= b * (rpt - paid)` and the shortfall is below `b' / SCALE` stablecoin units.
/// One storage slot per account therefore carries balance, checkpoint and flags, like a plain ERC-20 balance.
/// Twist 2: transfers between two earning accounts leave eligible supply unchanged, so they only read the
/// global accumulator and never write it.
///
/// Precision: SCALE = 1e30. A global step floors `reward * SCALE / eligible`, losing < 1 in the accumulator,
/// i.e. < b / SCALE <= 1e27 / 1e30 = 0.001 stablecoin units for the largest possible holder (1e9 shares);
/// each fold or claim loses < 1 unit more. Every rounding goes against the account, never the protocol.
library StreamMath {
    /// @dev Accumulator scale (see the precision note above).
    uint256 internal constant SCALE = 1e30;

    /// @dev Below one whole share of eligible supply the stream pauses and its reward carries to the next period,
    ///      so a dust balance can never absorb a whole period's rent.
    uint256 internal constant MIN_ELIGIBLE = 1e18;

    /// @dev The rate and the carried reward are kept in stablecoin units scaled by 1e12, so a period's rate
    ///      truncation leaves less than a millionth of a unit behind (and even that carries to the next period).
    uint256 internal constant RATE_SCALE = 1e12;

    /// @dev Ceiling for the accumulator, so every checkpoint fits an int152 and `b * (rpt - paid)` fits 256 bits.
    uint256 internal constant MAX_REWARD_PER_TOKEN = uint256(uint152(type(int152).max));

    /// @notice The accumulator at time `end`, and the (RATE_SCALE-scaled) reward that found no eligible supply.
    /// @param scaledRate Stablecoin units per second times RATE_SCALE.
    function advance(uint256 rewardPerToken, uint256 lastUpdate, uint256 end, uint256 scaledRate, uint256 eligible)
        internal
        pure
        returns (uint256 newRewardPerToken, uint256 scaledUnstreamed)
    {
        if (end <= lastUpdate) return (rewardPerToken, 0);
        uint256 scaledReward = scaledRate * (end - lastUpdate);
        if (eligible < MIN_ELIGIBLE) return (rewardPerToken, scaledReward);
        return (rewardPerToken + (scaledReward * (SCALE / RATE_SCALE)) / eligible, 0);
    }

    /// @notice Scaled amount earned by `balance` since checkpoint `paid` (divide by SCALE for stablecoin units).
    function scaledEarned(uint256 balance, int256 paid, uint256 rewardPerToken) internal pure returns (uint256) {
        return balance * uint256(int256(rewardPerToken) - paid);
    }

    /// @notice The checkpoint that keeps `scaled` earned on a new balance, or `ok = false` if it does not fit
    ///         (new balance zero, or a tiny balance inheriting a large amount) and the caller must spill.
    function fold(uint256 scaled, uint256 newBalance, uint256 rewardPerToken)
        internal
        pure
        returns (int152 paid, bool ok)
    {
        if (scaled == 0) return (int152(int256(rewardPerToken)), true);
        if (newBalance == 0) return (0, false);
        uint256 owedPerShare = scaled / newBalance;
        if (owedPerShare > MAX_REWARD_PER_TOKEN) return (0, false);
        return (int152(int256(rewardPerToken) - int256(owedPerShare)), true);
    }
}
