// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {IClusterRoles} from "../interfaces/IClusterRoles.sol";
import {CloneArgs} from "../libraries/CloneArgs.sol";
import {NavOracle} from "../oracles/NavOracle.sol";
import {IClusterErrors} from "../interfaces/IClusterErrors.sol";
import {BPS, WAD} from "../libraries/Constants.sol";

/// @title ClusterOffering
/// @notice The primary market of one cluster.
///         Raise: shares at a fixed price until the deadline or the hard cap. Shares are minted at purchase but
///         locked: they cannot move until the raise succeeds. Success (soft cap reached by the deadline, or the hard
///         cap reached earlier; `finalize`) unlocks them, starts the hardware's depreciation at the net raise, and
///         owes the raise minus the protocol fee to the operator, who buys the hardware with it. Failure lets every
///         buyer `refund`: the shares are burned and the full price comes back.
///         Later issuance: once active, if the operator enables it, shares are sold at NAV plus a premium within a
///         share cap, and the money goes to the redemption reserve (it backs the new shares, so NAV is not diluted).
///         Issuance is priced live at the NAV oracle's entry value (book value plus the rent a new share will earn
///         from the stream), never from a published round, so no round observed before a close can be used.
/// @dev Exact refunds without a per-buyer ledger: the raise sells whole *lots* (`price` reduced by gcd(price, 1e18)
///      to `lotAssets` stablecoin units for `lotShares` share units), so a buyer's locked balance is a whole number
///      of lots and is worth exactly what they paid. Buying by amount takes only the whole lots it covers; buying
///      by shares rounds up to whole lots. Per-account limits are checked on the receiver's balance.
///      The terms never change, so they live in the clone's code, not in storage: a purchase reads one slot.
///      EIP-1167 clone; immutable args `abi.encode(stablecoin, shareToken, factory, clusterId, vault, navOracle,
///      lotAssets, lotShares, softCap, hardCap, deadline, minPerAccount, maxPerAccount)` (see `cloneArgs`).
contract ClusterOffering is Initializable, ReentrancyGuardTransient, IClusterErrors {
    using SafeERC20 for IERC20;

    /// @notice Launch parameters. `hardCap` zero means no raise (the operator already owns the hardware).
    struct InitParams {
        uint128 pricePerShare; // stablecoin units per whole share
        uint128 softCap; // stablecoin units
        uint128 hardCap; // stablecoin units
        uint40 deadline;
        uint128 minPerAccount; // stablecoin units, 0 for none
        uint128 maxPerAccount; // stablecoin units, 0 for none
    }

    /// @notice Where the offering stands.
    enum Phase {
        Raising, // buying at the fixed price
        Succeeded, // shares unlocked; later issuance possible
        Failed // deadline passed below the soft cap: refunds
    }

    /// @notice The raise, one slot for the hot path of a purchase.
    struct Raise {
        uint128 raised;
        bool succeeded;
        bool failureRecorded;
    }

    /// @notice The raise's fixed terms, from the clone args.
    struct Terms {
        uint256 lotAssets;
        uint256 lotShares;
        uint256 softCap;
        uint256 hardCap;
        uint256 deadline;
        uint256 minPerAccount;
        uint256 maxPerAccount;
    }

    /// @notice Later issuance, set by the operator.
    struct Issuance {
        bool enabled;
        uint16 premiumBps;
        uint96 cap; // shares that may be issued in total
        uint96 issued;
    }
    uint16 public constant MAX_PREMIUM_BPS = 5_000;

    Raise private _raise;
    Issuance private _issuance;
    /// @notice Raise minus protocol fee, owed to the operator for the hardware.
    uint256 public proceedsOwed;
    /// @notice Protocol fee on the raise, not yet withdrawn.
    uint256 public protocolFeeOwed;
    /// @notice All stablecoin refunded.
    uint256 public totalRefunded;

    /// @notice `buyer` paid `assets` for `shares` minted to `receiver` (in the raise until OfferingSucceeded,
    ///         later issuance after it).
    event SharesPurchased(address indexed buyer, address indexed receiver, uint256 assets, uint256 shares);
    /// @notice The raise succeeded: `raised` in total, `protocolFee` to the protocol, `proceeds` to the operator.
    event OfferingSucceeded(uint256 raised, uint256 protocolFee, uint256 proceeds);
    /// @notice The deadline passed with `raised` below the soft cap: refunds are open.
    event OfferingFailed(uint256 raised);
    /// @notice `buyer`'s `shares` were burned and `assets` refunded to `to`.
    event Refunded(address indexed buyer, address to, uint256 assets, uint256 shares);
    /// @notice Later issuance was configured.
    event IssuanceConfigured(bool enabled, uint16 premiumBps, uint96 cap);
    /// @notice Proceeds or protocol fee left the offering.
    event ProceedsWithdrawn(address indexed to, uint256 amount, bool protocol);

    /// @notice The raise is over (deadline passed, or it was finalised).
    error OfferingClosed();
    /// @notice Only `remaining` stablecoin fit under the hard cap.
    error HardCapExceeded(uint256 assets, uint256 remaining);
    /// @notice The receiver would hold less than the per-account minimum.
    error BelowMinimumPerAccount(uint256 total, uint256 minimum);
    /// @notice The receiver would hold more than the per-account maximum.
    error AboveMaximumPerAccount(uint256 total, uint256 maximum);
    /// @notice The raise can be finalised only at the deadline or once the hard cap is reached.
    error OfferingStillOpen();
    /// @notice The offering is already finalised.
    error AlreadyFinalized();
    /// @notice Refunds exist only for a failed raise.
    error RefundsNotOpen();
    /// @notice The caller holds no shares to refund.
    error NothingToRefund();
    /// @notice Later issuance is not enabled.
    error IssuanceDisabled();
    /// @notice Later issuance may mint only `remaining` more shares.
    error IssuanceCapExceeded(uint256 shares, uint256 remaining);
    /// @notice The stablecoin took a fee on transfer: `received` arrived instead of `expected`.
    error FeeOnTransferNotSupported(uint256 expected, uint256 received);

    constructor() {
        _disableInitializers();
    }

    /// @notice Checks the terms in the clone args. Called once by the factory.
    function initialize() external initializer {
        Terms memory t = terms();
        if (t.hardCap == 0) {
            _raise.succeeded = true; // nothing to raise: the cluster is active from launch
            return;
        }
        if (t.lotAssets == 0 || t.lotShares == 0) revert InvalidParameter("pricePerShare");
        // The proceeds become the NAV oracle's hardware cost, which is bounded by uint112.
        if (t.hardCap > type(uint112).max) revert InvalidParameter("hardCap");
        // Only whole lots sell: a soft cap above the most a sell-out can raise would fail a sold-out raise.
        if (t.softCap == 0 || t.softCap > t.hardCap - (t.hardCap % t.lotAssets)) revert InvalidParameter("softCap");
        if (t.deadline <= block.timestamp) revert InvalidParameter("deadline");
        if (t.maxPerAccount != 0 && t.maxPerAccount < t.minPerAccount) revert InvalidParameter("maxPerAccount");
    }

    /// @notice The clone args of an offering with `params`, after the six cluster addresses and ids in `prefix`:
    ///         the price reduced to a lot by gcd(price, 1e18), then the caps, deadline and limits.
    /// @param prefix `abi.encode(stablecoin, shareToken, factory, clusterId, vault, navOracle)`, shared by the
    ///        cluster's market contracts.
    /// @param params The raise's terms (see InitParams); `hardCap` zero for no raise.
    /// @return `prefix` followed by the seven words `terms()` reads: lotAssets, lotShares, softCap, hardCap,
    ///         deadline, minPerAccount, maxPerAccount.
    function cloneArgs(bytes memory prefix, InitParams calldata params) external pure returns (bytes memory) {
        uint256 divisor = _gcd(params.pricePerShare, WAD);
        return bytes.concat(
            prefix,
            abi.encode(
                params.pricePerShare / divisor,
                WAD / divisor,
                params.softCap,
                params.hardCap,
                params.deadline,
                params.minPerAccount,
                params.maxPerAccount
            )
        );
    }

    // ---------------------------------------------------------------- buying

    /// @notice Buys shares for at most `assets` of stablecoin, minted to `receiver`. In the raise, only the whole
    ///         lots `assets` covers are bought (and paid); in later issuance, all of `assets` at NAV plus premium.
    /// @param assets The most stablecoin units to spend, approved to the offering.
    /// @param receiver Receives the shares (not address(0)); per-account limits and the transfer policy apply to it.
    /// @return shares Shares minted. See `previewBuy`.
    function buy(uint256 assets, address receiver) public nonReentrant returns (uint256 shares) {
        (Terms memory t, bool raising) = _purchaseTerms();
        uint256 cost;
        (shares, cost) = _quoteAssets(t, raising, assets);
        _settlePurchase(receiver, shares, cost, t, raising);
    }

    /// @notice Buys at least `shares` (the raise rounds up to whole lots; later issuance mints exactly `shares`).
    /// @param shares Share base units (18 decimals) wanted.
    /// @param receiver Receives the shares (not address(0)); per-account limits and the transfer policy apply to it.
    /// @return assets Stablecoin paid. See `previewBuyShares`.
    function buyShares(uint256 shares, address receiver) external nonReentrant returns (uint256 assets) {
        (Terms memory t, bool raising) = _purchaseTerms();
        uint256 minted;
        (minted, assets) = _quoteShares(t, raising, shares);
        _settlePurchase(receiver, minted, assets, t, raising);
    }

    /// @notice `buy` after an EIP-2612 permit on the stablecoin for `assets`. A permit that was already used (for
    ///         example front-run) does not block the purchase when the allowance is there.
    /// @param assets The most stablecoin units to spend, and the permit's value.
    /// @param receiver Receives the shares, as in `buy`.
    /// @param deadline The permit's deadline, in Unix seconds.
    /// @param v The permit signature's recovery byte.
    /// @param r The permit signature's `r`.
    /// @param s The permit signature's `s`.
    /// @return shares Shares minted, as `buy` returns them.
    function buyWithPermit(uint256 assets, address receiver, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        returns (uint256 shares)
    {
        try IERC20Permit(stablecoin()).permit(msg.sender, address(this), assets, deadline, v, r, s) {} catch {}
        return buy(assets, receiver);
    }

    /// @notice What `buy(assets)` mints and charges now. Reverts with the reason a purchase would fail for
    ///         the phase (closed raise, issuance disabled, sequencer down, unreadable revenue feed).
    /// @param assets Stablecoin units to spend.
    /// @return shares Share base units `buy` would mint.
    /// @return cost Stablecoin units it would take: the whole lots `assets` covers in the raise, all of `assets`
    ///         in later issuance.
    function previewBuy(uint256 assets) external view returns (uint256 shares, uint256 cost) {
        (Terms memory t, bool raising) = _purchaseTerms();
        return _quoteAssets(t, raising, assets);
    }

    /// @notice What `buyShares(shares)` mints and charges now.
    /// @param shares Share base units wanted.
    /// @return minted Share base units `buyShares` would mint: rounded up to whole lots in the raise, exactly
    ///         `shares` in later issuance.
    /// @return cost Stablecoin units it would take, rounded up.
    function previewBuyShares(uint256 shares) external view returns (uint256 minted, uint256 cost) {
        (Terms memory t, bool raising) = _purchaseTerms();
        return _quoteShares(t, raising, shares);
    }

    // ---------------------------------------------------------------- outcome

    /// @notice Ends the raise: success unlocks the shares, starts depreciation and owes the proceeds; failure opens
    ///         refunds (which work without this call too). Anyone may call at the deadline or once the hard cap is
    ///         reached.
    function finalize() external nonReentrant {
        Raise memory raise = _raise;
        if (raise.succeeded || raise.failureRecorded) revert AlreadyFinalized();
        Terms memory t = terms();
        bool capReached = t.hardCap - raise.raised < t.lotAssets;
        if (!capReached && block.timestamp <= t.deadline) revert OfferingStillOpen();
        if (raise.raised < t.softCap) {
            _raise.failureRecorded = true;
            emit OfferingFailed(raise.raised);
            return;
        }
        (, uint16 feeBps) = _roles().protocolFee();
        uint256 fee = (uint256(raise.raised) * feeBps) / BPS;
        uint256 proceeds = raise.raised - fee;
        _raise.succeeded = true;
        protocolFeeOwed = fee;
        proceedsOwed = proceeds;
        emit OfferingSucceeded(raise.raised, fee, proceeds);
        _shareToken().unlock();
        NavOracle(CloneArgs.addressAt(5)).acquireHardware(proceeds);
        IRevenueVault(CloneArgs.addressAt(4)).startEarning();
    }

    /// @notice After a failed raise: burns all of the caller's shares and sends what they paid to `to`.
    /// @param to Receives the refund (not address(0)).
    /// @return assets Stablecoin units refunded: exactly what the burned shares were bought for.
    function refund(address to) external nonReentrant returns (uint256 assets) {
        if (to == address(0)) revert ZeroAddress();
        if (phase() != Phase.Failed) revert RefundsNotOpen();
        IShareToken token = _shareToken();
        uint256 shares = token.balanceOf(msg.sender);
        if (shares == 0) revert NothingToRefund();
        Terms memory t = terms();
        assets = (shares / t.lotShares) * t.lotAssets;
        totalRefunded += assets;
        emit Refunded(msg.sender, to, assets, shares);
        token.burn(msg.sender, shares);
        IERC20(stablecoin()).safeTransfer(to, assets);
    }

    /// @notice Sends the raise's proceeds to `to` to buy the hardware. Cluster operator only.
    /// @param to Receives all proceeds owed (not address(0)).
    function withdrawProceeds(address to) external nonReentrant {
        if (msg.sender != _roles().operatorOf(clusterId())) revert Unauthorized(msg.sender);
        if (to == address(0)) revert ZeroAddress();
        uint256 amount = proceedsOwed;
        if (amount == 0) revert NothingToWithdraw();
        proceedsOwed = 0;
        emit ProceedsWithdrawn(to, amount, false);
        IERC20(stablecoin()).safeTransfer(to, amount);
    }

    /// @notice Sends the protocol fee on the raise to the protocol's fee recipient. Anyone may trigger it.
    function withdrawProtocolFees() external nonReentrant {
        (address recipient,) = _roles().protocolFee();
        uint256 amount = protocolFeeOwed;
        if (amount == 0) revert NothingToWithdraw();
        protocolFeeOwed = 0;
        emit ProceedsWithdrawn(recipient, amount, true);
        IERC20(stablecoin()).safeTransfer(recipient, amount);
    }

    /// @notice Enables later issuance at NAV plus `premiumBps`, up to `cap` shares in total, or disables it.
    ///         Cluster operator only, once the cluster is active.
    /// @param enabled Whether `buy` and `buyShares` sell new shares.
    /// @param premiumBps Premium over the NAV oracle's entry value, in basis points, at most MAX_PREMIUM_BPS.
    /// @param cap Share base units later issuance may mint in total, those already issued included (not below
    ///        them).
    function configureIssuance(bool enabled, uint16 premiumBps, uint96 cap) external {
        if (msg.sender != _roles().operatorOf(clusterId())) revert Unauthorized(msg.sender);
        if (!_raise.succeeded) revert IssuanceDisabled();
        if (premiumBps > MAX_PREMIUM_BPS) revert InvalidParameter("premiumBps");
        Issuance memory issuance = _issuance;
        if (cap < issuance.issued) revert InvalidParameter("cap");
        _issuance = Issuance({enabled: enabled, premiumBps: premiumBps, cap: cap, issued: issuance.issued});
        emit IssuanceConfigured(enabled, premiumBps, cap);
    }

    // ---------------------------------------------------------------- views

    /// @notice Where the offering stands now (Failed as soon as the deadline passes below the soft cap).
    /// @return Raising, Succeeded (from launch when there is no raise) or Failed.
    function phase() public view returns (Phase) {
        Raise memory raise = _raise;
        if (raise.succeeded) return Phase.Succeeded;
        Terms memory t = terms();
        if (raise.failureRecorded || (block.timestamp > t.deadline && raise.raised < t.softCap)) {
            return Phase.Failed;
        }
        return Phase.Raising;
    }

    /// @notice The raise: stablecoin raised and the outcome flags.
    /// @return Stablecoin units raised, whether the raise succeeded and whether `finalize` recorded its failure.
    function raiseState() external view returns (Raise memory) {
        return _raise;
    }

    /// @notice The raise's terms (price as a lot, caps, deadline, per-account limits); all zero without a raise.
    /// @return t `lotAssets` stablecoin units buy `lotShares` share units; caps and per-account limits in
    ///         stablecoin units (limits zero: none); deadline in Unix seconds.
    function terms() public view returns (Terms memory t) {
        // Terms is seven words laid out like clone args 6 to 12: one copy instead of seven.
        assembly ("memory-safe") {
            extcodecopy(address(), t, add(0x2d, 0xc0), 0xe0)
        }
    }

    /// @notice Later issuance settings and how much it has issued.
    /// @return Whether it is enabled, the premium in basis points, the share cap and the shares issued so far.
    function issuance() external view returns (Issuance memory) {
        return _issuance;
    }

    /// @notice The stablecoin shares are bought with.
    /// @return The stablecoin's address.
    function stablecoin() public view returns (address) {
        return CloneArgs.addressAt(0);
    }

    /// @notice The cluster's id in the factory's registry.
    /// @return The id.
    function clusterId() public view returns (uint256) {
        return CloneArgs.uintAt(3);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The terms and whether the fixed-price raise is on; reverts if no purchase is possible now.
    function _purchaseTerms() private view returns (Terms memory t, bool raising) {
        Raise memory raise = _raise;
        if (raise.succeeded) return (t, false);
        t = terms();
        if (raise.failureRecorded || block.timestamp > t.deadline) revert OfferingClosed();
        return (t, true);
    }

    /// @dev Shares for `assets` and what they cost: whole lots in the raise, NAV plus premium later.
    function _quoteAssets(Terms memory t, bool raising, uint256 assets)
        private
        view
        returns (uint256 shares, uint256 cost)
    {
        if (raising) {
            uint256 lots = assets / t.lotAssets;
            return (lots * t.lotShares, lots * t.lotAssets);
        }
        return ((assets * WAD) / _issuancePrice(), assets);
    }

    /// @dev At least `shares` (whole lots) in the raise, exactly `shares` later, and what they cost (rounded up).
    function _quoteShares(Terms memory t, bool raising, uint256 shares)
        private
        view
        returns (uint256 minted, uint256 cost)
    {
        if (raising) {
            uint256 lots = Math.ceilDiv(shares, t.lotShares);
            return (lots * t.lotShares, lots * t.lotAssets);
        }
        return (shares, Math.mulDiv(shares, _issuancePrice(), WAD, Math.Rounding.Ceil));
    }

    /// @dev Checks the limits of the phase, takes `cost` from the buyer (measured) and mints `shares`.
    function _settlePurchase(address receiver, uint256 shares, uint256 cost, Terms memory t, bool raising) private {
        if (receiver == address(0)) revert ZeroAddress();
        if (shares == 0 || cost == 0) revert ZeroAmount();
        IShareToken token = _shareToken();
        IERC20 stable = IERC20(stablecoin());
        if (raising) {
            uint256 raised = _recordRaise(token, receiver, shares, cost, t);
            stable.safeTransferFrom(msg.sender, address(this), cost);
            // During the raise the offering holds at least what was raised (nothing leaves before the outcome):
            // a stablecoin that delivered less than `cost` breaks that, so it is refused.
            uint256 held = stable.balanceOf(address(this));
            if (held < raised) revert FeeOnTransferNotSupported(cost, cost - (raised - held));
        } else {
            Issuance memory issuance = _issuance;
            uint256 remaining = issuance.cap - issuance.issued;
            if (shares > remaining) revert IssuanceCapExceeded(shares, remaining);
            _issuance.issued = issuance.issued + uint96(shares);
            IRevenueVault vault = IRevenueVault(CloneArgs.addressAt(4));
            uint256 before = stable.balanceOf(address(vault));
            stable.safeTransferFrom(msg.sender, address(vault), cost);
            uint256 received = stable.balanceOf(address(vault)) - before;
            if (received != cost) revert FeeOnTransferNotSupported(cost, received);
            vault.depositReserve(cost);
        }
        emit SharesPurchased(msg.sender, receiver, cost, shares);
        token.mint(receiver, shares);
    }

    /// @dev The raise's hard cap and per-account limits, then the new total raised (returned).
    function _recordRaise(IShareToken token, address receiver, uint256 shares, uint256 cost, Terms memory t)
        private
        returns (uint256 raisedNow)
    {
        uint256 raised = _raise.raised;
        uint256 remaining = t.hardCap - raised;
        if (cost > remaining) revert HardCapExceeded(cost, remaining);
        if (t.minPerAccount != 0 || t.maxPerAccount != 0) {
            uint256 total = ((token.balanceOf(receiver) + shares) / t.lotShares) * t.lotAssets;
            if (total < t.minPerAccount) revert BelowMinimumPerAccount(total, t.minPerAccount);
            if (t.maxPerAccount != 0 && total > t.maxPerAccount) {
                revert AboveMaximumPerAccount(total, t.maxPerAccount);
            }
        }
        raisedNow = raised + cost;
        _raise.raised = uint128(raisedNow);
    }

    /// @dev The NAV oracle's entry value per share now (book value plus the stream a new share will earn; the
    ///      sequencer checked) plus the premium, rounded up; reverts if issuance is off or the attested rent in
    ///      escrow cannot be valued, since a price without it would sell the holders' release to the buyer.
    function _issuancePrice() private view returns (uint256) {
        Issuance memory issuance = _issuance;
        if (!issuance.enabled) revert IssuanceDisabled();
        uint256 entryPerShare = NavOracle(CloneArgs.addressAt(5)).quote().entryPerShare;
        return Math.mulDiv(entryPerShare, BPS + issuance.premiumBps, BPS, Math.Rounding.Ceil);
    }

    function _gcd(uint256 a, uint256 b) private pure returns (uint256) {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    function _shareToken() private view returns (IShareToken) {
        return IShareToken(CloneArgs.addressAt(1));
    }

    function _roles() private view returns (IClusterRoles) {
        return IClusterRoles(CloneArgs.addressAt(2));
    }
}
