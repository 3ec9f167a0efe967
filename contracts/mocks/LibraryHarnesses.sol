// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {StreamMath, PackedStream} from "../libraries/StreamMath.sol";
import {PackedAccount, PackedAccountLib} from "../libraries/PackedAccount.sol";
import {OracleLib} from "../libraries/OracleLib.sol";
import {CloneArgs} from "../libraries/CloneArgs.sol";

/// @notice Exposes StreamMath's internal functions and constants so the library can be unit-tested on its own.
///         Packed streams cross the ABI as their raw uint256 word.
contract StreamMathHarness {
    /// @notice StreamMath.MIN_ELIGIBLE.
    function MIN_ELIGIBLE() external pure returns (uint256) {
        return StreamMath.MIN_ELIGIBLE;
    }

    /// @notice StreamMath.RATE_SCALE.
    function RATE_SCALE() external pure returns (uint256) {
        return StreamMath.RATE_SCALE;
    }

    /// @notice StreamMath.MAX_REWARD_PER_TOKEN.
    function MAX_REWARD_PER_TOKEN() external pure returns (uint256) {
        return StreamMath.MAX_REWARD_PER_TOKEN;
    }

    /// @notice StreamMath.STOPPED.
    function STOPPED() external pure returns (uint256) {
        return StreamMath.STOPPED;
    }

    /// @notice StreamMath.scale.
    function scale(uint8 stablecoinDecimals) external pure returns (uint256) {
        return StreamMath.scale(stablecoinDecimals);
    }

    /// @notice StreamMath.packStream, unwrapped.
    function packStream(uint256 rewardPerToken_, uint256 toFinish_, uint256 lastUpdate_, uint256 periodFinish_)
        external
        pure
        returns (uint256)
    {
        return PackedStream.unwrap(StreamMath.packStream(rewardPerToken_, toFinish_, lastUpdate_, periodFinish_));
    }

    /// @notice The four field getters of a packed stream word.
    function unpackStream(uint256 word)
        external
        pure
        returns (uint256 rewardPerToken_, uint256 toFinish_, uint256 lastUpdate_, uint256 periodFinish_)
    {
        PackedStream s = PackedStream.wrap(word);
        return (s.rewardPerToken(), s.toFinish(), s.lastUpdate(), s.periodFinish());
    }

    /// @notice PackedStream.rewardPerTokenAt.
    function rewardPerTokenAt(uint256 word, uint256 time) external pure returns (uint256 down, uint256 up) {
        return PackedStream.wrap(word).rewardPerTokenAt(time);
    }

    /// @notice PackedStream.checkpoint, the moved stream unwrapped.
    function checkpoint(uint256 word, uint256 time, uint256 scaledRate, uint256 eligible, uint256 accScale)
        external
        pure
        returns (uint256 moved, uint256 scaledUnstreamed)
    {
        PackedStream m;
        (m, scaledUnstreamed) = PackedStream.wrap(word).checkpoint(time, scaledRate, eligible, accScale);
        moved = PackedStream.unwrap(m);
    }

    /// @notice StreamMath.gainToFinish.
    function gainToFinish(uint256 scaledRate, uint256 remaining, uint256 eligible, uint256 accScale)
        external
        pure
        returns (uint256)
    {
        return StreamMath.gainToFinish(scaledRate, remaining, eligible, accScale);
    }

    /// @notice StreamMath.scaledEarned.
    function scaledEarned(uint256 balance, int256 paid, uint256 accumulator) external pure returns (uint256) {
        return StreamMath.scaledEarned(balance, paid, accumulator);
    }

    /// @notice StreamMath.fold.
    function fold(uint256 scaled, uint256 newBalance, uint256 accumulator) external pure returns (int256 paid, bool ok) {
        return StreamMath.fold(scaled, newBalance, accumulator);
    }
}

