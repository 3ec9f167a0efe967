// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The global stream state in one storage word, so that a claim reads a single slot:
///         `rewardPerToken (104 bits) | toFinish << 104 (88 bits) | lastUpdate << 192 | periodFinish << 224`.
///         `rewardPerToken` is the accumulator at `lastUpdate`; `toFinish` what it gains from then until
///         `periodFinish` at today's eligible supply, or STOPPED.
type PackedStream is uint256;

using StreamMath for PackedStream global;

/// @title StreamMath
/// @notice The yield stream's arithmetic in one page (Synthetix StakingRewards, with three twists):
///
///   the accumulator `rewardPerToken` counts 1e-36 stablecoin per share base unit (1e-18 stablecoin per share,
///   whatever the stablecoin's decimals); an account with balance `b` and checkpoint `paid` has earned
///   `b * (rewardPerToken - paid) / scale(decimals)` stablecoin units.
///
/// Twist 1, one global slot: instead of rate and eligible supply, the stream stores what the accumulator will
/// have gained by the period's end at today's eligible supply (`toFinish`), and interpolates linearly. A claim
/// therefore reads one global slot; the rate and the eligible supply are only read when the supply changes.
/// Twist 2, one account slot: when a balance changes from `b` to `b'`, what it earned so far is folded into the
/// checkpoint, `paid' = rpt - floor(b * (rpt - paid) / b')`, instead of a separate "accrued" slot.
/// Twist 3, transfers between two earning accounts leave eligible supply unchanged, so they read the global
/// accumulator without writing it. Accounts then checkpoint at the accumulator rounded *up*, so that a later
/// floored reading can never pay them for a fraction the stored accumulator did not yet contain.
///
/// Precision: each global step floors twice (the period's gain, then the interpolation), losing < 2 in the
/// accumulator, i.e. < 2 * b / scale units for a balance b; with 6 decimals and the largest possible holder
/// (2^96 share units, about 7.9e10 shares) that is < 0.16 units. Each fold or claim loses < 1 unit more.
/// In stablecoin terms every holder loses < 1e-6 stablecoin per checkpoint whatever the decimals.
/// Every rounding goes against the account, never the protocol.
library StreamMath {
    /// @dev Below one whole share of eligible supply the stream stops and its reward carries to the next period,
    ///      so a dust balance can never absorb a whole period's rent.
    uint256 internal constant MIN_ELIGIBLE = 1e18;

    /// @dev The rate and the carried reward are kept in stablecoin units scaled by 1e12, so a period's rate
    ///      truncation leaves less than a millionth of a unit behind (and even that carries to the next period).
    uint256 internal constant RATE_SCALE = 1e12;

    /// @dev Ceiling of the accumulator (1e-18 stablecoin per share): 2e13 stablecoins per share, ever.
    uint256 internal constant MAX_REWARD_PER_TOKEN = type(uint104).max;

    /// @dev `toFinish` marking a stopped stream: eligible supply below MIN_ELIGIBLE, or so small that one share
    ///      would earn more than 3e8 stablecoins in the period. The reward of stopped seconds is carried.
    uint256 internal constant STOPPED = type(uint88).max;

    // PackedStream layout, lowest bits first: rewardPerToken (104) | toFinish (88) | lastUpdate (32) | periodFinish (32).
    uint256 private constant TO_FINISH_OFFSET = 104;
    uint256 private constant LAST_UPDATE_OFFSET = 192;
    uint256 private constant PERIOD_FINISH_OFFSET = 224;

    /// @notice Converts `b * (rewardPerToken - paid)` into stablecoin units: 10^(36 - decimals).
    function scale(uint8 stablecoinDecimals) internal pure returns (uint256) {
        return 10 ** (36 - stablecoinDecimals);
    }

    /// @notice Packs the four fields; each must fit its width (rewardPerToken 104 bits, toFinish 88, times 32).
    function packStream(uint256 rewardPerToken_, uint256 toFinish_, uint256 lastUpdate_, uint256 periodFinish_)
        internal
        pure
        returns (PackedStream)
    {
        return PackedStream.wrap(
            rewardPerToken_ | (toFinish_ << TO_FINISH_OFFSET) | (lastUpdate_ << LAST_UPDATE_OFFSET)
                | (periodFinish_ << PERIOD_FINISH_OFFSET)
        );
    }

    function rewardPerToken(PackedStream s) internal pure returns (uint256) {
        return uint104(PackedStream.unwrap(s));
    }

    function toFinish(PackedStream s) internal pure returns (uint256) {
        return uint88(PackedStream.unwrap(s) >> TO_FINISH_OFFSET);
    }

    function lastUpdate(PackedStream s) internal pure returns (uint256) {
        return uint32(PackedStream.unwrap(s) >> LAST_UPDATE_OFFSET);
    }

    function periodFinish(PackedStream s) internal pure returns (uint256) {
        return PackedStream.unwrap(s) >> PERIOD_FINISH_OFFSET;
    }

    /// @notice The accumulator at `time`, rounded down (for what was earned) and up (for checkpoints that are not
    ///         stored globally).
    function rewardPerTokenAt(PackedStream s, uint256 time) internal pure returns (uint256 down, uint256 up) {
        uint256 finish = periodFinish(s);
        uint256 start = lastUpdate(s);
        uint256 gainToFinish_ = toFinish(s);
        uint256 end = time < finish ? time : finish;
        down = rewardPerToken(s);
        if (end <= start || gainToFinish_ == STOPPED) return (down, down);
        // Unchecked: start < end <= finish, an 88-bit gain times a 32-bit time cannot overflow, and
        // rewardPerToken + toFinish <= MAX_REWARD_PER_TOKEN (notifyReward's bound), so `up` fits 104 bits.
        unchecked {
            uint256 gained = gainToFinish_ * (end - start);
            uint256 duration = finish - start;
            down += gained / duration;
            up = gained % duration == 0 ? down : down + 1;
        }
    }

    /// @notice Moves the stream to `time` (capped at the period's end) and re-derives `toFinish` for the eligible
    ///         supply from now on.
    /// @param scaledRate Stablecoin units per second times RATE_SCALE.
    /// @param eligible Eligible supply from `time` on (the old one is implied by the stored `toFinish`).
    /// @return moved The stream to store.
    /// @return scaledUnstreamed Reward of the seconds the stream was stopped, times RATE_SCALE, to carry over.
    function checkpoint(PackedStream s, uint256 time, uint256 scaledRate, uint256 eligible, uint256 accScale)
        internal
        pure
        returns (PackedStream moved, uint256 scaledUnstreamed)
    {
        uint256 finish = periodFinish(s);
        uint256 start = lastUpdate(s);
        uint256 end = time < finish ? time : finish;
        uint256 accumulator = rewardPerToken(s);
        if (end > start) {
            if (toFinish(s) == STOPPED) scaledUnstreamed = scaledRate * (end - start);
            (accumulator,) = rewardPerTokenAt(s, end);
            start = end;
        }
        moved = packStream(accumulator, gainToFinish(scaledRate, finish - start, eligible, accScale), start, finish);
    }

    /// @notice What the accumulator gains over `remaining` seconds at `scaledRate` split over `eligible` shares,
    ///         or STOPPED when the stream cannot run at that supply.
    function gainToFinish(uint256 scaledRate, uint256 remaining, uint256 eligible, uint256 accScale)
        internal
        pure
        returns (uint256)
    {
        if (remaining == 0 || scaledRate == 0) return 0;
        if (eligible < MIN_ELIGIBLE) return STOPPED;
        uint256 gain = (scaledRate * remaining * (accScale / RATE_SCALE)) / eligible;
        return gain < STOPPED ? gain : STOPPED;
    }

    /// @notice Accumulator units earned by `balance` since checkpoint `paid` (zero if the checkpoint was rounded up
    ///         past the accumulator).
    function scaledEarned(uint256 balance, int256 paid, uint256 accumulator) internal pure returns (uint256) {
        // Unchecked: accumulator < 2^104 and fold keeps paid >= -MAX_REWARD_PER_TOKEN, so a positive delta is
        // below 2^105, and times a 96-bit balance it stays far below 2^256.
        unchecked {
            int256 delta = int256(accumulator) - paid;
            return delta > 0 ? balance * uint256(delta) : 0;
        }
    }

    /// @notice The checkpoint that keeps `scaled` earned on a new balance, or `ok = false` if it does not fit
    ///         (new balance zero, or a tiny balance inheriting a large amount) and the caller must spill.
    /// @param accumulator The accumulator rounded up.
    function fold(uint256 scaled, uint256 newBalance, uint256 accumulator) internal pure returns (int256 paid, bool ok) {
        if (scaled == 0) return (int256(accumulator), true);
        if (newBalance == 0) return (0, false);
        uint256 owedPerShare = scaled / newBalance;
        if (owedPerShare > MAX_REWARD_PER_TOKEN) return (0, false);
        return (int256(accumulator) - int256(owedPerShare), true);
    }
}
