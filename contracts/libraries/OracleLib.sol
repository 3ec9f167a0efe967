// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title OracleLib
/// @notice Every Chainlink read of the protocol goes through here, so every read gets the same checks:
///         sequencer up and past its grace period (on L2), round complete, not from the future, fresh within the
///         feed's heartbeat, answer > 0 (>= 0 for a cumulative feed, which answers 0 until anything is billed),
///         and the decimals the feed was registered with. `answeredInRound` is
///         deprecated by Chainlink and deliberately ignored. Each failure is a named error, so a bad read reverts
///         before any money moves.
library OracleLib {
    /// @notice How one feed is read.
    struct Feed {
        AggregatorV3Interface aggregator;
        uint32 heartbeat; // maximum age of an answer, in seconds
        uint8 decimals; // decimals snapshot taken when the feed was registered
    }

    /// @notice The L2 sequencer went down (or its feed reports an unknown status).
    error SequencerDown();
    /// @notice The sequencer is back up but still inside its grace period.
    error SequencerGracePeriodNotOver(uint256 upSince, uint256 gracePeriod);
    /// @notice The feed's latest answer is older than its heartbeat allows.
    error StaleOracleAnswer(address feed, uint256 updatedAt, uint256 heartbeat);
    /// @notice The feed has no complete round, or its round is dated in the future.
    error InvalidOracleTimestamp(address feed, uint256 updatedAt);
    /// @notice The feed answered a negative number, or zero where zero is not a valid answer.
    error NonPositiveOracleAnswer(address feed, int256 answer);
    /// @notice The feed's decimals differ from the ones it was registered with.
    error OracleDecimalsChanged(address feed, uint8 expected, uint8 actual);
    /// @notice The feed's `decimals` or `latestRoundData` call reverted.
    error OracleCallFailed(address feed);
    /// @notice A feed must have an address, a heartbeat, and at most 36 decimals.
    error InvalidFeedConfig(address feed);

    /// @notice Builds a feed description, snapshotting its decimals and refusing nonsense configuration.
    function register(AggregatorV3Interface aggregator, uint32 heartbeat) internal view returns (Feed memory feed) {
        if (address(aggregator) == address(0) || heartbeat == 0) revert InvalidFeedConfig(address(aggregator));
        uint8 feedDecimals = aggregator.decimals();
        if (feedDecimals > 36) revert InvalidFeedConfig(address(aggregator));
        return Feed(aggregator, heartbeat, feedDecimals);
    }

    /// @notice Reverts unless the L2 sequencer is up and has been for `gracePeriod`. A zero feed means L1: no check.
    function checkSequencer(AggregatorV3Interface sequencerFeed, uint256 gracePeriod) internal view {
        if (address(sequencerFeed) == address(0)) return;
        (, int256 status, uint256 startedAt,,) = sequencerFeed.latestRoundData();
        // Chainlink's uptime feed answers 0 when up and 1 when down; anything else is treated as down.
        if (status != 0) revert SequencerDown();
        if (startedAt == 0 || block.timestamp - startedAt <= gracePeriod) {
            revert SequencerGracePeriodNotOver(startedAt, gracePeriod);
        }
    }

    /// @notice Why a read was refused (Ok if it was not).
    enum ReadStatus {
        Ok,
        CallFailed,
        DecimalsChanged,
        InvalidTimestamp,
        Stale,
        NonPositive
    }

    /// @notice The latest answer, checked, scaled to `targetDecimals` (rounded down), and its timestamp. Reverts
    ///         with the named error of the first check that fails.
    function read(Feed memory feed, uint8 targetDecimals) internal view returns (uint256 value, uint256 updatedAt) {
        return _orRevert(feed, _tryRead(feed, targetDecimals, false));
    }

    /// @notice `read` for a cumulative feed (billed revenue so far), where 0 is a valid answer: nothing billed yet.
    function readCumulative(Feed memory feed, uint8 targetDecimals)
        internal
        view
        returns (uint256 value, uint256 updatedAt)
    {
        return _orRevert(feed, _tryRead(feed, targetDecimals, true));
    }

    /// @notice The same checks as `read`, reporting the first failure instead of reverting, for callers that have
    ///         a fallback (the NAV oracle's depreciation schedule). A feed whose calls revert reports CallFailed.
    function tryRead(Feed memory feed, uint8 targetDecimals) internal view returns (Reading memory) {
        return _tryRead(feed, targetDecimals, false);
    }

    /// @notice `tryRead` for a cumulative feed (0 is valid).
    function tryReadCumulative(Feed memory feed, uint8 targetDecimals) internal view returns (Reading memory) {
        return _tryRead(feed, targetDecimals, true);
    }

    /// @notice One read of a feed: why it was refused (Ok if it was not), the scaled value and what the feed said.
    struct Reading {
        ReadStatus status;
        uint256 value;
        uint256 updatedAt;
        int256 answer;
        uint8 actualDecimals;
    }

    function _tryRead(Feed memory feed, uint8 targetDecimals, bool zeroAllowed)
        private
        view
        returns (Reading memory r)
    {
        // Low-level calls: a feed that returns nothing or too little (no code, a broken proxy) must report
        // CallFailed too, and a `try` cannot catch the decoding of a short answer.
        (bool ok, bytes memory data) =
            address(feed.aggregator).staticcall(abi.encodeCall(AggregatorV3Interface.decimals, ()));
        if (!ok || data.length < 32 || abi.decode(data, (uint256)) > type(uint8).max) {
            r.status = ReadStatus.CallFailed;
            return r;
        }
        r.actualDecimals = uint8(abi.decode(data, (uint256)));
        if (r.actualDecimals != feed.decimals) {
            r.status = ReadStatus.DecimalsChanged;
            return r;
        }
        (ok, data) = address(feed.aggregator).staticcall(abi.encodeCall(AggregatorV3Interface.latestRoundData, ()));
        if (!ok || data.length < 160) {
            r.status = ReadStatus.CallFailed;
            return r;
        }
        (, r.answer,, r.updatedAt,) = abi.decode(data, (uint256, int256, uint256, uint256, uint256));
        if (r.updatedAt == 0 || r.updatedAt > block.timestamp) r.status = ReadStatus.InvalidTimestamp;
        else if (block.timestamp - r.updatedAt > feed.heartbeat) r.status = ReadStatus.Stale;
        else if (r.answer < 0 || (r.answer == 0 && !zeroAllowed)) r.status = ReadStatus.NonPositive;
        else r.value = scale(uint256(r.answer), feed.decimals, targetDecimals);
    }

    /// @dev The reading's value and time, or the named error of its failed check.
    function _orRevert(Feed memory feed, Reading memory r) private pure returns (uint256 value, uint256 updatedAt) {
        if (r.status == ReadStatus.Ok) return (r.value, r.updatedAt);
        address aggregator = address(feed.aggregator);
        if (r.status == ReadStatus.CallFailed) revert OracleCallFailed(aggregator);
        if (r.status == ReadStatus.DecimalsChanged) {
            revert OracleDecimalsChanged(aggregator, feed.decimals, r.actualDecimals);
        }
        if (r.status == ReadStatus.InvalidTimestamp) revert InvalidOracleTimestamp(aggregator, r.updatedAt);
        if (r.status == ReadStatus.Stale) revert StaleOracleAnswer(aggregator, r.updatedAt, feed.heartbeat);
        revert NonPositiveOracleAnswer(aggregator, r.answer);
    }

    /// @notice Converts `amount` between decimal bases, rounding down (in the protocol's favour).
    function scale(uint256 amount, uint8 fromDecimals, uint8 toDecimals) internal pure returns (uint256) {
        if (fromDecimals == toDecimals) return amount;
        if (fromDecimals > toDecimals) return amount / 10 ** (fromDecimals - toDecimals);
        return amount * 10 ** (toDecimals - fromDecimals);
    }
}