/// @notice Exposes PackedAccountLib's field access and flag constants; accounts cross the ABI as their raw word.
contract PackedAccountHarness {
    /// @notice PackedAccountLib.EXCLUDED.
    function EXCLUDED() external pure returns (uint256) {
        return PackedAccountLib.EXCLUDED;
    }

    /// @notice PackedAccountLib.HAS_ACCRUED.
    function HAS_ACCRUED() external pure returns (uint256) {
        return PackedAccountLib.HAS_ACCRUED;
    }

    /// @notice PackedAccountLib.ESCROW.
    function ESCROW() external pure returns (uint256) {
        return PackedAccountLib.ESCROW;
    }

    /// @notice PackedAccountLib.pack, unwrapped.
    function pack(uint256 balance_, int256 paid_, uint256 flags_) external pure returns (uint256) {
        return PackedAccount.unwrap(PackedAccountLib.pack(balance_, paid_, flags_));
    }

    /// @notice Every getter and flag helper of a packed account word.
    function unpack(uint256 word)
        external
        pure
        returns (uint256 balance_, int256 paid_, uint256 flags_, bool excluded, bool escrow, bool accrued)
    {
        PackedAccount a = PackedAccount.wrap(word);
        return (a.balance(), a.paid(), a.flags(), a.isExcluded(), a.isEscrow(), a.hasAccrued());
    }
}

/// @notice Holds one OracleLib.Feed and exposes every OracleLib function against it.
contract OracleLibHarness {
    /// @notice The feed the read functions use.
    OracleLib.Feed public feed;

    /// @notice Registers `aggregator` through OracleLib.register and stores the result as the feed.
    function register(AggregatorV3Interface aggregator, uint32 heartbeat) external {
        feed = OracleLib.register(aggregator, heartbeat);
    }

    /// @notice What OracleLib.register returns for `aggregator`, without storing it.
    function describe(AggregatorV3Interface aggregator, uint32 heartbeat) external view returns (OracleLib.Feed memory) {
        return OracleLib.register(aggregator, heartbeat);
    }

    /// @notice Stores a feed as given, bypassing register's checks (to read a feed register would refuse).
    function setFeed(AggregatorV3Interface aggregator, uint32 heartbeat, uint8 decimals) external {
        feed = OracleLib.Feed(aggregator, heartbeat, decimals);
    }

    /// @notice OracleLib.read of the stored feed, and the timestamp it was checked at.
    function read(uint8 targetDecimals) external view returns (uint256 value, uint256 updatedAt, uint256 now_) {
        (value, updatedAt) = OracleLib.read(feed, targetDecimals);
        now_ = block.timestamp;
    }

    /// @notice OracleLib.readCumulative of the stored feed, and the timestamp it was checked at.
    function readCumulative(uint8 targetDecimals)
        external
        view
        returns (uint256 value, uint256 updatedAt, uint256 now_)
    {
        (value, updatedAt) = OracleLib.readCumulative(feed, targetDecimals);
        now_ = block.timestamp;
    }

    /// @notice OracleLib.tryRead of the stored feed, and the timestamp it was checked at.
    function tryRead(uint8 targetDecimals) external view returns (OracleLib.Reading memory reading, uint256 now_) {
        return (OracleLib.tryRead(feed, targetDecimals), block.timestamp);
    }

    /// @notice OracleLib.tryReadCumulative of the stored feed, and the timestamp it was checked at.
    function tryReadCumulative(uint8 targetDecimals)
        external
        view
        returns (OracleLib.Reading memory reading, uint256 now_)
    {
        return (OracleLib.tryReadCumulative(feed, targetDecimals), block.timestamp);
    }

    /// @notice OracleLib.scale.
    function scale(uint256 amount, uint8 fromDecimals, uint8 toDecimals) external pure returns (uint256) {
        return OracleLib.scale(amount, fromDecimals, toDecimals);
    }

    /// @notice OracleLib.checkSequencer; returns the timestamp it was checked at when it passes.
    function checkSequencer(AggregatorV3Interface sequencerFeed, uint256 gracePeriod) external view returns (uint256) {
        OracleLib.checkSequencer(sequencerFeed, gracePeriod);
        return block.timestamp;
    }
}

