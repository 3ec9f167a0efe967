// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AutomationCompatibleInterface} from
    "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {ITransferPolicy} from "../interfaces/ITransferPolicy.sol";
import {NavOracle} from "../oracles/NavOracle.sol";
import {CloneArgs} from "../libraries/CloneArgs.sol";
import {IClusterErrors} from "../interfaces/IClusterErrors.sol";
import {BPS, WAD} from "../libraries/Constants.sol";

/// @title RedemptionQueue
/// @notice Asynchronous redemption at NAV, ERC-7540 style: `requestRedeem` escrows shares (they stop earning; what
///         they earned before stays with the requester), each vault epoch `settle` prices the matured pending shares
///         at NAV minus the redemption fee and fills them from the reserve, `redeem` pays the filled ones. When the
///         reserve is short every request of an era is filled by the same fraction and the rest stays pending.
///         Pending shares can be taken back with `cancelRedeemRequest` (ERC-7887 spirit).
/// @dev O(1) in the number of requests, at most two eras filled per settlement. Rules:
///      - Maturity: a request made while the vault is in epoch `e` joins the *fresh* era of `e` and can only be
///        filled by a settlement that runs in a later epoch, so nothing requested in (or just before) the
///        settlement's own epoch takes reserve from requests that waited.
///      - Eras: the *head* era is being filled (possibly partly), a *matured* era waits behind it untouched, the
///        *fresh* era collects the current epoch's requests. When the fresh era matures it becomes the matured era,
///        or merges into it (both are untouched, one unit per share, so the merge is exact; the fresh era's id then
///        aliases the matured one). New requests never join an era a settlement touched, so a partial fill can
///        never inflate the price of units later requests pay (no jam by a dust remainder).
///      - Pending shares of a request are `units * remainingPerUnit / REMAINING_SCALE`; `remainingPerUnit` only
///        changes (downwards) at settlements, and stablecoin is spread per unit with an accumulator
///        (`assetsPerUnit`, Synthetix-style). Cancels remove exactly the canceller's pending shares and leave
///        both per-unit figures alone, so every view of a controller is unchanged by other users' actions.
///      - Rounding is floored against the requester. An era's escrow may exceed the sum of its requests' pending
///        shares by less than one share unit per request it ever held, plus one (the per-request floors and the
///        factor's): a full fill burns that dust with the era, and the last request to leave an era by cancel takes
///        it with its own pending shares, so no escrow is ever stranded. Any other cancel moves exactly the pending
///        shares the views credit.
///      - A controller holds one request at a time: more shares join it while it is in the fresh era; once it
///        matured, a new request waits until it is filled or cancelled (`RequestInProgress`), or uses another
///        controller. The requestId of ERC-7540 is the era the request joined.
///      EIP-1167 clone; immutable args `abi.encode(stablecoin, shareToken, factory, clusterId, vault, navOracle)`.
contract RedemptionQueue is Initializable, ReentrancyGuardTransient, AutomationCompatibleInterface, IClusterErrors {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Which eras are open, and the epoch clock that decides when the fresh one matures.
    struct Queue {
        uint32 freshEra; // the era new requests join
        uint32 freshEpoch; // the vault epoch the fresh era's requests were made in
        uint40 epochEndsAt; // the vault cannot close `freshEpoch` before this time, so no roll is due before it
        uint32 maturedEra; // untouched, waiting behind the head; 0 if none
        uint32 headEra; // being filled, possibly partly; 0 if none
    }

    /// @notice Escrowed totals of a matured or head era (the fresh era's are the escrow's remainder).
    struct EraShares {
        uint96 units;
        uint96 pending;
    }

    /// @notice An era as views report it.
    struct EraView {
        uint256 units;
        uint256 pending; // shares in escrow for it
        uint256 remainingPerUnit; // pending shares per unit, times REMAINING_SCALE
        uint256 assetsPerUnit; // stablecoin paid per unit, times ASSETS_PER_UNIT_SCALE
        uint256 aliasOf; // the matured era it merged into, or 0
        bool settled; // a settlement filled part of it
        bool finished; // filled completely
    }

    /// @notice One controller's request, as of its last sync.
    struct Position {
        uint32 era; // the requestId
        uint96 units;
        uint96 pendingAtSync;
        bool hasPaid; // _paidPerUnit holds a checkpoint
    }

    /// @notice Filled and not yet redeemed, per controller.
    struct Claimable {
        uint96 shares;
        uint160 assets;
    }

    /// @notice Settlement bookkeeping and parameters, one slot.
    struct Settings {
        uint32 lastSettledEpoch; // the vault epoch of the last settlement; the next needs a later one
        uint32 settlements;
        uint16 redemptionFeeBps;
        uint96 sharesFilled; // all shares ever filled (and burned)
    }
    /// @notice Upper bound on the redemption fee, which stays in the reserve for the remaining holders.
    uint16 public constant MAX_REDEMPTION_FEE_BPS = 1_000;
    uint256 private constant ASSETS_PER_UNIT_SCALE = 1e36;
    /// @dev Above any era's units (shares fit in 96 bits), so a non-empty era keeps `remainingPerUnit >= 1`.
    uint256 private constant REMAINING_SCALE = 1 << 96;

    // Packed words (each one SSTORE, see the pack/unpack helpers at the end), lowest bits first:
    // Queue: freshEra (32) | freshEpoch (32) | epochEndsAt (40) | maturedEra (32) | headEra (32).
    uint256 private constant QUEUE_FRESH_EPOCH_OFFSET = 32;
    uint256 private constant QUEUE_EPOCH_ENDS_AT_OFFSET = 64;
    uint256 private constant QUEUE_MATURED_ERA_OFFSET = 104;
    uint256 private constant QUEUE_HEAD_ERA_OFFSET = 136;
    // EraShares: units (96) | pending (96).
    uint256 private constant ERA_PENDING_OFFSET = 96;
    // Position: era (32) | units (96) | pendingAtSync (96) | hasPaid (1).
    uint256 private constant POSITION_UNITS_OFFSET = 32;
    uint256 private constant POSITION_PENDING_OFFSET = 128;
    uint256 private constant POSITION_HAS_PAID_OFFSET = 224;
    // Claimable: shares (96) | assets (160).
    uint256 private constant CLAIMABLE_ASSETS_OFFSET = 96;
    // Settlement word: assetsPerUnit (216) | alias (32) | ... | SETTLED (bit 254) | FINISHED (bit 255).
    uint256 private constant SETTLEMENT_ALIAS_OFFSET = 216;
    uint256 private constant SETTLEMENT_SETTLED_BIT = 254;
    uint256 private constant SETTLEMENT_FINISHED_BIT = 255;
    uint256 private constant FINISHED = 1 << SETTLEMENT_FINISHED_BIT;
    uint256 private constant SETTLED = 1 << SETTLEMENT_SETTLED_BIT;
    uint256 private constant PER_UNIT_MASK = (1 << SETTLEMENT_ALIAS_OFFSET) - 1;

    /// @dev Queue, EraShares, Position and Claimable are stored packed by hand (see the pack/unpack helpers) so
    ///      each is one SSTORE: requests and claims are measured against plain ERC-20 transfers.
    uint256 private _queueWord;
    Settings private _settings;
    /// @notice All stablecoin ever taken from the reserve to pay filled shares.
    uint256 public assetsFilled;
    /// @dev Per era: stablecoin per unit paid so far (times ASSETS_PER_UNIT_SCALE), the era it merged into, and
    ///      flags SETTLED (a settlement touched it) and FINISHED (filled completely). A position in an untouched or
    ///      finished era syncs from this word alone.
    mapping(uint256 era => uint256) private _settlementOf;
    /// @dev Per touched, unfinished era: its pending shares per unit, times REMAINING_SCALE.
    mapping(uint256 era => uint256) private _remainingPerUnit;
    mapping(uint256 era => uint256) private _eraSharesWords;
    mapping(address controller => uint256) private _positionWords;
    mapping(address controller => uint256) private _paidPerUnit;
    mapping(address controller => uint256) private _claimableWords;
    /// @notice Whether `operator` may request, cancel and redeem for `controller` (ERC-7540 operators).
    mapping(address controller => mapping(address operator => bool)) public isOperator;

    /// @notice ERC-7540: `owner`'s `shares` entered the queue for `controller` as request `requestId` (the era).
    event RedeemRequest(
        address indexed controller, address indexed owner, uint256 indexed requestId, address sender, uint256 shares
    );
    /// @notice The pending `shares` of `controller`'s request `requestId` went back to the controller.
    event CancelRedeemRequest(address indexed controller, uint256 indexed requestId, address sender, uint256 shares);
    /// @notice The fresh era `requestId` matured with `shares` (its epoch closed); `era` is the era its requests
    ///         now belong to: itself, or the matured era it merged into.
    event RedeemEraMatured(uint256 indexed requestId, uint256 indexed era, uint256 shares);
    /// @notice Settlement `settlementId` filled `sharesFilled` of era `requestId`'s pending shares at `pricePerShare`
    ///         (NAV minus fee, stablecoin units per whole share) for `assets`; `sharesPending` remain. Every request
    ///         in the era was filled by the same fraction: its pending shares are now `units * remainingPerUnit /
    ///         2^96` and it was paid `units * assetsPerUnit / 1e36` in all; `fullyFilled` closes the era.
    event RedeemSettled(
        uint256 indexed settlementId,
        uint256 indexed requestId,
        uint256 navPerShare,
        uint256 pricePerShare,
        uint256 sharesFilled,
        uint256 assets,
        uint256 sharesPending,
        bool fullyFilled,
        uint256 remainingPerUnit,
        uint256 assetsPerUnit
    );
    /// @notice The stablecoin charged a transfer fee: `to` received `received` of the `sent` reserve.
    event TransferFeeCharged(address indexed to, uint256 sent, uint256 received);
    /// @notice ERC-4626/7540: `sender` redeemed `shares` of `owner` (the controller) for `assets`, paid to `receiver`.
    event Withdraw(
        address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares
    );
    /// @notice ERC-7540: `controller` approved or revoked `operator`.
    event OperatorSet(address indexed controller, address indexed operator, bool approved);

    /// @notice `controller` has no pending shares in request `requestId` (filled, cancelled, or never made).
    error NothingPending(uint256 requestId, address controller);
    /// @notice `controller`'s request `requestId` has matured and is not filled yet: one request at a time.
    error RequestInProgress(uint256 requestId, address controller);
    /// @notice Only `claimable` shares are claimable.
    error ExceedsClaimable(uint256 shares, uint256 claimable);
    /// @notice One settlement per vault epoch: epoch `lastSettled` was settled and the vault is still in `current`.
    error SettlementNotDue(uint256 lastSettled, uint256 current);
    /// @notice No matured shares are pending.
    error NothingToSettle();
    /// @notice The reserve cannot pay even one share unit at this price.
    error ReserveTooSmall(uint256 reserve, uint256 pricePerShare);
    /// @notice NAV minus the redemption fee rounds to zero.
    error ZeroRedemptionPrice(uint256 navPerShare);
    /// @notice The transfer policy would not let the owner give shares to `controller`, who would get them back on
    ///         a cancel.
    error ControllerNotAllowed(address controller);

    constructor() {
        _disableInitializers();
    }

    /// @notice Wires a fresh clone. Called once by the factory.
    /// @param redemptionFeeBps Kept from every redemption for the remaining holders.
    function initialize(uint16 redemptionFeeBps) external initializer {
        if (redemptionFeeBps > MAX_REDEMPTION_FEE_BPS) revert InvalidParameter("redemptionFeeBps");
        IRevenueVault vault = _vault();
        uint32 epoch = vault.currentEpoch();
        _settings = Settings({
            lastSettledEpoch: epoch,
            settlements: 0,
            redemptionFeeBps: redemptionFeeBps,
            sharesFilled: 0
        });
        _storeQueue(
            Queue({
                freshEra: 1,
                freshEpoch: epoch,
                epochEndsAt: vault.epochEnd().toUint40(),
                maturedEra: 0,
                headEra: 0
            })
        );
    }

    // ---------------------------------------------------------------- ERC-7540 requests

    /// @notice Moves `shares` of `owner` into escrow as a redemption request controlled by `controller`.
    /// @dev The caller is `owner` or an operator `owner` approved. Escrowed shares stop earning at once. The request
    ///      joins the fresh era: it can be filled once the vault epoch it is made in has closed.
    /// @param shares Shares to redeem.
    /// @param controller Who may cancel and redeem the request.
    /// @param owner Whose shares are escrowed.
    /// @return requestId The era the request joined.
    function requestRedeem(uint256 shares, address controller, address owner)
        external
        nonReentrant
        returns (uint256 requestId)
    {
        if (shares == 0) revert ZeroAmount();
        if (controller == address(0)) revert ZeroAddress();
        if (owner != msg.sender && !isOperator[owner][msg.sender]) revert Unauthorized(msg.sender);
        // A cancel returns shares to the controller without asking the transfer policy (exits are never blocked),
        // so a request for someone else must be a transfer the policy would allow.
        if (controller != owner) _checkPolicy(owner, controller, shares);
        // The common case reads two words: no roll can be due before the cached epoch end.
        uint256 queueWord = _queueWord;
        requestId = block.timestamp < _epochEndsAtOf(queueWord) ? _freshEraOf(queueWord) : _roll().freshEra;
        uint256 positionWord = _positionWords[controller];
        uint256 held = _unitsOf(positionWord);
        if (held != 0 && _eraOf(positionWord) != requestId) {
            Position memory p = _unpackPosition(positionWord);
            _syncToClaimable(controller, p);
            if (p.units != 0) revert RequestInProgress(p.era, controller);
            held = 0;
        }
        // The fresh era is untouched: a unit is a share and no checkpoint exists, so the position is just its size.
        // (An oversized `shares` cannot wrap: the cast reverts, and moving it into escrow would revert too.)
        uint96 units = (held + shares).toUint96();
        _storePosition(controller, Position({era: uint32(requestId), units: units, pendingAtSync: units, hasPaid: false}));
        emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
        _shareToken().moveToEscrow(owner, shares);
    }

    /// @notice Returns the pending shares of request `requestId` to `controller`. Only while some are pending.
    /// @dev Whatever was filled before stays claimable. Exactly the pending shares the views report are returned,
    ///      except that the last request to leave a matured or head era also takes the era's rounding dust (under
    ///      one share unit per request it held, plus one), which nobody else is credited for; no other request's
    ///      figures change.
    /// @param requestId The request's era.
    /// @param controller The request's controller.
    /// @return shares Shares sent back to `controller`.
    function cancelRedeemRequest(uint256 requestId, address controller) external nonReentrant returns (uint256 shares) {
        _onlyControllerOrOperator(controller);
        Queue memory q = _roll();
        Position memory p = _loadPosition(controller);
        _syncToClaimable(controller, p);
        shares = p.pendingAtSync;
        if (p.era != requestId || p.units == 0 || shares == 0) revert NothingPending(requestId, controller);
        (uint256 era,) = _resolve(p.era);
        if (era == q.headEra || era == q.maturedEra) {
            EraShares memory totals = _loadEraShares(era);
            totals.units -= p.units;
            totals.pending -= uint96(shares);
            if (totals.units == 0) {
                // Emptied: the last request out takes what the floors of its requests' pending shares left, so
                // nothing stays in escrow owned by nobody.
                shares += totals.pending;
                totals.pending = 0;
                if (era == q.headEra) q.headEra = 0;
                else q.maturedEra = 0;
                _storeQueue(q);
            }
            _storeEraShares(era, totals);
        } // else the fresh era, whose totals are what escrow holds beyond the other eras'
        p.units = 0;
        p.pendingAtSync = 0;
        _clearPaid(controller, p);
        _storePosition(controller, p);
        emit CancelRedeemRequest(controller, requestId, msg.sender, shares);
        IERC20(address(_shareToken())).safeTransfer(controller, shares);
    }

    /// @notice Pays `receiver` the stablecoin for `shares` of `controller`'s filled (claimable) shares.
    /// @param shares Claimable shares to redeem.
    /// @param receiver Who receives the stablecoin.
    /// @param controller Whose claimable shares are redeemed.
    /// @return assets Stablecoin paid: pro rata of what the claimable shares were filled for, everything when
    ///         `shares` is all of them.
    function redeem(uint256 shares, address receiver, address controller) external nonReentrant returns (uint256 assets) {
        if (shares == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        _onlyControllerOrOperator(controller);
        uint256 positionWord = _positionWords[controller];
        Position memory p = _unpackPosition(positionWord);
        (uint256 filled, uint256 gained) = _sync(controller, p);
        if (_packPosition(p) != positionWord) _storePosition(controller, p);
        Claimable memory c = _plus(_loadClaimable(controller), filled, gained);
        if (shares > c.shares) revert ExceedsClaimable(shares, c.shares);
        assets = shares == c.shares ? c.assets : (uint256(c.assets) * shares) / c.shares;
        c.shares -= uint96(shares);
        c.assets -= uint160(assets);
        _storeClaimable(controller, c);
        emit Withdraw(msg.sender, receiver, controller, assets, shares);
        if (assets > 0) IERC20(asset()).safeTransfer(receiver, assets);
    }

    /// @notice ERC-7540: approves or revokes `operator` to act for the caller.
    /// @param operator The operator.
    /// @param approved Whether it may act for the caller.
    /// @return Always true.
    function setOperator(address operator, bool approved) external returns (bool) {
        if (operator == address(0)) revert ZeroAddress();
        isOperator[msg.sender][operator] = approved;
        emit OperatorSet(msg.sender, operator, approved);
        return true;
    }

    /// @notice ERC-7540: shares of `controller`'s request `requestId` still waiting for a settlement.
    /// @param requestId The request's era.
    /// @param controller The request's controller.
    /// @return shares Pending shares; only settlements and the controller's own actions change them.
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares) {
        Position memory p = _loadPosition(controller);
        if (p.era != requestId || p.units == 0) return 0;
        return _progress(controller, p).pendingNow;
    }

    /// @notice ERC-7540: filled shares of `controller` waiting for `redeem`. Claimable shares are aggregated per
    ///         controller (as `redeem` takes them), so any requestId up to the controller's latest reports them all.
    /// @param requestId Any of the controller's requests up to the latest.
    /// @param controller The controller.
    /// @return shares Claimable shares; only settlements and the controller's own actions change them.
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares) {
        if (requestId > _loadPosition(controller).era) return 0;
        (shares,) = claimable(controller);
    }

    /// @notice Filled shares of `controller` and the stablecoin they were filled for, not yet redeemed.
    /// @param controller The controller.
    /// @return shares Claimable shares.
    /// @return assets Stablecoin `redeem` pays for all of them.
    function claimable(address controller) public view returns (uint256 shares, uint256 assets) {
        Position memory p = _loadPosition(controller);
        Claimable memory c = _loadClaimable(controller);
        if (p.units == 0) return (c.shares, c.assets);
        Progress memory progress = _progress(controller, p);
        return (c.shares + progress.filled, c.assets + progress.gained);
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Fills matured pending shares at NAV minus the redemption fee from the reserve, the head era first and
    ///         then the matured era behind it, pro rata within an era when the reserve is short, and burns them.
    ///         Anyone may call, once per vault epoch, after the epoch closed; not while paused.
    /// @return sharesFilled Shares filled and burned.
    /// @return assets Stablecoin set aside for them.
    function settle() public nonReentrant returns (uint256 sharesFilled, uint256 assets) {
        Plan memory plan = _planSettlement();
        _applyMaturation(plan.maturation);
        Settings memory settings = _settings;
        settings.lastSettledEpoch = plan.epoch;
        settings.settlements += 1;
        settings.sharesFilled += uint96(plan.sharesFilled);
        _settings = settings;
        // Measured (every entry point is nonReentrant, so nothing runs between the transfer and the booking): if
        // the stablecoin took a fee, each filled era is credited its share of what arrived, so the loss is borne
        // pro rata and no redeem can find the queue short.
        uint256 received = plan.assets == 0 ? 0 : _withdrawReserve(plan.assets);
        if (received != plan.assets) {
            _bookAssets(plan.head, Math.mulDiv(plan.head.assets, received, plan.assets));
            _bookAssets(plan.next, received - plan.head.assets);
        }
        assetsFilled += received;
        _storeQueue(plan.queue);
        _applyFill(plan, plan.head, settings.settlements);
        _applyFill(plan, plan.next, settings.settlements);
        (sharesFilled, assets) = (plan.sharesFilled, received);
        _shareToken().burn(address(this), sharesFilled);
    }

    /// @notice What `settle` would fill now, computed by the same code; reverts with the error `settle` would.
    /// @return sharesFilled Shares `settle` would fill and burn.
    /// @return assets Stablecoin it would take from the reserve.
    function previewSettle() external view returns (uint256 sharesFilled, uint256 assets) {
        Plan memory plan = _planSettlement();
        return (plan.sharesFilled, plan.assets);
    }

    /// @notice Chainlink Automation: exactly when `settle` would succeed.
    /// @return upkeepNeeded Whether `performUpkeep` would settle.
    /// @return performData Empty.
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        try this.previewSettle() returns (uint256 sharesFilled, uint256) {
            upkeepNeeded = sharesFilled > 0;
        } catch {
            upkeepNeeded = false;
        }
        performData = "";
    }

    /// @notice Chainlink Automation: settles (revalidating everything `settle` checks).
    function performUpkeep(bytes calldata) external {
        settle();
    }

    // ---------------------------------------------------------------- views

    /// @notice The open eras as the next action will find them (a due maturation included).
    /// @return q Era ids and the fresh era's epoch clock.
    /// @return freshPending Shares requested in the fresh era.
    /// @return maturedPending Shares of the matured era.
    /// @return headPending Shares still pending in the head era.
    function queueState()
        external
        view
        returns (Queue memory q, uint256 freshPending, uint256 maturedPending, uint256 headPending)
    {
        q = _loadQueue();
        if (block.timestamp >= q.epochEndsAt) _rolled(q, _vault().currentEpoch());
        maturedPending = _maturedPending(q);
        headPending = q.headEra == 0 ? 0 : _loadEraShares(q.headEra).pending;
        freshPending = _shareToken().balanceOf(address(this)) - maturedPending - headPending;
    }

    /// @notice Era `id` as last stored (a fresh era's units and pending shares are in `queueState`).
    /// @param id The era (a requestId).
    /// @return era Its totals, per-unit figures, alias and flags.
    function eraOf(uint256 id) external view returns (EraView memory era) {
        uint256 settlement = _settlementOf[id];
        EraShares memory totals = _loadEraShares(id);
        era.units = totals.units;
        era.pending = totals.pending;
        era.settled = settlement & SETTLED != 0;
        era.finished = settlement & FINISHED != 0;
        era.remainingPerUnit = era.finished ? 0 : era.settled ? _remainingPerUnit[id] : REMAINING_SCALE;
        era.assetsPerUnit = settlement & PER_UNIT_MASK;
        era.aliasOf = _aliasOf(settlement);
    }

    /// @notice Settlement bookkeeping and parameters.
    /// @return The settings word.
    function settings() external view returns (Settings memory) {
        return _settings;
    }


    /// @notice ERC-7540: the share token.
    /// @return The share token's address.
    function share() external view returns (address) {
        return address(_shareToken());
    }

    /// @notice ERC-7540: the stablecoin redemptions are paid in.
    /// @return The stablecoin's address.
    function asset() public view returns (address) {
        return CloneArgs.addressAt(0);
    }

    // ---------------------------------------------------------------- internals: eras

    /// @dev The fresh era `era` matured with `shares` into `into` (itself, or the matured era it merges into).
    struct Maturation {
        uint32 era; // 0: nothing matured
        uint32 into;
        uint96 shares;
    }

    /// @dev What a settlement does to one era.
    struct Fill {
        uint32 era; // 0: not filled
        uint96 units;
        uint96 pendingAfter;
        uint256 shares;
        uint256 assets;
        bool full;
        uint256 remainingPerUnit;
        uint256 assetsPerUnit;
        uint256 paidPerUnitBefore; // the era's accumulator before this fill
    }

    /// @dev Credits `assets` to fill `f`, spread over its era's units.
    function _bookAssets(Fill memory f, uint256 assets) private pure {
        if (f.era == 0) return;
        f.assets = assets;
        f.assetsPerUnit = f.paidPerUnitBefore + Math.mulDiv(assets, ASSETS_PER_UNIT_SCALE, f.units);
    }

    /// @dev Takes `amount` of reserve from the vault; returns what arrived.
    function _withdrawReserve(uint256 amount) private returns (uint256 received) {
        IERC20 stable = IERC20(asset());
        uint256 before = stable.balanceOf(address(this));
        _vault().withdrawReserve(amount);
        received = stable.balanceOf(address(this)) - before;
        if (received != amount) emit TransferFeeCharged(address(this), amount, received);
    }

    /// @dev Reverts unless the share token's transfer policy (if any) allows `from` to give `to` these shares.
    function _checkPolicy(address from, address to, uint256 shares) private view {
        ITransferPolicy policy = _shareToken().transferPolicy();
        if (address(policy) != address(0) && !policy.canTransfer(from, to, shares)) {
            revert ControllerNotAllowed(to);
        }
    }

    /// @dev A settlement, computed before anything is written (by `settle` and `previewSettle` alike).
    struct Plan {
        Queue queue; // as after the settlement
        Maturation maturation;
        uint32 epoch;
        uint256 navPerShare;
        uint256 price;
        Fill head;
        Fill next;
        uint256 sharesFilled;
        uint256 assets;
    }

    /// @dev Matures the fresh era if its epoch closed: only possible once `epochEndsAt` passed, so requests in the
    ///      middle of an epoch read no vault state.
    function _roll() private returns (Queue memory q) {
        q = _loadQueue();
        if (block.timestamp < q.epochEndsAt) return q;
        uint32 epoch = _vault().currentEpoch();
        if (epoch <= q.freshEpoch) return q; // the epoch ended but nobody closed it yet
        _applyMaturation(_rolled(q, epoch));
        _storeQueue(q);
    }

    /// @dev `q` (in memory) as of vault epoch `epoch`: if the fresh era's epoch closed, the fresh era matures and the
    ///      next id becomes fresh. An empty fresh era keeps its id.
    function _rolled(Queue memory q, uint256 epoch) private view returns (Maturation memory m) {
        if (epoch <= q.freshEpoch) return m;
        uint256 shares = _shareToken().balanceOf(address(this)) - _maturedPending(q)
            - (q.headEra == 0 ? 0 : _loadEraShares(q.headEra).pending);
        if (shares != 0) {
            m = Maturation({era: q.freshEra, into: q.maturedEra == 0 ? q.freshEra : q.maturedEra, shares: uint96(shares)});
            q.maturedEra = m.into;
            q.freshEra += 1;
        }
        q.freshEpoch = uint32(epoch);
        q.epochEndsAt = _vault().epochEnd().toUint40();
    }

    function _applyMaturation(Maturation memory m) private {
        if (m.era == 0) return;
        // Both untouched, so a unit is a share in each and adding them is exact.
        EraShares memory totals = m.into == m.era ? EraShares(0, 0) : _loadEraShares(m.into);
        totals.units += m.shares;
        totals.pending += m.shares;
        _storeEraShares(m.into, totals);
        if (m.into != m.era) _settlementOf[m.era] = uint256(m.into) << SETTLEMENT_ALIAS_OFFSET;
        emit RedeemEraMatured(m.era, m.into, m.shares);
    }

    /// @dev The matured era's shares (it is untouched, so pending equals units).
    function _maturedPending(Queue memory q) private view returns (uint256) {
        return q.maturedEra == 0 ? 0 : _loadEraShares(q.maturedEra).pending;
    }

    function _planSettlement() private view returns (Plan memory plan) {
        IShareToken token = _shareToken();
        if (token.paused()) revert EnforcedPause();
        IRevenueVault vault = _vault();
        Settings memory settings = _settings;
        plan.epoch = vault.currentEpoch();
        if (plan.epoch <= settings.lastSettledEpoch) revert SettlementNotDue(settings.lastSettledEpoch, plan.epoch);
        Queue memory q = _loadQueue();
        plan.maturation = _rolled(q, plan.epoch);
        if (q.headEra == 0) (q.headEra, q.maturedEra) = (q.maturedEra, 0);
        if (q.headEra == 0) revert NothingToSettle();
        (plan.navPerShare, plan.price) = _price(settings);
        uint256 available = vault.reserve();
        plan.head = _fill(q.headEra, _sharesAfter(q.headEra, plan.maturation), available, plan.price);
        if (plan.head.shares == 0) revert ReserveTooSmall(available, plan.price);
        if (plan.head.full) {
            q.headEra = 0;
            if (q.maturedEra != 0) {
                plan.next = _fill(q.maturedEra, _sharesAfter(q.maturedEra, plan.maturation), available - plan.head.assets, plan.price);
                if (plan.next.shares != 0) (q.headEra, q.maturedEra) = (plan.next.full ? 0 : q.maturedEra, 0);
            }
        }
        plan.queue = q;
        plan.sharesFilled = plan.head.shares + plan.next.shares;
        plan.assets = plan.head.assets + plan.next.assets;
    }

    /// @dev An open era's totals, with a maturation not yet stored added in.
    function _sharesAfter(uint32 era, Maturation memory m) private view returns (EraShares memory totals) {
        if (m.era != era) totals = _loadEraShares(era);
        if (m.into == era) {
            totals.units += m.shares;
            totals.pending += m.shares;
        }
    }

    /// @dev Fills `era` as far as `available` stablecoin goes at `price` per whole share (units is never zero here).
    function _fill(uint32 era, EraShares memory totals, uint256 available, uint256 price)
        private
        view
        returns (Fill memory f)
    {
        f.full = available >= Math.mulDiv(totals.pending, price, WAD, Math.Rounding.Ceil);
        f.shares = f.full ? totals.pending : (available * WAD) / price;
        if (f.shares == 0) return f;
        f.era = era;
        f.units = totals.units;
        f.pendingAfter = uint96(totals.pending - f.shares);
        uint256 settlement = _settlementOf[era];
        f.paidPerUnitBefore = settlement & PER_UNIT_MASK;
        _bookAssets(f, (f.shares * price) / WAD);
        if (!f.full) {
            // Never up: a request's pending shares only shrink, so what it was shown as filled stays filled.
            uint256 before = settlement & SETTLED != 0 ? _remainingPerUnit[era] : REMAINING_SCALE;
            f.remainingPerUnit = Math.min(before, Math.mulDiv(f.pendingAfter, REMAINING_SCALE, totals.units));
        }
    }

    function _applyFill(Plan memory plan, Fill memory f, uint256 settlementId) private {
        if (f.era == 0) return;
        _settlementOf[f.era] = uint256(f.assetsPerUnit.toUint216()) | SETTLED | (f.full ? FINISHED : 0);
        if (f.full) {
            delete _remainingPerUnit[f.era];
            delete _eraSharesWords[f.era];
        } else {
            _remainingPerUnit[f.era] = f.remainingPerUnit;
            _storeEraShares(f.era, EraShares(f.units, f.pendingAfter));
        }
        emit RedeemSettled(
            settlementId,
            f.era,
            plan.navPerShare,
            plan.price,
            f.shares,
            f.assets,
            f.pendingAfter,
            f.full,
            f.remainingPerUnit,
            f.assetsPerUnit
        );
    }

    /// @dev The era whose settlements decide request `era`'s fate (itself or the era it merged into) and its word.
    function _resolve(uint256 era) private view returns (uint256 resolved, uint256 settlement) {
        settlement = _settlementOf[era];
        uint256 target = _aliasOf(settlement);
        if (target == 0) return (era, settlement);
        return (target, _settlementOf[target]);
    }

    function _aliasOf(uint256 settlement) private pure returns (uint256) {
        return uint32(settlement >> SETTLEMENT_ALIAS_OFFSET);
    }

    // ---------------------------------------------------------------- internals: positions

    /// @dev What settlements did to a position since its last sync.
    struct Progress {
        uint256 pendingNow;
        uint256 filled; // shares
        uint256 gained; // stablecoin for them
        uint256 perUnit; // the era's accumulator now
        uint256 paid; // the position's checkpoint
        bool finished; // the era was filled completely
    }

    /// @dev Brings `p` (in memory; the caller stores it) up to date and checkpoints its accumulator.
    /// @return filled Shares that settlements filled since the last sync.
    /// @return gained The stablecoin for them.
    function _sync(address controller, Position memory p) private returns (uint256 filled, uint256 gained) {
        if (p.units == 0) return (0, 0);
        Progress memory progress = _progress(controller, p);
        p.pendingAtSync = uint96(progress.pendingNow);
        if (progress.finished) {
            p.units = 0;
            _clearPaid(controller, p);
        } else if (progress.paid != progress.perUnit) {
            _paidPerUnit[controller] = progress.perUnit;
            p.hasPaid = true;
        }
        return (progress.filled, progress.gained);
    }

    /// @dev `_sync`, adding what was filled to the controller's claimable balance in storage.
    function _syncToClaimable(address controller, Position memory p) private {
        (uint256 filled, uint256 gained) = _sync(controller, p);
        if (filled != 0 || gained != 0) _storeClaimable(controller, _plus(_loadClaimable(controller), filled, gained));
    }

    /// @dev Reads only the era's settlement word (and its alias's) unless the era is partly filled. Depends on the
    ///      position and per-unit figures alone, which only settlements move: stable under others' actions.
    function _progress(address controller, Position memory p) private view returns (Progress memory r) {
        r.pendingNow = p.pendingAtSync;
        (uint256 era, uint256 settlement) = _resolve(p.era);
        if (settlement & SETTLED == 0) return r;
        r.finished = settlement & FINISHED != 0;
        r.pendingNow = r.finished ? 0 : (uint256(p.units) * _remainingPerUnit[era]) / REMAINING_SCALE;
        r.filled = p.pendingAtSync - r.pendingNow;
        r.perUnit = settlement & PER_UNIT_MASK;
        r.paid = p.hasPaid ? _paidPerUnit[controller] : 0;
        r.gained = Math.mulDiv(p.units, r.perUnit - r.paid, ASSETS_PER_UNIT_SCALE);
    }

    function _clearPaid(address controller, Position memory p) private {
        if (!p.hasPaid) return;
        delete _paidPerUnit[controller];
        p.hasPaid = false;
    }

    function _plus(Claimable memory c, uint256 shares, uint256 assets) private pure returns (Claimable memory) {
        c.shares = (c.shares + shares).toUint96();
        c.assets = (c.assets + assets).toUint160();
        return c;
    }

    // ---------------------------------------------------------------- internals: packing
    // Layouts and offsets: see the constants at the top.

    function _loadQueue() private view returns (Queue memory) {
        uint256 word = _queueWord;
        return Queue(
            _freshEraOf(word),
            uint32(word >> QUEUE_FRESH_EPOCH_OFFSET),
            uint40(_epochEndsAtOf(word)),
            uint32(word >> QUEUE_MATURED_ERA_OFFSET),
            uint32(word >> QUEUE_HEAD_ERA_OFFSET)
        );
    }

    function _freshEraOf(uint256 queueWord) private pure returns (uint32) {
        return uint32(queueWord);
    }

    function _epochEndsAtOf(uint256 queueWord) private pure returns (uint256) {
        return uint40(queueWord >> QUEUE_EPOCH_ENDS_AT_OFFSET);
    }

    function _storeQueue(Queue memory q) private {
        _queueWord = uint256(q.freshEra) | (uint256(q.freshEpoch) << QUEUE_FRESH_EPOCH_OFFSET)
            | (uint256(q.epochEndsAt) << QUEUE_EPOCH_ENDS_AT_OFFSET) | (uint256(q.maturedEra) << QUEUE_MATURED_ERA_OFFSET)
            | (uint256(q.headEra) << QUEUE_HEAD_ERA_OFFSET);
    }

    function _loadEraShares(uint256 era) private view returns (EraShares memory) {
        uint256 word = _eraSharesWords[era];
        return EraShares(uint96(word), uint96(word >> ERA_PENDING_OFFSET));
    }

    function _storeEraShares(uint256 era, EraShares memory totals) private {
        _eraSharesWords[era] = uint256(totals.units) | (uint256(totals.pending) << ERA_PENDING_OFFSET);
    }

    function _loadPosition(address controller) private view returns (Position memory) {
        return _unpackPosition(_positionWords[controller]);
    }

    function _storePosition(address controller, Position memory p) private {
        _positionWords[controller] = _packPosition(p);
    }

    function _unpackPosition(uint256 word) private pure returns (Position memory) {
        return Position(
            _eraOf(word), _unitsOf(word), uint96(word >> POSITION_PENDING_OFFSET), word >> POSITION_HAS_PAID_OFFSET != 0
        );
    }

    function _eraOf(uint256 positionWord) private pure returns (uint32) {
        return uint32(positionWord);
    }

    function _unitsOf(uint256 positionWord) private pure returns (uint96) {
        return uint96(positionWord >> POSITION_UNITS_OFFSET);
    }

    function _packPosition(Position memory p) private pure returns (uint256) {
        return uint256(p.era) | (uint256(p.units) << POSITION_UNITS_OFFSET)
            | (uint256(p.pendingAtSync) << POSITION_PENDING_OFFSET) | (p.hasPaid ? 1 << POSITION_HAS_PAID_OFFSET : 0);
    }

    function _loadClaimable(address controller) private view returns (Claimable memory) {
        uint256 word = _claimableWords[controller];
        return Claimable(uint96(word), uint160(word >> CLAIMABLE_ASSETS_OFFSET));
    }

    function _storeClaimable(address controller, Claimable memory c) private {
        _claimableWords[controller] = uint256(c.shares) | (uint256(c.assets) << CLAIMABLE_ASSETS_OFFSET);
    }

    /// @dev The NAV now (the NAV oracle's live book value per share: what an escrowed share owns, the stream it
    ///      no longer earns left out; the sequencer checked), never a published round, so neither the caller nor the
    ///      order of keepers chooses the price; and the price per whole share after the fee. Refused while the
    ///      attested rent in escrow cannot be valued, since the price would leave out its reserve slice.
    function _price(Settings memory settings) private view returns (uint256 navPerShare, uint256 price) {
        navPerShare = NavOracle(CloneArgs.addressAt(5)).quote().navPerShare;
        price = (navPerShare * (BPS - settings.redemptionFeeBps)) / BPS;
        if (price == 0) revert ZeroRedemptionPrice(navPerShare);
    }

    function _onlyControllerOrOperator(address controller) private view {
        if (controller != msg.sender && !isOperator[controller][msg.sender]) revert Unauthorized(msg.sender);
    }

    function _shareToken() private view returns (IShareToken) {
        return IShareToken(CloneArgs.addressAt(1));
    }

    function _vault() private view returns (IRevenueVault) {
        return IRevenueVault(CloneArgs.addressAt(4));
    }
}
