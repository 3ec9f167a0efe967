// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {AutomationCompatibleInterface} from
    "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {IClusterRoles} from "../interfaces/IClusterRoles.sol";
import {OracleLib} from "../libraries/OracleLib.sol";
import {CloneArgs} from "../libraries/CloneArgs.sol";
import {IClusterErrors} from "../interfaces/IClusterErrors.sol";
import {BPS} from "../libraries/Constants.sol";

/// @title RevenueVault
/// @notice Holds a cluster's rent in escrow and, once per epoch, releases what the revenue feed attests:
///         `min(newly attested + carried shortfall, escrow)`. Billed-but-unpaid revenue becomes a public shortfall;
///         paid-but-unattested rent waits. From each release it takes the protocol and operator fees (pulled later),
///         keeps the reserve slice for redemptions, and streams the rest to shareholders over the next epoch.
///         Outages never lock it: the bound on new attestations grows with the time since the last close (a missed
///         close, a pause, a stale feed or a sequencer outage only delays releases), billing above the bound is
///         carried to later closes, and a feed corrected downwards attests nothing until it climbs back past its
///         high-water mark. The feed's value when the cluster starts earning is the baseline, so billing history is
///         never attested. The protocol admin can replace the feed after FEED_CHANGE_DELAY (the guardian can veto).
/// @dev Invariants: escrow + distributedToHolders + totalFees + reserveFunded == totalRentPaid;
///      reserve == reserveFunded + reserveFromIssuance + reserveFromDonations - reservePaidOut; and
///      the amount released never exceeds what the feed attested.
///      Deployed as an EIP-1167 clone with immutable args `abi.encode(stablecoin, shareToken, factory, clusterId)`.
contract RevenueVault is Initializable, ReentrancyGuardTransient, IRevenueVault, AutomationCompatibleInterface, IClusterErrors {
    using SafeERC20 for IERC20;

    /// @notice Cluster parameters fixed at launch.
    struct Config {
        uint40 epochLength;
        uint16 operatorFeeBps;
        uint16 reserveBps;
        uint8 stablecoinDecimals;
        uint128 maxRevenuePerEpoch;
    }

    /// @notice Launch parameters of a vault.
    struct InitParams {
        AggregatorV3Interface revenueFeed;
        uint32 revenueHeartbeat;
        uint40 epochLength;
        uint16 operatorFeeBps;
        uint16 reserveBps;
        uint128 maxRevenuePerEpoch;
        address offering;
        address redemptionQueue;
        bool earningAtLaunch; // no raise: the cluster earns from launch, so the feed's baseline is taken now
    }

    /// @notice A revenue feed replacement waiting for its delay.
    struct FeedChange {
        AggregatorV3Interface aggregator;
        uint32 heartbeat;
        uint40 readyAt;
        uint128 baseline; // the new feed's answer (in stablecoin units) that stands for the billing already seen
        uint128 maxCarried; // carriedRevenue is capped at this when the change applies (to clear a bad feed's claims)
    }
    uint256 public constant MAX_OPERATOR_FEE_BPS = 2_000;
    uint256 public constant MAX_RESERVE_BPS = 5_000;
    uint256 public constant MIN_EPOCH_LENGTH = 1 hours;
    uint256 public constant MAX_EPOCH_LENGTH = 90 days;
    /// @notice How long a proposed revenue feed waits before it can replace the current one (the guardian's window).
    uint256 public constant FEED_CHANGE_DELAY = 3 days;
    /// @notice The bound on new attestation grows with time since the last close for at most this many epochs: an
    ///         outage is caught up (the rest carried to later closes), but a feed gone bad during a long outage
    ///         cannot attest years of billing in one close.
    uint256 public constant MAX_CATCH_UP_EPOCHS = 4;

    OracleLib.Feed private _revenueFeed;
    Config private _config;
    address private _offering;
    address private _redemptionQueue;
    FeedChange private _feedChange;

    /// @notice Number of the epoch now running (the first is 1).
    uint32 public currentEpoch;
    /// @notice When the running epoch started (for epoch 1 of a raise: when the raise succeeded).
    uint40 public epochStart;
    /// @notice The feed could not be read when the cluster started earning: the next close takes the baseline.
    bool public baselinePending;
    /// @notice All revenue the vault has attested, in stablecoin units.
    uint256 public attestedRevenue;
    /// @notice The revenue feed's highest answer so far (or its baseline), in stablecoin units: new billing is what
    ///         the feed reports above it.
    uint256 public feedHighWater;
    /// @notice Billing a feed reported that is not attested yet: above the time-scaled bound, or reported by a
    ///         replaced feed after the last close. Later closes attest it.
    uint256 public carriedRevenue;
    /// @notice Attested revenue not yet covered by paid rent.
    uint256 public shortfall;
    /// @notice Paid rent not yet released.
    uint256 public escrow;
    /// @notice All rent ever paid in.
    uint256 public totalRentPaid;
    /// @notice All stablecoin ever streamed to shareholders.
    uint256 public distributedToHolders;
    /// @notice All protocol and operator fees ever taken.
    uint256 public totalFees;
    /// @notice All rent ever set aside for redemptions.
    uint256 public reserveFunded;
    /// @notice Stablecoin held for redemptions now.
    uint256 public reserve;
    /// @notice All stablecoin later issuance added to the reserve.
    uint256 public reserveFromIssuance;
    /// @notice All stablecoin that reached the vault outside its books (plain transfers) and was swept into the reserve.
    uint256 public reserveFromDonations;
    /// @notice All reserve paid out to fill redemptions.
    uint256 public reservePaidOut;
    /// @notice Protocol fees taken but not yet withdrawn.
    uint256 public protocolFeesOwed;
    /// @notice Operator fees taken but not yet withdrawn.
    uint256 public operatorFeesOwed;

    /// @notice The cluster started earning: the revenue feed's `baseline` (`known` false: unreadable, the next
    ///         close takes it) is not revenue; epoch 1 ends at `epochEnd`.
    event EarningStarted(uint256 baseline, bool known, uint256 epochEnd);
    /// @notice Closing `epoch` read `reported` from the feed; `highWater` is the feed's mark from now on and
    ///         `carried` the billing left for later closes.
    event RevenueReported(uint256 indexed epoch, uint256 reported, uint256 highWater, uint256 carried);
    /// @notice The protocol admin proposed `aggregator` as the revenue feed, with `baseline` (its answer that stands
    ///         for the billing already seen) and `maxCarried`; it can replace the feed at `readyAt`.
    event RevenueFeedProposed(
        address indexed aggregator, uint32 heartbeat, uint256 baseline, uint256 maxCarried, uint256 readyAt
    );
    /// @notice The proposed revenue feed `aggregator` was withdrawn by `by`.
    event RevenueFeedChangeCancelled(address indexed aggregator, address by);
    /// @notice The revenue feed is now `aggregator` (`decimals`, `heartbeat`): billing is what it reports above
    ///         `baseline`, and `carried` is still to be attested.
    event RevenueFeedChanged(
        address indexed previous,
        address indexed aggregator,
        uint8 decimals,
        uint32 heartbeat,
        uint256 baseline,
        uint256 carried
    );
    /// @notice The stablecoin charged a transfer fee: `to` received `received` of the `sent` the vault booked.
    event TransferFeeCharged(address indexed to, uint256 sent, uint256 received);
    /// @notice `payer` paid `amount` of rent, tagged `paymentRef`, during `epoch`.
    event RentPaid(address indexed payer, uint256 indexed epoch, uint256 amount, bytes32 indexed paymentRef);
    /// @notice Epoch `epoch` closed: `cumulativeRevenue` is attested in all (`newlyAttested` by this close);
    ///         `released` left escrow and was split into holders / protocol fee / operator fee / reserve.
    event EpochClosed(
        uint256 indexed epoch,
        uint256 cumulativeRevenue,
        uint256 newlyAttested,
        uint256 released,
        uint256 toHolders,
        uint256 protocolFee,
        uint256 operatorFee,
        uint256 toReserve,
        uint256 nextEpochEnd
    );
    /// @notice Attested revenue exceeded the paid rent: `shortfall` is now owed in total (`added` this epoch).
    event ShortfallRecorded(uint256 indexed epoch, uint256 shortfall, uint256 added);
    /// @notice `amount` of reserve left for the redemption queue to fill redemptions; `reserve` is what remains.
    event ReserveWithdrawn(uint256 amount, uint256 reserve);
    /// @notice Later issuance added `amount` to the reserve; `reserve` is the new total.
    event ReserveDeposited(uint256 amount, uint256 reserve);
    /// @notice `by` swept `amount` that reached the vault outside its books into the reserve; `reserve` is the new total.
    event DonationsSwept(address indexed by, uint256 amount, uint256 reserve);
    /// @notice Accrued fees were withdrawn.
    event FeesWithdrawn(address indexed to, uint256 amount, bool protocol);

    /// @notice The epoch runs until `endsAt`.
    error EpochNotEnded(uint256 epoch, uint256 endsAt);
    /// @notice No revenue feed change is pending.
    error NoFeedChangePending();
    /// @notice The proposed revenue feed can replace the current one from `readyAt`.
    error FeedChangeNotReady(uint256 readyAt);
    /// @notice The cluster's offering has not succeeded: no hardware, no rent.
    error ClusterNotActive();
    /// @notice The reserve holds only `reserve`.
    error InsufficientReserve(uint256 requested, uint256 reserve);

    constructor() {
        _disableInitializers();
    }

    /// @notice Wires a fresh clone; called once by the factory in the launch transaction.
    /// @param params The revenue feed and its heartbeat, the epoch length, the operator fee and reserve slice in
    ///        basis points, the bound on attested revenue per epoch, the offering and the redemption queue, and
    ///        whether the cluster earns from launch (see InitParams).
    function initialize(InitParams calldata params) external initializer {
        if (params.epochLength < MIN_EPOCH_LENGTH || params.epochLength > MAX_EPOCH_LENGTH) {
            revert InvalidParameter("epochLength");
        }
        if (params.operatorFeeBps > MAX_OPERATOR_FEE_BPS) revert InvalidParameter("operatorFeeBps");
        if (params.reserveBps > MAX_RESERVE_BPS) revert InvalidParameter("reserveBps");
        if (params.maxRevenuePerEpoch == 0) revert InvalidParameter("maxRevenuePerEpoch");
        if (params.offering == address(0) || params.redemptionQueue == address(0)) revert ZeroAddress();
        _offering = params.offering;
        _redemptionQueue = params.redemptionQueue;
        _revenueFeed = OracleLib.register(params.revenueFeed, params.revenueHeartbeat);
        _config = Config({
            epochLength: params.epochLength,
            operatorFeeBps: params.operatorFeeBps,
            reserveBps: params.reserveBps,
            stablecoinDecimals: IERC20Metadata(stablecoin()).decimals(),
            maxRevenuePerEpoch: params.maxRevenuePerEpoch
        });
        currentEpoch = 1;
        epochStart = uint40(block.timestamp);
        if (params.earningAtLaunch) _startEarning();
    }

    /// @notice The raise succeeded: epoch 1 starts now and the revenue feed's answer now is the baseline, so billing
    ///         before the cluster earned is never attested (nor a shortfall). Offering only.
    function startEarning() external {
        if (msg.sender != _offering) revert Unauthorized(msg.sender);
        _startEarning();
    }

    /// @inheritdoc IRevenueVault
    /// @dev Books the measured balance change: a stablecoin that turned on a transfer fee credits what arrived, so
    ///      escrow never counts money the vault does not hold, and the fee shows as TransferFeeCharged (and, once
    ///      attested, as a shortfall the operator owes).
    function payRent(uint256 amount, bytes32 paymentRef) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _checkActive(_shareToken());
        IERC20 stable = IERC20(stablecoin());
        uint256 balanceBefore = stable.balanceOf(address(this));
        stable.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = stable.balanceOf(address(this)) - balanceBefore;
        if (received == 0) revert ZeroAmount();
        if (received != amount) emit TransferFeeCharged(address(this), amount, received);
        escrow += received;
        totalRentPaid += received;
        emit RentPaid(msg.sender, currentEpoch, received, paymentRef);
    }

    /// @inheritdoc IRevenueVault
    function closeEpoch() external nonReentrant {
        _closeEpoch();
    }

    /// @notice Chainlink Automation: true exactly when `performUpkeep` would close the epoch now (the same checks
    ///         as `closeEpoch`, oracle reads included).
    /// @return upkeepNeeded Whether a close would succeed.
    /// @return performData Always empty.
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        try this.previewClose() returns (Release memory) {
            upkeepNeeded = true;
        } catch {}
        performData = "";
    }

    /// @notice What `closeEpoch` would do now; reverts with the error it would revert with.
    /// @return r The feed's report, the attestation and the release split.
    function previewClose() public view returns (Release memory r) {
        _checkActive(_shareToken());
        uint256 endsAt = epochEnd();
        if (block.timestamp < endsAt) revert EpochNotEnded(currentEpoch, endsAt);
        return _computeRelease(_config);
    }

    /// @notice The reserve slice and the holders' slice of the release a close would make now (zero when nothing
    ///         is in escrow). The NAV oracle counts them: they are the holders' already, whoever closes the epoch.
    ///         Reverts when the feed or the sequencer cannot be read and escrow is not empty.
    /// @return toReserve What the release would add to the redemption reserve.
    /// @return toHolders What it would stream to earning holders.
    function pendingRelease() external view returns (uint256 toReserve, uint256 toHolders) {
        if (escrow == 0) return (0, 0);
        Release memory r = _computeRelease(_config);
        return (r.toReserve, r.toHolders);
    }

    /// @notice Proposes `aggregator` (read with `heartbeat`) as the revenue feed, for an aggregator migration, a
    ///         change of decimals, a feed gone bad, or a baseline the vault could not read at launch (propose the same
    ///         aggregator). The admin states the baseline: the new feed's answer that stands for the billing the vault
    ///         has already seen (for a feed carrying on the same series, `feedHighWater`), so nothing is attested twice
    ///         or dropped however the two feeds lag each other; the old feed is not read. It can replace the feed
    ///         after FEED_CHANGE_DELAY, during which the guardian or the admin can cancel it. Protocol admin only.
    /// @param aggregator The new cumulative revenue feed.
    /// @param heartbeat Its maximum answer age, in seconds.
    /// @param baseline Its answer, in stablecoin units, that billing is measured from once it applies.
    /// @param maxCarried The most `carriedRevenue` may be once it applies (pass the current value to keep it; lower
    ///        clears billing a bad feed reported).
    function proposeRevenueFeed(AggregatorV3Interface aggregator, uint32 heartbeat, uint128 baseline, uint128 maxCarried)
        external
    {
        if (!_roles().isProtocolAdmin(msg.sender)) revert Unauthorized(msg.sender);
        OracleLib.register(aggregator, heartbeat); // refuses a nonsense feed now, not after the delay
        uint256 readyAt = block.timestamp + FEED_CHANGE_DELAY;
        _feedChange = FeedChange(aggregator, heartbeat, uint40(readyAt), baseline, maxCarried);
        emit RevenueFeedProposed(address(aggregator), heartbeat, baseline, maxCarried, readyAt);
    }

    /// @notice Withdraws the proposed revenue feed. Guardian or protocol admin.
    function cancelRevenueFeedChange() external {
        IClusterRoles roles = _roles();
        if (!roles.isGuardian(msg.sender) && !roles.isProtocolAdmin(msg.sender)) revert Unauthorized(msg.sender);
        address aggregator = address(_feedChange.aggregator);
        if (aggregator == address(0)) revert NoFeedChangePending();
        delete _feedChange;
        emit RevenueFeedChangeCancelled(aggregator, msg.sender);
    }

    /// @notice Replaces the revenue feed with the proposed one once its delay is over. Anyone may call. The new
    ///         feed's decimals are snapshotted (it must answer now), its high-water mark is the proposed baseline and
    ///         carried revenue is capped as proposed.
    function applyRevenueFeedChange() external nonReentrant {
        FeedChange memory change = _feedChange;
        if (address(change.aggregator) == address(0)) revert NoFeedChangePending();
        if (block.timestamp < change.readyAt) revert FeedChangeNotReady(change.readyAt);
        OracleLib.Feed memory next = OracleLib.register(change.aggregator, change.heartbeat);
        OracleLib.readCumulative(next, _config.stablecoinDecimals); // a feed that cannot be read is not taken on
        uint256 carried = Math.min(carriedRevenue, change.maxCarried);
        address previous = address(_revenueFeed.aggregator);
        _revenueFeed = next;
        feedHighWater = change.baseline;
        carriedRevenue = carried;
        baselinePending = false;
        delete _feedChange;
        emit RevenueFeedChanged(
            previous, address(next.aggregator), next.decimals, next.heartbeat, change.baseline, carried
        );
    }

    /// @notice The revenue feed waiting to replace the current one.
    /// @return The proposal (aggregator zero when none).
    function pendingRevenueFeed() external view returns (FeedChange memory) {
        return _feedChange;
    }

    /// @notice Chainlink Automation: closes the epoch, revalidating every condition `closeEpoch` checks.
    function performUpkeep(bytes calldata) external nonReentrant {
        _closeEpoch();
    }

    /// @notice Pays `amount` of the reserve to the redemption queue, which owes it to filled redeemers.
    ///         Redemption queue only.
    /// @param amount Stablecoin units, at most `reserve`.
    function withdrawReserve(uint256 amount) external nonReentrant {
        if (msg.sender != _redemptionQueue) revert Unauthorized(msg.sender);
        uint256 available = reserve;
        if (amount > available) revert InsufficientReserve(amount, available);
        reserve = available - amount;
        reservePaidOut += amount;
        emit ReserveWithdrawn(amount, available - amount);
        IERC20(stablecoin()).safeTransfer(msg.sender, amount);
    }

    /// @notice Books `amount` that later issuance has just paid into this vault as reserve. Offering only (it
    ///         measured the transfer, so a fee-on-transfer stablecoin cannot over-credit the reserve).
    /// @param amount Stablecoin units the offering has just transferred to the vault.
    function depositReserve(uint256 amount) external {
        if (msg.sender != _offering) revert Unauthorized(msg.sender);
        reserve += amount;
        reserveFromIssuance += amount;
        emit ReserveDeposited(amount, reserve);
    }

    /// @notice Sweeps stablecoin that reached the vault outside its books (a plain transfer instead of `payRent`, a
    ///         gift) into the redemption reserve, where it backs every share: never to an insider, no fee taken.
    ///         Anyone may call, a keeper too.
    /// @return amount Stablecoin units swept: the balance above escrow, reserve and the fees owed.
    function sweepDonations() external nonReentrant returns (uint256 amount) {
        uint256 booked = escrow + reserve + protocolFeesOwed + operatorFeesOwed;
        uint256 balance = IERC20(stablecoin()).balanceOf(address(this));
        if (balance <= booked) revert NothingToSweep();
        amount = balance - booked;
        reserve += amount;
        reserveFromDonations += amount;
        emit DonationsSwept(msg.sender, amount, reserve);
    }

    /// @notice The offering and the redemption queue this vault works with.
    /// @return offering The cluster's offering: starts earning and deposits issuance money into the reserve.
    /// @return redemptionQueue The cluster's redemption queue: the only address that may withdraw the reserve.
    function counterparts() external view returns (address offering, address redemptionQueue) {
        return (_offering, _redemptionQueue);
    }

    /// @notice Sends the accrued protocol fees to the protocol's fee recipient. Anyone may trigger it.
    function withdrawProtocolFees() external nonReentrant {
        (address recipient,) = _roles().protocolFee();
        uint256 amount = protocolFeesOwed;
        if (amount == 0) revert NothingToWithdraw();
        protocolFeesOwed = 0;
        emit FeesWithdrawn(recipient, amount, true);
        IERC20(stablecoin()).safeTransfer(recipient, amount);
    }

    /// @notice Sends the accrued operator fees to `to`. Cluster operator only.
    /// @param to Receives all operator fees owed (not address(0)).
    function withdrawOperatorFees(address to) external nonReentrant {
        if (msg.sender != _roles().operatorOf(clusterId())) revert Unauthorized(msg.sender);
        if (to == address(0)) revert ZeroAddress();
        uint256 amount = operatorFeesOwed;
        if (amount == 0) revert NothingToWithdraw();
        operatorFeesOwed = 0;
        emit FeesWithdrawn(to, amount, false);
        IERC20(stablecoin()).safeTransfer(to, amount);
    }

    /// @notice When the running epoch can be closed.
    /// @return Unix time in seconds: the epoch's start plus the epoch length; `closeEpoch` reverts before it.
    function epochEnd() public view returns (uint256) {
        return uint256(epochStart) + _config.epochLength;
    }

    /// @notice The cluster parameters fixed at launch.
    /// @return The epoch length in seconds, the operator fee and reserve slice in basis points of each release,
    ///         the stablecoin's decimals and the most revenue attested per epoch, in stablecoin units.
    function config() external view returns (Config memory) {
        return _config;
    }

    /// @notice The revenue feed and how it is read.
    /// @return The cumulative revenue aggregator, its heartbeat (maximum answer age, in seconds) and its decimals
    ///         when registered.
    function revenueFeed() external view returns (OracleLib.Feed memory) {
        return _revenueFeed;
    }

    /// @notice The stablecoin rent is paid in.
    /// @return The stablecoin's address.
    function stablecoin() public view returns (address) {
        return CloneArgs.addressAt(0);
    }

    /// @notice The cluster's share token.
    /// @return The share token's address.
    function shareToken() external view returns (address) {
        return address(_shareToken());
    }

    /// @notice The cluster's id in the factory's registry.
    /// @return The id.
    function clusterId() public view returns (uint256) {
        return CloneArgs.uintAt(3);
    }

    /// @notice What one close reads, attests and releases.
    struct Release {
        uint256 reported; // the feed's answer, in stablecoin units
        uint256 highWater; // the feed's high-water mark after the close
        uint256 carried; // reported billing left for later closes
        uint256 newlyAttested;
        uint256 released;
        uint256 toHolders;
        uint256 protocolFee;
        uint256 operatorFee;
        uint256 toReserve;
    }

    /// @dev Reconciles escrow against the feed. Every check comes before any state change or transfer.
    function _closeEpoch() private {
        Release memory r = previewClose();
        uint256 epoch = currentEpoch;
        uint40 epochLength = _config.epochLength;

        uint256 previousShortfall = shortfall;
        uint256 newShortfall = previousShortfall + r.newlyAttested - r.released;
        uint256 attested = attestedRevenue + r.newlyAttested;
        attestedRevenue = attested;
        feedHighWater = r.highWater;
        carriedRevenue = r.carried;
        baselinePending = false;
        shortfall = newShortfall;
        escrow -= r.released;
        protocolFeesOwed += r.protocolFee;
        operatorFeesOwed += r.operatorFee;
        totalFees += r.protocolFee + r.operatorFee;
        reserve += r.toReserve;
        reserveFunded += r.toReserve;
        distributedToHolders += r.toHolders;
        currentEpoch = uint32(epoch + 1);
        epochStart = uint40(block.timestamp);
        emit RevenueReported(epoch, r.reported, r.highWater, r.carried);
        if (newShortfall > previousShortfall) {
            emit ShortfallRecorded(epoch, newShortfall, newShortfall - previousShortfall);
        }
        emit EpochClosed(
            epoch,
            attested,
            r.newlyAttested,
            r.released,
            r.toHolders,
            r.protocolFee,
            r.operatorFee,
            r.toReserve,
            block.timestamp + epochLength
        );

        if (r.toHolders > 0) {
            // Measured: if the stablecoin takes a fee, the token streams what it holds, so every holder bears the
            // fee pro rata and no claim can find the token short.
            IShareToken token = _shareToken();
            IERC20 stable = IERC20(stablecoin());
            uint256 before = stable.balanceOf(address(token));
            stable.safeTransfer(address(token), r.toHolders);
            uint256 arrived = stable.balanceOf(address(token)) - before;
            if (arrived != r.toHolders) emit TransferFeeCharged(address(token), r.toHolders, arrived);
            if (arrived > 0) token.notifyReward(arrived, epochLength);
        }
    }

    /// @dev Reads and checks the feed, attests the new billing within the bound, then splits
    ///      `min(newly attested + shortfall, escrow)`. The bound is `maxRevenuePerEpoch` per epoch of time since
    ///      the last close (up to MAX_CATCH_UP_EPOCHS), so a close after an outage may attest the whole outage;
    ///      billing above it is carried.
    ///      Fees and reserve round down; holders get the remainder, so the split always sums to the release exactly.
    function _computeRelease(Config memory cfg) private view returns (Release memory r) {
        IClusterRoles roles = _roles();
        (address sequencerFeed, uint32 gracePeriod) = roles.sequencerUptime();
        OracleLib.checkSequencer(AggregatorV3Interface(sequencerFeed), gracePeriod);
        (r.reported,) = OracleLib.readCumulative(_revenueFeed, cfg.stablecoinDecimals);
        uint256 highWater = feedHighWater;
        uint256 fresh;
        // A baseline still pending is taken now: what the feed reports so far was billed before it could be read.
        // Below the high-water mark the feed was corrected: nothing is new until it climbs past the mark again.
        if (baselinePending || r.reported > highWater) {
            fresh = baselinePending ? 0 : r.reported - highWater;
            r.highWater = r.reported;
        } else {
            r.highWater = highWater;
        }
        uint256 due = carriedRevenue + fresh;
        // A close comes at least one epoch after the last, so the bound is never below one epoch's: the NAV oracle
        // reading this mid-epoch sees what the close will release, and a close moves no value between shares.
        uint256 elapsed = Math.min(
            Math.max(block.timestamp - epochStart, cfg.epochLength), MAX_CATCH_UP_EPOCHS * cfg.epochLength
        );
        uint256 bound = (uint256(cfg.maxRevenuePerEpoch) * elapsed) / cfg.epochLength;
        r.newlyAttested = Math.min(due, bound);
        r.carried = due - r.newlyAttested;
        r.released = Math.min(r.newlyAttested + shortfall, escrow);
        (, uint16 protocolFeeBps) = roles.protocolFee();
        r.protocolFee = (r.released * protocolFeeBps) / BPS;
        r.operatorFee = (r.released * cfg.operatorFeeBps) / BPS;
        r.toReserve = (r.released * cfg.reserveBps) / BPS;
        r.toHolders = r.released - r.protocolFee - r.operatorFee - r.toReserve;
    }

    /// @dev Epoch 1 starts and the feed's last answer becomes the baseline, even a stale one (it is billing from
    ///      before the cluster earned), or 0 when the feed never answered. Only a feed that cannot be read at all
    ///      leaves it to the first close (or to the admin's delayed feed change, which states a baseline).
    function _startEarning() private {
        epochStart = uint40(block.timestamp);
        OracleLib.Feed memory feed = _revenueFeed;
        OracleLib.Reading memory r = OracleLib.tryReadCumulative(feed, _config.stablecoinDecimals);
        bool known = true;
        uint256 baseline;
        if (r.status == OracleLib.ReadStatus.Ok) {
            baseline = r.value;
        } else if (r.status == OracleLib.ReadStatus.Stale && r.answer >= 0) {
            baseline = OracleLib.scale(uint256(r.answer), feed.decimals, _config.stablecoinDecimals);
        } else if (r.status != OracleLib.ReadStatus.InvalidTimestamp || r.updatedAt != 0) {
            known = false; // calls fail, decimals changed, a negative answer or one from the future
        }
        if (known) feedHighWater = baseline;
        else baselinePending = true;
        emit EarningStarted(baseline, known, epochEnd());
    }

    function _checkActive(IShareToken token) private view {
        if (token.paused()) revert EnforcedPause();
        if (token.locked()) revert ClusterNotActive();
    }

    function _shareToken() private view returns (IShareToken) {
        return IShareToken(CloneArgs.addressAt(1));
    }

    function _roles() private view returns (IClusterRoles) {
        return IClusterRoles(CloneArgs.addressAt(2));
    }
}