/// @notice A Chainlink-shaped aggregator whose `decimals` and `latestRoundData` can be made to revert (or to
///         return no data at all), for OracleLib's call-failure paths. Answers a fixed round otherwise.
contract FaultyAggregator is AggregatorV3Interface {
    /// @notice How a call behaves.
    enum Mode {
        Answer,
        Revert,
        ReturnNothing
    }

    /// @notice The error a reverting call reverts with.
    error AggregatorBroken();

    /// @notice Behaviour of `decimals`.
    Mode public decimalsMode;
    /// @notice Behaviour of `latestRoundData` and `getRoundData`.
    Mode public roundDataMode;
    uint8 private immutable _decimals;
    int256 private _answer;
    uint256 private _updatedAt;

    /// @notice A feed with `decimals_` decimals answering `answer_`, updated now.
    constructor(uint8 decimals_, int256 answer_) {
        _decimals = decimals_;
        _answer = answer_;
        _updatedAt = block.timestamp;
    }

    /// @notice Sets how `decimals` and the round-data getters behave from now on.
    function setModes(Mode decimalsMode_, Mode roundDataMode_) external {
        (decimalsMode, roundDataMode) = (decimalsMode_, roundDataMode_);
    }

    /// @notice Answers `answer_`, updated now.
    function updateAnswer(int256 answer_) external {
        (_answer, _updatedAt) = (answer_, block.timestamp);
    }

    /// @notice The registered decimals, or a revert, or nothing, as set.
    function decimals() external view returns (uint8) {
        _misbehave(decimalsMode);
        return _decimals;
    }

    /// @notice A fixed description.
    function description() external pure returns (string memory) {
        return "FaultyAggregator";
    }

    /// @notice A fixed version.
    function version() external pure returns (uint256) {
        return 1;
    }

    /// @notice The latest round, whatever id is asked for (or a revert, or nothing, as set).
    function getRoundData(uint80)
        external
        view
        returns (uint80, int256, uint256, uint256, uint80)
    {
        return _round();
    }

    /// @notice Round 1 with the stored answer (or a revert, or nothing, as set).
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return _round();
    }

    function _round() private view returns (uint80, int256, uint256, uint256, uint80) {
        _misbehave(roundDataMode);
        return (1, _answer, _updatedAt, _updatedAt, 1);
    }

    function _misbehave(Mode mode) private pure {
        if (mode == Mode.Revert) revert AggregatorBroken();
        if (mode == Mode.ReturnNothing) {
            assembly ("memory-safe") {
                return(0, 0)
            }
        }
    }
}

/// @notice The implementation behind CloneArgs clones: exposes the library's readers, which only make sense when
///         called on a clone made by CloneArgsHarnessFactory.
contract CloneArgsHarness {
    /// @notice CloneArgs.word.
    function word(uint256 index) external view returns (bytes32) {
        return CloneArgs.word(index);
    }

    /// @notice CloneArgs.addressAt.
    function addressAt(uint256 index) external view returns (address) {
        return CloneArgs.addressAt(index);
    }

    /// @notice CloneArgs.uintAt.
    function uintAt(uint256 index) external view returns (uint256) {
        return CloneArgs.uintAt(index);
    }

    /// @notice CloneArgs.firstTwoWords.
    function firstTwoWords() external view returns (bytes32 first, bytes32 second) {
        return CloneArgs.firstTwoWords();
    }
}

/// @notice Makes EIP-1167 clones with immutable args (OpenZeppelin `Clones.cloneWithImmutableArgs`), as the
///         cluster factory does.
contract CloneArgsHarnessFactory {
    /// @notice A clone of `implementation` with `args` appended to its code was made at `instance`.
    event Cloned(address indexed implementation, address instance, bytes args);

    /// @notice Clones `implementation` with `args` as its immutable arguments.
    function clone(address implementation, bytes calldata args) external returns (address instance) {
        instance = Clones.cloneWithImmutableArgs(implementation, args);
        emit Cloned(implementation, instance, args);
    }
}
