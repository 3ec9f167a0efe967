// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {AutomationCompatibleInterface} from
    "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {IClusterRoles} from "../interfaces/IClusterRoles.sol";
import {OracleLib} from "../libraries/OracleLib.sol";
import {CloneArgs} from "../libraries/CloneArgs.sol";

/// @title RedemptionQueue
/// @notice Asynchronous redemption at NAV, ERC-7540 style: `requestRedeem` escrows shares (they stop earning; what
///         they earned before stays with the requester), each vault epoch `settle` prices the pending shares at NAV
///         minus the redemption fee and fills them from the reserve, `redeem` pays the filled ones. When the reserve
///         is short every pending request is filled by the same fraction and the rest stays pending. Pending shares
///         can be taken back with `cancelRedeemRequest` (ERC-7887 spirit).
/// @dev O(1) in the number of requests. Requests join the current *era*, a pool of pending shares in which every
///      request owns `units`: its pending shares are `units * pending / totalUnits`, so a partial fill that burns
///      a fraction of the pool fills every request by that same fraction at once, and the stablecoin it pays is
///      spread per unit with an accumulator (`assetsPerUnit`, Synthetix-style). A full fill closes the era; the
///      next request opens a new one. The requestId of ERC-7540 is the era: requests a controller makes in the
///      same era are aggregated (they are filled identically), claimable shares are aggregated per controller.
///      Rounding: units, pending shares and assets are all floored against the requester; the shares a rounding
///      leaves in an era go to the last request out, so escrow never keeps shares nobody owns. Stablecoin dust is
///      below one unit per claim and stays in the queue.
///      EIP-1167 clone; immutable args `abi.encode(stablecoin, shareToken, factory, clusterId, vault, navOracle)`.
contract RedemptionQueue is Initializable, ReentrancyGuardTransient, AutomationCompatibleInterface {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice The era new requests join. While no settlement has filled part of it, every request owns one unit
    ///         per share and its pending shares are the escrow's balance, so requests need not write it; the first
    ///         partial fill makes `units` and `pending` explicit.
    struct Era {
        uint32 id;
        uint120 units;
        uint96 pending; // shares in escrow for this era
        bool partiallyFilled; // units and pending are stored; assetsPerUnit may be non-zero
    }

    /// @notice One controller's request in its era, as of its last sync.
    struct Position {
        uint32 era;
        uint120 units;
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
        uint8 stablecoinDecimals;
        uint96 sharesFilled; // all shares ever filled (and burned)
    }

    uint256 public constant BPS = 10_000;
    /// @notice Upper bound on the redemption fee, which stays in the reserve for the remaining holders.
    uint16 public constant MAX_REDEMPTION_FEE_BPS = 1_000;
    uint256 private constant ASSETS_PER_UNIT_SCALE = 1e36;
    uint256 private constant FINISHED = 1 << 255;
    uint256 private constant SETTLED = 1 << 254;
    uint256 private constant PER_UNIT_MASK = SETTLED - 1;

    /// @dev Era, Position and Claimable are stored packed by hand (see the `_load`/`_store` helpers) so each is
    ///      one SSTORE: requests and claims are measured against plain ERC-20 transfers.
    uint256 private _eraWord;
    Settings private _settings;
    OracleLib.Feed private _nav;
    /// @notice All stablecoin ever taken from the reserve to pay filled shares.
    uint256 public assetsFilled;
    /// @dev Per era: stablecoin per unit paid so far (times ASSETS_PER_UNIT_SCALE), flagged SETTLED once any
    ///      settlement touched it and FINISHED once filled completely. A position syncs from this word alone.
    mapping(uint256 era => uint256) private _settlementOf;
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
    /// @notice Settlement `settlementId` filled `sharesFilled` of era `requestId`'s pending shares at `pricePerShare`
    ///         (NAV minus fee, stablecoin units per whole share) for `assets`; `sharesPending` remain. Every request
    ///         in the era was filled by the same fraction; `fullyFilled` closes the era.
    event RedeemSettled(
        uint256 indexed settlementId,
        uint256 indexed requestId,
        uint256 navPerShare,
        uint256 pricePerShare,
        uint256 sharesFilled,
        uint256 assets,
        uint256 sharesPending,
        bool fullyFilled
    );
    /// @notice ERC-4626/7540: `sender` redeemed `shares` of `owner` (the controller) for `assets`, paid to `receiver`.
    event Withdraw(
        address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares
    );
    /// @notice ERC-7540: `controller` approved or revoked `operator`.
    event OperatorSet(address indexed controller, address indexed operator, bool approved);

    /// @notice The amount must be positive.
    error ZeroAmount();
    /// @notice The address must not be zero.
    error ZeroAddress();
    /// @notice The caller is neither the owner/controller nor its approved operator.
    error Unauthorized(address caller);
    /// @notice `controller` has no pending shares in request `requestId` (filled, cancelled, or never made).
    error NothingPending(uint256 requestId, address controller);
    /// @notice Only `claimable` shares are claimable.
    error ExceedsClaimable(uint256 shares, uint256 claimable);
    /// @notice So few shares that they would own no unit of the era.
    error AmountTooSmall(uint256 shares);
    /// @notice One settlement per vault epoch: epoch `lastSettled` was settled and the vault is still in `current`.
    error SettlementNotDue(uint256 lastSettled, uint256 current);
    /// @notice No shares are pending.
    error NothingToSettle();
    /// @notice The reserve cannot pay even one share unit at this price.
    error ReserveTooSmall(uint256 reserve, uint256 pricePerShare);
    /// @notice NAV minus the redemption fee rounds to zero.
    error ZeroRedemptionPrice(uint256 navPerShare);
    /// @notice The guardian paused the cluster.
    error EnforcedPause();
    /// @notice A launch parameter is outside its allowed range.
    error InvalidParameter(string name);

    constructor() {
        _disableInitializers();
    }

    /// @notice Wires a fresh clone. Called once by the factory, after the NAV oracle is initialised.
    /// @param redemptionFeeBps Kept from every redemption for the remaining holders.
    /// @param navHeartbeat How old a NAV round settlement accepts.
    function initialize(uint16 redemptionFeeBps, uint32 navHeartbeat) external initializer {
        if (redemptionFeeBps > MAX_REDEMPTION_FEE_BPS) revert InvalidParameter("redemptionFeeBps");
        _nav = OracleLib.register(AggregatorV3Interface(CloneArgs.addressAt(5)), navHeartbeat);
        _settings = Settings({
            lastSettledEpoch: _vault().currentEpoch(),
            settlements: 0,
            redemptionFeeBps: redemptionFeeBps,
            stablecoinDecimals: IERC20Metadata(asset()).decimals(),
            sharesFilled: 0
        });
        _storeEra(Era({id: 1, units: 0, pending: 0, partiallyFilled: false}));
    }

    // ---------------------------------------------------------------- ERC-7540 requests

    /// @notice Moves `shares` of `owner` into escrow as a redemption request controlled by `controller`.
    /// @dev The caller is `owner` or an operator `owner` approved. Escrowed shares stop earning at once.
    /// @return requestId The era the request joined.
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId) {
        if (shares == 0) revert ZeroAmount();
        if (controller == address(0)) revert ZeroAddress();
        if (owner != msg.sender && !isOperator[owner][msg.sender]) revert Unauthorized(msg.sender);
        uint256 eraWord = _eraWord;
        uint256 positionWord = _positionWords[controller];
        uint256 heldUnits = uint120(positionWord >> 32);
        if (eraWord >> 248 == 0 && (heldUnits == 0 || uint32(positionWord) == uint32(eraWord))) {
            // The common case, the general path below specialised: no settlement touched the era yet, so a unit
            // is a share, and the position is empty or already in this era, so there is nothing to sync. (An
            // oversized `shares` cannot wrap here: moving it into escrow reverts first.)
            requestId = uint32(eraWord);
            uint256 units = heldUnits + shares;
            _positionWords[controller] = _pack(uint32(requestId), uint120(units), uint96(units), false);
            emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
            _shareToken().moveToEscrow(owner, shares);
            return requestId;
        }
        Era memory era = _unpackEra(eraWord);
        Position memory p = _unpackPosition(positionWord);
        _syncToClaimable(controller, p);
        uint256 units = shares;
        if (era.partiallyFilled) {
            if (era.units != 0) units = (shares * era.units) / era.pending;
            if (units == 0) revert AmountTooSmall(shares);
            era.units = (era.units + units).toUint120();
            era.pending = (era.pending + shares).toUint96();
            _storeEra(era);
        }
        if (p.units == 0) {
            p.era = era.id;
            if (era.partiallyFilled) {
                _paidPerUnit[controller] = _settlementOf[era.id] & PER_UNIT_MASK;
                p.hasPaid = true;
            }
        }
        p.units = (p.units + units).toUint120();
        p.pendingAtSync = uint96(era.partiallyFilled ? (uint256(p.units) * era.pending) / era.units : p.units);
        _storePosition(controller, p);
        emit RedeemRequest(controller, owner, era.id, msg.sender, shares);
        _shareToken().moveToEscrow(owner, shares);
        return era.id;
    }

    /// @notice Returns the pending shares of request `requestId` to `controller`. Only while some are pending.
    /// @dev Whatever was filled before stays claimable.
    function cancelRedeemRequest(uint256 requestId, address controller) external returns (uint256 shares) {
        _onlyControllerOrOperator(controller);
        Era memory era = _loadEra();
        Position memory p = _loadPosition(controller);
        _syncToClaimable(controller, p);
        shares = p.pendingAtSync;
        if (p.era != requestId || p.era != era.id || shares == 0) revert NothingPending(requestId, controller);
        if (era.partiallyFilled) {
            era.units -= p.units;
            era.pending -= uint96(shares);
            if (era.units == 0) {
                // Last request out takes the shares rounding left in the era.
                shares += era.pending;
                era.pending = 0;
            }
            _storeEra(era);
        }
        p.units = 0;
        p.pendingAtSync = 0;
        _clearPaid(controller, p);
        _storePosition(controller, p);
        emit CancelRedeemRequest(controller, requestId, msg.sender, shares);
        IERC20(address(_shareToken())).safeTransfer(controller, shares);
    }

    /// @notice Pays `receiver` the stablecoin for `shares` of `controller`'s filled (claimable) shares.
    /// @return assets Stablecoin paid: pro rata of what the claimable shares were filled for, everything when
    ///         `shares` is all of them.
    function redeem(uint256 shares, address receiver, address controller) external returns (uint256 assets) {
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
    function setOperator(address operator, bool approved) external returns (bool) {
        if (operator == address(0)) revert ZeroAddress();
        isOperator[msg.sender][operator] = approved;
        emit OperatorSet(msg.sender, operator, approved);
        return true;
    }

    /// @notice ERC-7540: shares of `controller`'s request `requestId` still waiting for a settlement.
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares) {
        Position memory p = _loadPosition(controller);
        Era memory era = _loadEra();
        if (p.era != requestId || p.era != era.id || p.units == 0) return 0;
        return era.partiallyFilled ? (uint256(p.units) * era.pending) / era.units : p.units;
    }

    /// @notice ERC-7540: filled shares of `controller` waiting for `redeem`. Claimable shares are aggregated per
    ///         controller (as `redeem` takes them), so any requestId up to the controller's latest reports them all.
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares) {
        if (requestId > _loadPosition(controller).era) return 0;
        (shares,) = claimable(controller);
    }

    /// @notice Filled shares of `controller` and the stablecoin they were filled for, not yet redeemed.
    function claimable(address controller) public view returns (uint256 shares, uint256 assets) {
        Position memory p = _loadPosition(controller);
        Claimable memory c = _loadClaimable(controller);
        if (p.units == 0) return (c.shares, c.assets);
        Progress memory progress = _progress(controller, p);
        return (c.shares + progress.filled, c.assets + progress.gained);
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Fills pending shares at NAV minus the redemption fee from the reserve, pro rata when it is short,
    ///         and burns them. Anyone may call, once per vault epoch, after the epoch closed; not while paused.
    /// @return sharesFilled Shares filled and burned.
    /// @return assets Stablecoin set aside for them.
    function settle() public nonReentrant returns (uint256 sharesFilled, uint256 assets) {
        IShareToken token = _shareToken();
        if (token.paused()) revert EnforcedPause();
        IRevenueVault vault = _vault();
        Settings memory settings = _settings;
        uint32 epoch = vault.currentEpoch();
        if (epoch <= settings.lastSettledEpoch) revert SettlementNotDue(settings.lastSettledEpoch, epoch);
        Era memory era = currentEra();
        if (era.pending == 0) revert NothingToSettle();
        (uint256 navPerShare, uint256 price) = _price(settings);
        uint256 available = vault.reserve();
        bool full = available >= Math.mulDiv(era.pending, price, 1e18, Math.Rounding.Ceil);
        sharesFilled = full ? era.pending : (available * 1e18) / price;
        if (sharesFilled == 0) revert ReserveTooSmall(available, price);
        assets = (sharesFilled * price) / 1e18;

        uint256 perUnit = (_settlementOf[era.id] & PER_UNIT_MASK) + (assets * ASSETS_PER_UNIT_SCALE) / era.units;
        _settlementOf[era.id] = perUnit | SETTLED | (full ? FINISHED : 0);
        settings.lastSettledEpoch = epoch;
        settings.settlements += 1;
        settings.sharesFilled += uint96(sharesFilled);
        _settings = settings;
        assetsFilled += assets;
        uint256 pendingAfter = era.pending - sharesFilled;
        _storeEra(
            full
                ? Era({id: era.id + 1, units: 0, pending: 0, partiallyFilled: false})
                : Era({id: era.id, units: era.units, pending: uint96(pendingAfter), partiallyFilled: true})
        );
        emit RedeemSettled(settings.settlements, era.id, navPerShare, price, sharesFilled, assets, pendingAfter, full);
        if (assets > 0) vault.withdrawReserve(assets);
        token.burn(address(this), sharesFilled);
    }

    /// @notice Chainlink Automation: a settlement is due and could fill something.
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        IRevenueVault vault = _vault();
        upkeepNeeded = !_shareToken().paused() && vault.currentEpoch() > _settings.lastSettledEpoch
            && currentEra().pending > 0 && vault.reserve() > 0;
        performData = "";
    }

    /// @notice Chainlink Automation: settles (revalidating everything `settle` checks).
    function performUpkeep(bytes calldata) external {
        settle();
    }

    // ---------------------------------------------------------------- views

    /// @notice The era new requests join: its id (the next requestId), units, pending shares, partial-fill flag.
    ///         Before a partial fill, units and pending are the escrow's balance.
    function currentEra() public view returns (Era memory era) {
        era = _loadEra();
        if (!era.partiallyFilled) {
            uint256 escrowed = _shareToken().balanceOf(address(this));
            (era.units, era.pending) = (uint120(escrowed), uint96(escrowed));
        }
    }

    /// @notice Settlement bookkeeping and parameters.
    function settings() external view returns (Settings memory) {
        return _settings;
    }

    /// @notice The NAV feed settlement reads and how.
    function navFeed() external view returns (OracleLib.Feed memory) {
        return _nav;
    }

    /// @notice ERC-7540: the share token.
    function share() external view returns (address) {
        return address(_shareToken());
    }

    /// @notice ERC-7540: the stablecoin redemptions are paid in.
    function asset() public view returns (address) {
        return CloneArgs.addressAt(0);
    }

    // ---------------------------------------------------------------- internals

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

    /// @dev Reads the position's era settlement word first: untouched eras need nothing more, finished ones have
    ///      nothing pending; only a partly filled (current) era needs the era's totals.
    function _progress(address controller, Position memory p) private view returns (Progress memory r) {
        uint256 settlement = _settlementOf[p.era];
        r.pendingNow = p.pendingAtSync;
        if (settlement == 0) return r;
        r.finished = settlement & FINISHED != 0;
        if (r.finished) {
            r.pendingNow = 0;
        } else {
            Era memory era = _loadEra();
            r.pendingNow = (uint256(p.units) * era.pending) / era.units;
        }
        r.filled = p.pendingAtSync > r.pendingNow ? p.pendingAtSync - r.pendingNow : 0;
        r.perUnit = settlement & PER_UNIT_MASK;
        r.paid = p.hasPaid ? _paidPerUnit[controller] : 0;
        r.gained = (uint256(p.units) * (r.perUnit - r.paid)) / ASSETS_PER_UNIT_SCALE;
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

    // Packing: Era `id | units << 32 | pending << 152 | partiallyFilled << 248`, Position `era | units << 32 |
    // pendingAtSync << 152 | hasPaid << 248`, Claimable `shares | assets << 96`.

    function _loadEra() private view returns (Era memory) {
        return _unpackEra(_eraWord);
    }

    function _unpackEra(uint256 word) private pure returns (Era memory) {
        return Era(uint32(word), uint120(word >> 32), uint96(word >> 152), word >> 248 != 0);
    }

    function _storeEra(Era memory era) private {
        _eraWord = _pack(era.id, era.units, era.pending, era.partiallyFilled);
    }

    function _loadPosition(address controller) private view returns (Position memory) {
        return _unpackPosition(_positionWords[controller]);
    }

    function _storePosition(address controller, Position memory p) private {
        _positionWords[controller] = _packPosition(p);
    }

    function _unpackPosition(uint256 word) private pure returns (Position memory) {
        return Position(uint32(word), uint120(word >> 32), uint96(word >> 152), word >> 248 != 0);
    }

    function _packPosition(Position memory p) private pure returns (uint256) {
        return _pack(p.era, p.units, p.pendingAtSync, p.hasPaid);
    }

    function _pack(uint32 id, uint120 units, uint96 shares, bool flag) private pure returns (uint256) {
        return uint256(id) | (uint256(units) << 32) | (uint256(shares) << 152) | (flag ? 1 << 248 : 0);
    }

    function _loadClaimable(address controller) private view returns (Claimable memory) {
        uint256 word = _claimableWords[controller];
        return Claimable(uint96(word), uint160(word >> 96));
    }

    function _storeClaimable(address controller, Claimable memory c) private {
        _claimableWords[controller] = uint256(c.shares) | (uint256(c.assets) << 96);
    }

    /// @dev The NAV (checked: sequencer, fresh, positive, decimals) and the price per whole share after the fee.
    function _price(Settings memory settings) private view returns (uint256 navPerShare, uint256 price) {
        (address sequencerFeed, uint32 gracePeriod) = IClusterRoles(CloneArgs.addressAt(2)).sequencerUptime();
        OracleLib.checkSequencer(AggregatorV3Interface(sequencerFeed), gracePeriod);
        (navPerShare,) = OracleLib.read(_nav, settings.stablecoinDecimals);
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
