// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {AutomationCompatibleInterface} from
    "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {IClusterRoles} from "../interfaces/IClusterRoles.sol";
import {OracleLib} from "../libraries/OracleLib.sol";
import {CloneArgs} from "../libraries/CloneArgs.sol";
import {IClusterErrors} from "../interfaces/IClusterErrors.sol";
import {BPS, WAD} from "../libraries/Constants.sol";

/// @title NavOracle
/// @notice Publishes a cluster's net asset value per share as a Chainlink-style feed, so lending markets can price
///         shares as collateral, and prices the redemption queue's settlements and later issuance live:
///
///           NAV per share   = (hardware value + redemption reserve + pending reserve) / total supply
///           entry per share = NAV per share + (streaming rent) / earning supply
///
///         in stablecoin units per whole share (`decimals()` = the stablecoin's decimals). The published NAV is
///         what every share owns wherever it is held (an escrowed share, a pool's or a lender's collateral): it
///         leaves out the rent still streaming, which goes only to shares that earn while it streams. Pending
///         reserve is the reserve slice of the attested rent in escrow, so a close moves no value between
///         shares; fees and paid-but-unattested rent are not the holders' and do not count. A new share earns the
///         stream, so issuance charges the entry value. NAV rounds down and the entry value up (for the protocol).
///         Hardware value is the appraisal feed's answer when it is fresh and within `maxDeviationBps` of the
///         depreciation schedule, otherwise the schedule: straight-line from the purchase cost to the salvage value
///         over the useful life.
/// @dev Rounds are published by `update()` (anyone, or Chainlink Automation every half heartbeat) and stored, so
///      `updatedAt` honestly says when the value was observed (the appraisal's own time when it was used) and
///      consumers' staleness checks mean something. `update` reverts with a named error when no NAV exists.
///      The queue and the offering do not read rounds: they call `quote()`, so no keeper order or stale round
///      can choose their price.
///      EIP-1167 clone; immutable args `abi.encode(stablecoin, shareToken, factory, clusterId, vault)`.
contract NavOracle is Initializable, AggregatorV3Interface, AutomationCompatibleInterface, IClusterErrors {
    /// @notice Launch parameters.
    struct InitParams {
        AggregatorV3Interface appraisalFeed; // optional: address(0) means the schedule alone
        uint32 appraisalHeartbeat;
        uint16 maxDeviationBps; // how far an appraisal may stray from the schedule and still be believed
        uint32 usefulLife; // seconds; zero means DEFAULT_USEFUL_LIFE
        uint16 salvageBps; // floor of the schedule, in basis points of the purchase cost
        uint32 navHeartbeat; // how long a published NAV stays usable by the protocol
        uint256 hardwareCost; // non-zero when the operator already owns the hardware (no raise)
    }

    /// @notice The depreciation schedule and the feed settings, one slot.
    struct Schedule {
        uint112 cost;
        uint40 start; // zero until the hardware is acquired
        uint32 usefulLife;
        uint16 salvageBps;
        uint16 maxDeviationBps;
        uint32 navHeartbeat;
        uint8 decimals;
    }

    /// @notice What one NAV is made of.
    struct Breakdown {
        uint256 navPerShare; // book value per share, rounded down: the published answer and the redemption price
        uint256 entryPerShare; // book value plus streaming rent per earning share, rounded up: the issuance price
        uint256 hardwareValue;
        uint256 reserve;
        uint256 pendingReserve; // reserve slice of the release a close would make now
        uint256 streaming; // rent still to stream to earning shares, the pending release's holder slice included
        uint256 totalSupply;
        uint256 eligibleSupply;
        uint256 observedAt;
        bool appraised;
        bool pendingKnown; // false: the vault's pending release could not be read (feed, sequencer) and is left out
    }
    /// @notice GPUs lose 30-40 % of their value a year: three years to salvage is the default.
    uint32 public constant DEFAULT_USEFUL_LIFE = 3 * 365 days;
    uint32 public constant MIN_USEFUL_LIFE = 180 days;
    uint32 public constant MAX_USEFUL_LIFE = 10 * 365 days;
    uint16 public constant MAX_DEVIATION_BPS = 5_000;
    uint32 public constant MIN_NAV_HEARTBEAT = 1 hours;
    uint32 public constant MAX_NAV_HEARTBEAT = 7 days;

    Schedule private _schedule;
    OracleLib.Feed private _appraisal;
    uint80 private _latestRound;
    address private _offering;
    /// @dev One word per round: see `_packRound` (answer in the low ROUND_UPDATED_AT_OFFSET bits, updatedAt above).
    mapping(uint80 roundId => uint256) private _rounds;

    /// @notice Round `roundId` published `navPerShare`, observed at `observedAt`, with its components
    ///         (`pendingKnown` false: the attested rent in escrow could not be valued and is left out).
    event NavUpdated(
        uint80 indexed roundId,
        uint256 navPerShare,
        uint256 entryPerShare,
        uint256 hardwareValue,
        uint256 reserve,
        uint256 pendingReserve,
        uint256 streaming,
        uint256 totalSupply,
        bool appraised,
        bool pendingKnown,
        uint256 observedAt
    );
    /// @notice The hardware was bought for `cost`; depreciation runs from `start`.
    event HardwareAcquired(uint256 cost, uint256 start);

    /// @notice The hardware has not been bought yet (the offering has not succeeded): there is no NAV.
    error HardwareNotAcquired();
    /// @notice The hardware was already acquired.
    error HardwareAlreadyAcquired();
    /// @notice No share exists, so there is no NAV per share.
    error NoSharesOutstanding();
    /// @notice Everything the cluster owns is worth nothing: a zero NAV is never published.
    error ZeroNav();
    /// @notice No round with this id was published.
    error RoundNotFound(uint80 roundId);

    constructor() {
        _disableInitializers();
    }

    /// @notice Wires a fresh clone. Called once by the factory in the launch transaction.
    /// @param params The appraisal feed (optional), the depreciation schedule and the NAV heartbeat (see
    ///        InitParams); a non-zero `hardwareCost` (no raise) starts depreciation at launch.
    /// @param offering The cluster's offering, the only caller of `acquireHardware`.
    function initialize(InitParams calldata params, address offering) external initializer {
        _offering = offering;
        uint32 usefulLife = params.usefulLife == 0 ? DEFAULT_USEFUL_LIFE : params.usefulLife;
        if (usefulLife < MIN_USEFUL_LIFE || usefulLife > MAX_USEFUL_LIFE) revert InvalidParameter("usefulLife");
        if (params.salvageBps > BPS) revert InvalidParameter("salvageBps");
        if (params.maxDeviationBps > MAX_DEVIATION_BPS) revert InvalidParameter("maxDeviationBps");
        if (params.navHeartbeat < MIN_NAV_HEARTBEAT || params.navHeartbeat > MAX_NAV_HEARTBEAT) {
            revert InvalidParameter("navHeartbeat");
        }
        if (params.hardwareCost > type(uint112).max) revert InvalidParameter("hardwareCost");
        if (address(params.appraisalFeed) != address(0)) {
            // A round priced from an appraisal is dated at the appraisal, so it must leave the round usable for
            // at least half the NAV heartbeat, or the offering and the queue would refuse a round just published.
            if (params.appraisalHeartbeat > params.navHeartbeat / 2) revert InvalidParameter("appraisalHeartbeat");
            _appraisal = OracleLib.register(params.appraisalFeed, params.appraisalHeartbeat);
        }
        _schedule = Schedule({
            cost: 0,
            start: 0,
            usefulLife: usefulLife,
            salvageBps: params.salvageBps,
            maxDeviationBps: params.maxDeviationBps,
            navHeartbeat: params.navHeartbeat,
            decimals: IERC20Metadata(stablecoin()).decimals()
        });
        if (params.hardwareCost > 0) _acquire(params.hardwareCost);
    }

    /// @notice Starts depreciating hardware bought for `cost` now. Offering only, when the raise succeeds.
    /// @param cost The raise's net proceeds, in stablecoin units (not zero, below 2^112): the schedule's starting
    ///        value.
    function acquireHardware(uint256 cost) external {
        if (msg.sender != _offering) revert Unauthorized(msg.sender);
        if (_schedule.start != 0) revert HardwareAlreadyAcquired();
        if (cost == 0 || cost > type(uint112).max) revert InvalidParameter("hardwareCost");
        _acquire(cost);
    }

    /// @notice Computes the NAV from the live inputs and publishes it as a new round. Anyone may call. Refused while
    ///         the attested rent in escrow cannot be valued (`PendingReleaseUnknown`).
    /// @return roundId The new round.
    /// @return navPerShare Its answer.
    function update() public returns (uint80 roundId, uint256 navPerShare) {
        Breakdown memory b = quote();
        roundId = _latestRound + 1;
        _latestRound = roundId;
        _rounds[roundId] = _packRound(b.navPerShare, b.observedAt);
        emit NavUpdated(
            roundId,
            b.navPerShare,
            b.entryPerShare,
            b.hardwareValue,
            b.reserve,
            b.pendingReserve,
            b.streaming,
            b.totalSupply,
            b.appraised,
            b.pendingKnown,
            b.observedAt
        );
        return (roundId, b.navPerShare);
    }

    /// @notice The NAV now, checked as every price the protocol uses is: sequencer up, shares outstanding, NAV
    ///         positive, and the attested rent in escrow valued (`PendingReleaseUnknown` otherwise). `update`
    ///         publishes it; the redemption queue and the offering price with it directly.
    /// @return b The NAV per share, the entry value per share and their components.
    function quote() public view returns (Breakdown memory b) {
        (address sequencerFeed, uint32 gracePeriod) = _roles().sequencerUptime();
        OracleLib.checkSequencer(AggregatorV3Interface(sequencerFeed), gracePeriod);
        b = breakdown();
        if (b.navPerShare == 0) revert ZeroNav();
        // A NAV without the attested rent in escrow would be too low for every price the protocol uses: lenders
        // see the last round age, settlement and issuance wait until the revenue feed answers again.
        if (!b.pendingKnown) revert PendingReleaseUnknown();
    }

    /// @notice The NAV from the live inputs, with its components, unchecked against the sequencer. Reverts while
    ///         there is no NAV (no hardware, no shares).
    /// @return b The NAV per share, the entry value per share and their components.
    function breakdown() public view returns (Breakdown memory b) {
        IShareToken token = _shareToken();
        b.totalSupply = token.totalSupply();
        if (b.totalSupply == 0) revert NoSharesOutstanding();
        (b.hardwareValue, b.observedAt, b.appraised) = hardwareValue();
        IRevenueVault vault = IRevenueVault(CloneArgs.addressAt(4));
        b.reserve = vault.reserve();
        uint256 pendingToHolders;
        try vault.pendingRelease() returns (uint256 toReserve, uint256 toHolders) {
            (b.pendingReserve, pendingToHolders, b.pendingKnown) = (toReserve, toHolders, true);
        } catch {}
        b.streaming = token.unstreamed() + pendingToHolders;
        b.eligibleSupply = token.eligibleSupply();
        uint256 book = b.hardwareValue + b.reserve + b.pendingReserve;
        b.navPerShare = (book * WAD) / b.totalSupply;
        // With nothing earning, a buyer would earn the whole carried stream: price it as if one share earned it.
        b.entryPerShare = Math.ceilDiv(book * WAD, b.totalSupply)
            + Math.ceilDiv(b.streaming * WAD, Math.max(b.eligibleSupply, WAD));
    }

    /// @notice The hardware's value now: the appraisal when it is fresh, believable and no older than the last round,
    ///         otherwise the schedule.
    /// @return value In stablecoin units.
    /// @return observedAt When it was observed.
    /// @return appraised Whether the appraisal feed was used.
    function hardwareValue() public view returns (uint256 value, uint256 observedAt, bool appraised) {
        Schedule memory schedule = _schedule;
        value = scheduledValue();
        observedAt = block.timestamp;
        if (address(_appraisal.aggregator) == address(0)) return (value, observedAt, false);
        OracleLib.Reading memory reading = OracleLib.tryRead(_appraisal, schedule.decimals);
        if (reading.status != OracleLib.ReadStatus.Ok) return (value, observedAt, false);
        (uint256 appraisal, uint256 appraisedAt) = (reading.value, reading.updatedAt);
        uint256 band = (value * schedule.maxDeviationBps) / BPS;
        if (appraisal + band < value || appraisal > value + band) return (value, observedAt, false);
        // Rounds' updatedAt never goes backwards: an appraisal older than the last round's observation is not used.
        if (appraisedAt < _roundUpdatedAt(_rounds[_latestRound])) return (value, observedAt, false);
        return (appraisal, appraisedAt, true);
    }

    /// @notice The depreciation schedule's value now: cost falling in a straight line to the salvage value over
    ///         the useful life, then flat. Rounded down.
    /// @return In stablecoin units; reverts (HardwareNotAcquired) before the hardware is bought.
    function scheduledValue() public view returns (uint256) {
        Schedule memory schedule = _schedule;
        if (schedule.start == 0) revert HardwareNotAcquired();
        uint256 salvage = (uint256(schedule.cost) * schedule.salvageBps) / BPS;
        uint256 elapsed = block.timestamp - schedule.start;
        if (elapsed >= schedule.usefulLife) return salvage;
        return salvage + ((schedule.cost - salvage) * (schedule.usefulLife - elapsed)) / schedule.usefulLife;
    }

    /// @notice The schedule and the feed settings.
    /// @return The purchase cost, start (zero until acquired), useful life, salvage floor and appraisal deviation
    ///         band in basis points, NAV heartbeat and decimals.
    function schedule() external view returns (Schedule memory) {
        return _schedule;
    }

    /// @notice The appraisal feed and how it is read (aggregator zero when there is none).
    /// @return The aggregator, its heartbeat (maximum answer age, in seconds) and its decimals when registered.
    function appraisalFeed() external view returns (OracleLib.Feed memory) {
        return _appraisal;
    }

    /// @notice How long a published NAV stays usable by the protocol.
    /// @return Seconds, from MIN_NAV_HEARTBEAT (1 hour) to MAX_NAV_HEARTBEAT (7 days): the staleness bound for
    ///         rounds; Automation publishes a new round once the last is half this old.
    function navHeartbeat() external view returns (uint32) {
        return _schedule.navHeartbeat;
    }

    // ---------------------------------------------------------------- AggregatorV3Interface

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view returns (uint8) {
        return _schedule.decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view returns (string memory) {
        return string.concat(IERC20Metadata(address(_shareToken())).symbol(), " NAV per share");
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure returns (uint256) {
        return 1;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId)
        public
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint256 round = _rounds[roundId];
        if (round == 0) revert RoundNotFound(roundId);
        updatedAt = _roundUpdatedAt(round);
        answer = int256(_roundAnswer(round));
        return (roundId, answer, updatedAt, updatedAt, roundId);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return getRoundData(_latestRound);
    }

    // ---------------------------------------------------------------- Automation

    /// @notice Chainlink Automation: the last round is older than half the heartbeat and `update` would publish
    ///         one now (the same checks: hardware acquired, shares outstanding, sequencer up, NAV positive).
    /// @return upkeepNeeded Whether an update is due and would succeed.
    /// @return performData Always empty.
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        uint256 round = _rounds[_latestRound];
        if (round == 0 || block.timestamp - _roundUpdatedAt(round) >= _schedule.navHeartbeat / 2) {
            try this.quote() returns (Breakdown memory) {
                upkeepNeeded = true;
            } catch {}
        }
        performData = "";
    }

    /// @notice Chainlink Automation: publishes a round (revalidating everything `update` checks).
    function performUpkeep(bytes calldata) external {
        update();
    }

    // ---------------------------------------------------------------- internals

    /// @notice The stablecoin NAV is counted in.
    /// @return The stablecoin's address; answers use its decimals.
    function stablecoin() public view returns (address) {
        return CloneArgs.addressAt(0);
    }

    function _acquire(uint256 cost) private {
        _schedule.cost = uint112(cost);
        _schedule.start = uint40(block.timestamp);
        emit HardwareAcquired(cost, block.timestamp);
    }

    /// @dev Bit offset of a round word's updatedAt; the answer is the 192 bits below it.
    uint256 private constant ROUND_UPDATED_AT_OFFSET = 192;

    /// @dev A round word: `answer` (at most 192 bits, checked) below, `updatedAt` above.
    function _packRound(uint256 answer, uint256 updatedAt) private pure returns (uint256) {
        return SafeCast.toUint192(answer) | (updatedAt << ROUND_UPDATED_AT_OFFSET);
    }

    function _roundAnswer(uint256 round) private pure returns (uint256) {
        return uint192(round);
    }

    function _roundUpdatedAt(uint256 round) private pure returns (uint256) {
        return round >> ROUND_UPDATED_AT_OFFSET;
    }

    function _shareToken() private view returns (IShareToken) {
        return IShareToken(CloneArgs.addressAt(1));
    }

    function _roles() private view returns (IClusterRoles) {
        return IClusterRoles(CloneArgs.addressAt(2));
    }
}
