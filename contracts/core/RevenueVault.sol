// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {AutomationCompatibleInterface} from
    "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {IClusterRoles} from "../interfaces/IClusterRoles.sol";
import {OracleLib} from "../libraries/OracleLib.sol";
import {CloneArgs} from "../libraries/CloneArgs.sol";

/// @title RevenueVault
/// @notice Holds a cluster's rent in escrow and, once per epoch, releases what the revenue feed attests:
///         `min(newly attested + carried shortfall, escrow)`. Billed-but-unpaid revenue becomes a public shortfall;
///         paid-but-unattested rent waits. From each release it takes the protocol and operator fees (pulled later),
///         keeps the reserve slice for redemptions, and streams the rest to shareholders over the next epoch.
/// @dev Invariants: escrow + distributedToHolders + totalFees + reserveFunded == totalRentPaid;
///      reserve == reserveFunded + reserveFromIssuance - reservePaidOut; and
///      the amount released never exceeds what the feed attested.
///      Deployed as an EIP-1167 clone with immutable args `abi.encode(stablecoin, shareToken, factory, clusterId)`.
contract RevenueVault is Initializable, ReentrancyGuardTransient, IRevenueVault, AutomationCompatibleInterface {
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
    }

    uint256 public constant BPS = 10_000;
    uint256 public constant MAX_OPERATOR_FEE_BPS = 2_000;
    uint256 public constant MAX_RESERVE_BPS = 5_000;
    uint256 public constant MIN_EPOCH_LENGTH = 1 hours;
    uint256 public constant MAX_EPOCH_LENGTH = 90 days;

    OracleLib.Feed private _revenueFeed;
    Config private _config;
    address private _offering;
    address private _redemptionQueue;

    /// @notice Number of the epoch now running (the first is 1).
    uint32 public currentEpoch;
    /// @notice When the running epoch started.
    uint40 public epochStart;
    /// @notice Cumulative billed revenue last attested by the feed, in stablecoin units.
    uint256 public attestedRevenue;
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
    /// @notice All reserve paid out to fill redemptions.
    uint256 public reservePaidOut;
    /// @notice Protocol fees taken but not yet withdrawn.
    uint256 public protocolFeesOwed;
    /// @notice Operator fees taken but not yet withdrawn.
    uint256 public operatorFeesOwed;

    /// @notice `payer` paid `amount` of rent, tagged `paymentRef`, during `epoch`.
    event RentPaid(address indexed payer, uint256 indexed epoch, uint256 amount, bytes32 indexed paymentRef);
    /// @notice Epoch `epoch` closed: the feed attested `cumulativeRevenue` (`newlyAttested` since the last close);
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
    /// @notice Accrued fees were withdrawn.
    event FeesWithdrawn(address indexed to, uint256 amount, bool protocol);

    /// @notice The amount must be positive.
    error ZeroAmount();
    /// @notice The token took a fee on transfer: `received` arrived instead of `expected`.
    error FeeOnTransferNotSupported(uint256 expected, uint256 received);
    /// @notice The epoch runs until `endsAt`.
    error EpochNotEnded(uint256 epoch, uint256 endsAt);
    /// @notice The feed's cumulative revenue went down, which a cumulative feed never does.
    error RevenueDecreased(uint256 previous, uint256 reported);
    /// @notice More revenue was attested in one epoch than the cluster's configured bound.
    error RevenueJumpTooLarge(uint256 newlyAttested, uint256 maxPerEpoch);
    /// @notice The guardian paused the cluster.
    error EnforcedPause();
    /// @notice The cluster's offering has not succeeded: no hardware, no rent.
    error ClusterNotActive();
    /// @notice The reserve holds only `reserve`.
    error InsufficientReserve(uint256 requested, uint256 reserve);
    /// @notice The caller lacks the role this function needs.
    error Unauthorized(address caller);
    /// @notice There is nothing to withdraw.
    error NothingToWithdraw();
    /// @notice The address must not be zero.
    error ZeroAddress();
    /// @notice A launch parameter is outside its allowed range.
    error InvalidParameter(string name);

    constructor() {
        _disableInitializers();
    }

    /// @notice Wires a fresh clone; called once by the factory in the launch transaction.
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
    }

    /// @inheritdoc IRevenueVault
    /// @dev Counts the measured balance change, so a fee-on-transfer token is refused instead of over-credited.
    function payRent(uint256 amount, bytes32 paymentRef) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _checkActive(_shareToken());
        IERC20 stable = IERC20(stablecoin());
        uint256 balanceBefore = stable.balanceOf(address(this));
        stable.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = stable.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert FeeOnTransferNotSupported(amount, received);
        escrow += amount;
        totalRentPaid += amount;
        emit RentPaid(msg.sender, currentEpoch, amount, paymentRef);
    }

    /// @inheritdoc IRevenueVault
    function closeEpoch() external nonReentrant {
        _closeEpoch();
    }

    /// @notice Chainlink Automation: an epoch can be closed now.
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        IShareToken token = _shareToken();
        upkeepNeeded = !token.paused() && !token.locked() && block.timestamp >= epochEnd();
        performData = "";
    }

    /// @notice Chainlink Automation: closes the epoch, revalidating every condition `closeEpoch` checks.
    function performUpkeep(bytes calldata) external nonReentrant {
        _closeEpoch();
    }

    /// @notice Pays `amount` of the reserve to the redemption queue, which owes it to filled redeemers.
    ///         Redemption queue only.
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
    function depositReserve(uint256 amount) external {
        if (msg.sender != _offering) revert Unauthorized(msg.sender);
        reserve += amount;
        reserveFromIssuance += amount;
        emit ReserveDeposited(amount, reserve);
    }

    /// @notice The offering and the redemption queue this vault works with.
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
    function epochEnd() public view returns (uint256) {
        return uint256(epochStart) + _config.epochLength;
    }

    /// @notice The cluster parameters fixed at launch.
    function config() external view returns (Config memory) {
        return _config;
    }

    /// @notice The revenue feed and how it is read.
    function revenueFeed() external view returns (OracleLib.Feed memory) {
        return _revenueFeed;
    }

    /// @notice The stablecoin rent is paid in.
    function stablecoin() public view returns (address) {
        return CloneArgs.addressAt(0);
    }

    /// @notice The cluster's share token.
    function shareToken() external view returns (address) {
        return address(_shareToken());
    }

    /// @notice The cluster's id in the factory's registry.
    function clusterId() public view returns (uint256) {
        return CloneArgs.uintAt(3);
    }

    /// @dev How one epoch's release is split.
    struct Release {
        uint256 cumulative;
        uint256 newlyAttested;
        uint256 released;
        uint256 toHolders;
        uint256 protocolFee;
        uint256 operatorFee;
        uint256 toReserve;
    }

    /// @dev Reconciles escrow against the feed. Every check comes before any state change or transfer.
    function _closeEpoch() private {
        IShareToken token = _shareToken();
        _checkActive(token);
        uint256 epoch = currentEpoch;
        uint256 endsAt = epochEnd();
        if (block.timestamp < endsAt) revert EpochNotEnded(epoch, endsAt);
        Config memory cfg = _config;
        Release memory r = _computeRelease(cfg);

        uint256 previousShortfall = shortfall;
        uint256 newShortfall = previousShortfall + r.newlyAttested - r.released;
        attestedRevenue = r.cumulative;
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
        if (newShortfall > previousShortfall) {
            emit ShortfallRecorded(epoch, newShortfall, newShortfall - previousShortfall);
        }
        emit EpochClosed(
            epoch,
            r.cumulative,
            r.newlyAttested,
            r.released,
            r.toHolders,
            r.protocolFee,
            r.operatorFee,
            r.toReserve,
            block.timestamp + cfg.epochLength
        );

        if (r.toHolders > 0) {
            IERC20(stablecoin()).safeTransfer(address(token), r.toHolders);
            token.notifyReward(r.toHolders, cfg.epochLength);
        }
    }

    /// @dev Reads and checks the feed, then splits `min(newly attested + shortfall, escrow)`. Fees and reserve
    ///      round down; holders get the remainder, so the split always sums to the release exactly.
    function _computeRelease(Config memory cfg) private view returns (Release memory r) {
        IClusterRoles roles = _roles();
        (address sequencerFeed, uint32 gracePeriod) = roles.sequencerUptime();
        OracleLib.checkSequencer(AggregatorV3Interface(sequencerFeed), gracePeriod);
        (r.cumulative,) = OracleLib.read(_revenueFeed, cfg.stablecoinDecimals);
        uint256 previous = attestedRevenue;
        if (r.cumulative < previous) revert RevenueDecreased(previous, r.cumulative);
        r.newlyAttested = r.cumulative - previous;
        if (r.newlyAttested > cfg.maxRevenuePerEpoch) {
            revert RevenueJumpTooLarge(r.newlyAttested, cfg.maxRevenuePerEpoch);
        }
        uint256 due = r.newlyAttested + shortfall;
        uint256 available = escrow;
        r.released = due < available ? due : available;
        (, uint16 protocolFeeBps) = roles.protocolFee();
        r.protocolFee = (r.released * protocolFeeBps) / BPS;
        r.operatorFee = (r.released * cfg.operatorFeeBps) / BPS;
        r.toReserve = (r.released * cfg.reserveBps) / BPS;
        r.toHolders = r.released - r.protocolFee - r.operatorFee - r.toReserve;
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
