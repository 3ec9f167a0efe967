// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {IClusterRoles} from "../interfaces/IClusterRoles.sol";
import {ITransferPolicy} from "../interfaces/ITransferPolicy.sol";
import {StreamMath, PackedStream} from "../libraries/StreamMath.sol";
import {PackedAccount, PackedAccountLib} from "../libraries/PackedAccount.sol";
import {CloneArgs} from "../libraries/CloneArgs.sol";
import {IDexRegistry} from "../interfaces/IDexRegistry.sol";
import {IClusterErrors} from "../interfaces/IClusterErrors.sol";

/// @title ClusterShareToken
/// @notice One GPU cluster's shares: a plain ERC-20 with EIP-2612 permit (18 decimals, no fee, no rebase, no
///         callbacks) that is also the ledger of the rent streamed to its holders. Every balance outside the
///         excluded set earns from the second it is held; `claim` pulls the stablecoin.
/// @dev Deployed as an EIP-1167 clone whose immutable args are
///      `abi.encode(stablecoin, accumulatorScale, factory, clusterId)`. Storage is packed so a transfer touches
///      the same two account slots as a plain ERC-20 and only reads the two global slots, and a claim reads one
///      global slot (see StreamMath for the maths and its precision bound).
contract ClusterShareToken is
    Initializable,
    EIP712Upgradeable,
    Nonces,
    IShareToken,
    IERC20Metadata,
    IERC20Permit,
    IERC20Errors,
    IClusterErrors
{
    using SafeERC20 for IERC20;

    /// @dev The denominator, the rate and the switches, read by every transfer, written when eligible supply
    ///      changes. A claim does not need it.
    struct Supply {
        uint96 eligible;
        uint136 scaledRate; // stablecoin units per second times StreamMath.RATE_SCALE
        bool paused;
        bool policyEnabled;
        bool locked; // until the offering succeeds, shares can only be minted (bought) and burned (refunded)
    }

    /// @dev A transfer policy waiting out POLICY_DELAY. `executableAt` zero: no proposal (a proposal may be address(0),
    ///      which turns the policy off).
    struct PolicyProposal {
        ITransferPolicy policy;
        uint64 executableAt;
    }

    /// @notice The cluster contracts a share token works with, wired once at launch.
    struct Wiring {
        address vault; // starts streams
        address offering; // mints, refunds (burns), unlocks
        address redemptionQueue; // escrows requested shares, burns filled ones
        ITransferPolicy policy; // optional compliance rule, address(0) for none; applied at launch without delay
    }

    uint256 private constant EXCLUDED = PackedAccountLib.EXCLUDED;
    uint256 private constant HAS_ACCRUED = PackedAccountLib.HAS_ACCRUED;
    uint256 private constant ESCROW = PackedAccountLib.ESCROW;

    /// @notice How long a proposed transfer policy waits before anyone can apply it: holders who disagree with the
    ///         new rule have this long to sell on the market or to request a redemption.
    uint256 public constant POLICY_DELAY = 2 days;

    /// @dev keccak256 of UniswapV2Pair's creation code, as Router02 (UniswapV2Library.pairFor) hard-codes it: with
    ///      it a pair's address is known before `createPair`, so a pool can be excluded before its first share.
    bytes32 private constant UNISWAP_V2_PAIR_INIT_CODE_HASH =
        0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f;
    /// @dev keccak256 of UniswapV3Pool's creation code, as the periphery's PoolAddress.POOL_INIT_CODE_HASH has it.
    bytes32 private constant UNISWAP_V3_POOL_INIT_CODE_HASH =
        0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54;

    /// @dev `_escrowExclusions` value of an applied escrow exclusion (no proposal can be executable that late).
    uint256 private constant ESCROW_EXCLUSION_APPLIED = type(uint256).max;
    /// @notice How long after its delay a proposed escrow exclusion can still be applied: a proposal nobody applied
    ///         cannot wait dormant and switch off an account's yield long after holders last had reason to look.
    uint256 public constant ESCROW_EXCLUSION_WINDOW = 7 days;

    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    /// @dev Total supply and the only minter, one slot: every mint and burn reads both.
    struct Issuance {
        uint96 totalSupply;
        address offering; // mints, refunds (burns), unlocks
    }

    PackedStream private _stream;
    Supply private _supply;
    Issuance private _issuance;
    /// @dev Reward that could not stream yet (no eligible supply, rate truncation), times RATE_SCALE; it joins
    ///      the next period.
    uint256 private _scaledUndistributed;
    mapping(address account => PackedAccount) private _accounts;
    /// @dev Earnings that could not be folded into the checkpoint (balance went to zero, or exclusion).
    mapping(address account => uint256) private _accrued;
    mapping(address owner => mapping(address spender => uint256)) private _allowances;
    string private _name;
    string private _symbol;
    address private _vault;
    ITransferPolicy private _policy;
    address private _redemptionQueue;
    PolicyProposal private _policyProposal;
    /// @dev Per lending-market escrow: when its proposed exclusion becomes applicable (ESCROW_EXCLUSION_APPLIED once
    ///      applied, zero for none). An escrow excluded this way earns again only by its own `includeSelf`.
    mapping(address escrow => uint256) private _escrowExclusions;
    /// @dev Stablecoin the books account for: every amount notified or swept in, minus every claim. The token's
    ///      balance above it arrived outside the books (a plain transfer) and can be swept into the stream. Costs each
    ///      claim one more storage write: claims are the only outflow, so nothing else can tell them from donations.
    uint256 private _owed;

    /// @notice A new stream period started with `amount` fresh reward (plus whatever was carried).
    event RewardNotified(uint256 amount, uint256 carried, uint256 ratePerSecond, uint256 periodFinish);
    /// @notice `account` claimed `amount` of stablecoin, sent to `to`.
    event RewardClaimed(address indexed account, address to, uint256 amount);
    /// @notice `account` stopped or started earning. An account that excluded itself keeps what it had earned; a
    ///         pool's earnings go back to the stream (StrandedYieldReturned).
    event ExclusionSet(address indexed account, bool excluded);
    /// @notice The transfer policy changed (address(0) turns it off).
    event TransferPolicySet(address indexed policy);
    /// @notice The operator proposed `policy` (address(0): none); anyone may apply it from `executableAt`.
    event TransferPolicyProposed(address indexed policy, uint256 executableAt);
    /// @notice `by` (operator, guardian or protocol admin) withdrew the proposal of `policy`.
    event TransferPolicyProposalCancelled(address indexed policy, address indexed by);
    /// @notice The protocol admin proposed excluding lending-market escrow `escrow` from yield; anyone may apply it
    ///         from `executableAt`.
    event EscrowExclusionProposed(address indexed escrow, uint256 executableAt);
    /// @notice `by` (guardian or protocol admin) withdrew the proposed exclusion of `escrow`.
    event EscrowExclusionCancelled(address indexed escrow, address indexed by);
    /// @notice `escrow`'s exclusion was applied (`excluded` true) or lifted by the escrow itself through `includeSelf` (false).
    event EscrowExclusionSet(address indexed escrow, bool excluded);
    /// @notice `amount` that an excluded pool had earned and could never claim went back to the holders' stream
    ///         (carried into the next period).
    event StrandedYieldReturned(address indexed account, uint256 amount);
    /// @notice `amount` of stablecoin that reached the token outside the books was carried into the next period.
    event DonationsSwept(address indexed by, uint256 amount);
    /// @notice The guardian paused transfers and new money.
    event Paused(address account);
    /// @notice The guardian lifted the pause.
    event Unpaused(address account);
    /// @notice The offering succeeded: shares move freely from now on.
    event Unlocked();

    /// @notice The cluster is not paused.
    error ExpectedPause();
    /// @notice The transfer policy refused the transfer.
    error TransferNotAllowed(address from, address to, uint256 amount);
    /// @notice There is nothing to claim.
    error NothingToClaim();
    /// @notice The protocol admin has not registered that Uniswap factory, so no pool address can be proven.
    error NoDexFactory();
    /// @notice A pool pairs the share token with another token.
    error InvalidPairedToken(address token);
    /// @notice No transfer policy proposal is waiting.
    error NoPolicyProposal();
    /// @notice The proposed policy can only be applied from `executableAt`.
    error PolicyDelayPending(uint256 executableAt);
    /// @notice No exclusion of `escrow` is waiting.
    error NoEscrowExclusionProposal(address escrow);
    /// @notice The proposed exclusion of `escrow` was not applied by `expiredAt`; propose it again.
    error EscrowExclusionExpired(address escrow, uint256 expiredAt);
    /// @notice The account already has this exclusion status.
    error ExclusionUnchanged(address account, bool excluded);
    /// @notice Protocol contracts of the cluster are always excluded.
    error ProtocolAccount(address account);
    /// @notice Shares cannot move until the offering succeeds (only purchases and refunds).
    error SharesLocked();
    /// @notice A stream needs a positive duration.
    error ZeroDuration();
    /// @notice The reward would overflow the accumulator.
    error RewardTooLarge(uint256 amount);
    /// @notice The mint would exceed the largest supported supply (2^96 - 1 base units).
    error SupplyCapExceeded(uint256 supply);
    /// @notice The permit deadline has passed.
    error ERC2612ExpiredSignature(uint256 deadline);
    /// @notice The permit was not signed by the owner.
    error ERC2612InvalidSigner(address signer, address owner);

    constructor() {
        _disableInitializers();
    }

    /// @notice Wires a fresh clone. Called once by the factory in the launch transaction.
    /// @param name_ ERC-20 name.
    /// @param symbol_ ERC-20 symbol.
    /// @param wiring The cluster's other contracts.
    /// @param initialHolder Receives `initialShares`: hardware the operator already owns, when there is no raise.
    /// @param initialShares Share base units (18 decimals) minted to `initialHolder`; zero with a raise.
    /// @param locked_ Whether shares stay locked until the offering succeeds.
    function initialize(
        string calldata name_,
        string calldata symbol_,
        Wiring calldata wiring,
        address initialHolder,
        uint256 initialShares,
        bool locked_
    ) external initializer {
        if (wiring.vault == address(0) || wiring.offering == address(0) || wiring.redemptionQueue == address(0)) {
            revert ZeroAddress();
        }
        _name = name_;
        _symbol = symbol_;
        _vault = wiring.vault;
        _issuance.offering = wiring.offering;
        _redemptionQueue = wiring.redemptionQueue;
        _excludeAtLaunch(address(this), EXCLUDED);
        _excludeAtLaunch(wiring.vault, EXCLUDED);
        _excludeAtLaunch(wiring.redemptionQueue, EXCLUDED | ESCROW);
        _supply.locked = locked_;
        if (initialShares > 0) _update(address(0), initialHolder, initialShares, false);
        // After the initial mint: the operator's own stake exists before anyone could allowlist it.
        if (address(wiring.policy) != address(0)) _setPolicy(wiring.policy);
    }

    // ---------------------------------------------------------------- ERC-20

    /// @inheritdoc IERC20Metadata
    function name() external view returns (string memory) {
        return _name;
    }

    /// @inheritdoc IERC20Metadata
    function symbol() external view returns (string memory) {
        return _symbol;
    }

    /// @inheritdoc IERC20Metadata
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @inheritdoc IERC20
    function totalSupply() external view returns (uint256) {
        return _issuance.totalSupply;
    }

    /// @inheritdoc IERC20
    function balanceOf(address account) external view returns (uint256) {
        return _accounts[account].balance();
    }

    /// @inheritdoc IERC20
    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    /// @inheritdoc IERC20
    function transfer(address to, uint256 value) external returns (bool) {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        _update(msg.sender, to, value, true);
        return true;
    }

    /// @inheritdoc IERC20
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        _spendAllowance(from, msg.sender, value);
        _update(from, to, value, true);
        return true;
    }

    /// @inheritdoc IERC20
    function approve(address spender, uint256 value) external returns (bool) {
        _approve(msg.sender, spender, value);
        return true;
    }

    /// @inheritdoc IERC20Permit
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > deadline) revert ERC2612ExpiredSignature(deadline);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline));
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), v, r, s);
        if (signer != owner) revert ERC2612InvalidSigner(signer, owner);
        _approve(owner, spender, value);
    }

    /// @inheritdoc IERC20Permit
    function nonces(address owner) public view override(IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IERC20Permit
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- issuance and escrow

    /// @notice Mints `shares` to `to` for a purchase. Offering only. The transfer policy decides who may receive.
    /// @param to The buyer's receiver.
    /// @param shares Share base units to mint.
    function mint(address to, uint256 shares) external {
        if (msg.sender != _issuance.offering) revert Unauthorized(msg.sender);
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        _update(address(0), to, shares, true);
    }

    /// @notice Burns `shares` of `from`: a refunded purchase (offering) or filled redemptions held in escrow
    ///         (redemption queue, its own balance only).
    /// @dev A protocol exit: the transfer policy is not asked (it decides who may receive shares, never whether a
    ///      holder may leave through the protocol).
    /// @param from The refunded buyer, or the redemption queue itself.
    /// @param shares Share base units to burn.
    function burn(address from, uint256 shares) external {
        if (msg.sender != _issuance.offering && (msg.sender != from || !_accounts[from].isEscrow())) {
            revert Unauthorized(msg.sender);
        }
        _update(from, address(0), shares, false);
    }

    /// @notice Moves `shares` of `owner` into the redemption escrow. Redemption queue only; the queue checks that
    ///         the caller is the owner or an operator the owner approved (ERC-7540), so no allowance is spent.
    /// @dev A protocol exit: the transfer policy is not asked, so no policy and no freeze can stop a redemption.
    /// @param owner The holder whose shares enter the queue.
    /// @param shares Share base units to escrow.
    function moveToEscrow(address owner, uint256 shares) external {
        if (!_accounts[msg.sender].isEscrow()) revert Unauthorized(msg.sender);
        _update(owner, msg.sender, shares, false);
    }

    /// @notice Lets shares move freely once the offering has succeeded. Offering only.
    /// @dev While locked no stream can exist and nothing excluded holds shares, so eligible supply is the total
    ///      supply; it is stored from here on.
    function unlock() external {
        if (msg.sender != _issuance.offering) revert Unauthorized(msg.sender);
        _supply.locked = false;
        _supply.eligible = _issuance.totalSupply;
        emit Unlocked();
    }

    /// @notice Whether shares are still locked by a raise that has not succeeded.
    /// @return True from a raising launch until the offering succeeds (for good if the raise failed: only refunds
    ///         then); false from launch without a raise.
    function locked() external view returns (bool) {
        return _supply.locked;
    }

    // ---------------------------------------------------------------- yield

    /// @inheritdoc IShareToken
    function notifyReward(uint256 amount, uint256 duration) external {
        if (msg.sender != _vault) revert Unauthorized(msg.sender);
        if (duration == 0) revert ZeroDuration();
        uint256 accScale = _accumulatorScale();
        Supply memory supply = _supply;
        PackedStream s = _checkpointGlobal(_stream, supply, supply.eligible, accScale);
        uint256 scaledCarried = _scaledUndistributed;
        if (block.timestamp < s.periodFinish()) {
            scaledCarried += supply.scaledRate * (s.periodFinish() - block.timestamp);
        }
        // Books no more than arrived above what is owed: a stablecoin hook that swept the vault's transfer as a
        // donation before this call must not make it count twice.
        uint256 booked = _owed;
        uint256 balance = IERC20(stablecoin()).balanceOf(address(this));
        uint256 unbooked = balance > booked ? balance - booked : 0;
        if (amount > unbooked) amount = unbooked;
        uint256 scaledTotal = amount * StreamMath.RATE_SCALE + scaledCarried;
        _owed = booked + amount;
        // Worst case: the whole period goes to a single share.
        uint256 maxGain = (scaledTotal * (accScale / StreamMath.RATE_SCALE)) / StreamMath.MIN_ELIGIBLE;
        if (maxGain > StreamMath.MAX_REWARD_PER_TOKEN - s.rewardPerToken()) revert RewardTooLarge(amount);
        uint256 scaledRate = scaledTotal / duration;
        uint256 finish = SafeCast.toUint32(block.timestamp + duration);
        _scaledUndistributed = scaledTotal - scaledRate * duration;
        _supply.scaledRate = SafeCast.toUint136(scaledRate);
        _stream = StreamMath.packStream(
            s.rewardPerToken(),
            StreamMath.gainToFinish(scaledRate, duration, supply.eligible, accScale),
            block.timestamp,
            finish
        );
        emit RewardNotified(amount, scaledCarried / StreamMath.RATE_SCALE, scaledRate / StreamMath.RATE_SCALE, finish);
    }

    /// @inheritdoc IShareToken
    function earned(address account) external view returns (uint256) {
        PackedAccount a = _accounts[account];
        uint256 amount = a.hasAccrued() ? _accrued[account] : 0;
        if (!a.isExcluded()) {
            (uint256 accumulator,) = _stream.rewardPerTokenAt(block.timestamp);
            amount += StreamMath.scaledEarned(a.balance(), a.paid(), accumulator) / _accumulatorScale();
        }
        return amount;
    }

    /// @inheritdoc IShareToken
    /// @dev Works while paused: a pause must never trap yield. Pull-based, so a blocked address can redirect.
    ///      No reentrancy guard: every state change happens before the one external call (checks-effects-
    ///      interactions), and a re-entered claim finds nothing left; this keeps the hot path to one global slot.
    function claim(address to) external returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        PackedAccount a = _accounts[msg.sender];
        uint256 flags = a.flags();
        if (flags & HAS_ACCRUED != 0) {
            amount = _accrued[msg.sender];
            delete _accrued[msg.sender];
            flags &= ~HAS_ACCRUED;
        }
        (address stable, uint256 accScale) = _payoutArgs();
        int256 paid = a.paid();
        if (flags & EXCLUDED == 0) {
            (uint256 down, uint256 up) = _stream.rewardPerTokenAt(block.timestamp);
            // Unchecked: both terms are below 2^201 (see StreamMath.scaledEarned), far from overflowing.
            unchecked {
                amount += StreamMath.scaledEarned(a.balance(), paid, down) / accScale;
            }
            paid = int256(up);
        }
        if (amount == 0) revert NothingToClaim();
        _accounts[msg.sender] = PackedAccountLib.pack(a.balance(), paid, flags);
        // Unchecked: claims never exceed what was notified (invariant 1); were it ever to wrap, `owed` would be
        // huge and sweepDonations would refuse, the safe direction.
        unchecked {
            _owed -= amount;
        }
        emit RewardClaimed(msg.sender, to, amount);
        IERC20(stable).safeTransfer(to, amount);
    }

    /// @inheritdoc IShareToken
    function eligibleSupply() external view returns (uint256) {
        Supply memory supply = _supply;
        return supply.locked ? _issuance.totalSupply : supply.eligible;
    }

    /// @notice The accumulator now, in 1e-18 stablecoin per share (see StreamMath).
    /// @return down The accumulator rounded down, as earnings are computed from it.
    function rewardPerToken() external view returns (uint256 down) {
        (down,) = _stream.rewardPerTokenAt(block.timestamp);
    }

    /// @notice Divisor turning `balance * (rewardPerToken - checkpoint)` into stablecoin units.
    /// @return 10^(36 - stablecoin decimals), fixed at launch.
    function accumulatorScale() external view returns (uint256) {
        return _accumulatorScale();
    }

    /// @notice Stablecoin units streamed per second in the current period, times 1e12.
    /// @return The rate; zero before the first stream, and still the last period's rate after it has finished
    ///         (see `periodFinish`).
    function scaledRewardRate() external view returns (uint256) {
        return _supply.scaledRate;
    }

    /// @notice When the current stream period ends.
    /// @return Unix time in seconds; zero before the first stream, in the past when nothing streams.
    function periodFinish() external view returns (uint256) {
        return _stream.periodFinish();
    }

    /// @notice Reward carried to the next period (no eligible supply, rate truncation), as last checkpointed,
    ///         in stablecoin units times 1e12.
    /// @return The carried reward, stablecoin units times 1e12.
    function scaledUndistributed() external view returns (uint256) {
        return _scaledUndistributed;
    }

    /// @notice Stablecoin the token holds that no holder has earned yet: the rest of the current period, plus
    ///         what was carried. It belongs to whoever holds shares while it streams, so it counts in NAV.
    /// @return Stablecoin units, rounded down.
    function unstreamed() external view returns (uint256) {
        Supply memory supply = _supply;
        (, uint256 scaledStopped) =
            _stream.checkpoint(block.timestamp, supply.scaledRate, supply.eligible, _accumulatorScale());
        uint256 finish = _stream.periodFinish();
        uint256 scaledAhead = block.timestamp < finish ? supply.scaledRate * (finish - block.timestamp) : 0;
        return (_scaledUndistributed + scaledStopped + scaledAhead) / StreamMath.RATE_SCALE;
    }

    /// @notice Whether `account` is excluded from yield.
    /// @param account Any address.
    /// @return True for the cluster's token, vault and redemption queue, for excluded pools and for accounts that
    ///         excluded themselves.
    function isExcluded(address account) external view returns (bool) {
        return _accounts[account].isExcluded();
    }

    // ---------------------------------------------------------------- administration

    /// @notice Excludes the Uniswap V2 pair of this share and `pairedToken` from yield, deployed or not yet: a pool
    ///         can never claim, so what it would earn is stranded. What it earned before goes back to the holders'
    ///         stream (carried into the next period). Anyone may call: it can only give holders more.
    /// @dev The pair's address is derived (CREATE2 from the factory the protocol admin registered and the pair's
    ///      init code hash), so only a real pool can be excluded this way, never a holder's wallet, Safe or
    ///      EIP-7702 account. Exclude the pair before adding liquidity (before `createPair` even).
    /// @param pairedToken The pool's other token.
    /// @return pool The excluded pair.
    function excludePool(address pairedToken) external returns (address pool) {
        pool = poolFor(pairedToken);
        _setExcluded(pool, true, true);
    }

    /// @notice Lets the Uniswap V2 pair of this share and `pairedToken` earn again. Operator or protocol admin.
    /// @param pairedToken The pool's other token.
    /// @return pool The included pair.
    function includePool(address pairedToken) external returns (address pool) {
        _onlyOperatorOrAdmin();
        pool = poolFor(pairedToken);
        _setExcluded(pool, false, false);
    }

    /// @notice Excludes the Uniswap V3 pool of this share, `pairedToken` and the `fee` tier from yield, deployed or
    ///         not yet, like `excludePool` for V2: its address is derived (CREATE2 from the registered V3 factory and
    ///         the pool's init code hash), and what it earned before goes back to the holders' stream. Anyone may call.
    /// @param pairedToken The pool's other token.
    /// @param fee The pool's fee tier, in hundredths of a basis point (500, 3000, 10000).
    /// @return pool The excluded pool.
    function excludeV3Pool(address pairedToken, uint24 fee) external returns (address pool) {
        pool = v3PoolFor(pairedToken, fee);
        _setExcluded(pool, true, true);
    }

    /// @notice Lets the Uniswap V3 pool of this share, `pairedToken` and `fee` earn again. Operator or protocol admin.
    /// @param pairedToken The pool's other token.
    /// @param fee The pool's fee tier.
    /// @return pool The included pool.
    function includeV3Pool(address pairedToken, uint24 fee) external returns (address pool) {
        _onlyOperatorOrAdmin();
        pool = v3PoolFor(pairedToken, fee);
        _setExcluded(pool, false, false);
    }

    /// @notice The caller stops earning, by its own choice (an escrow or vault that cannot pass yield on). What it
    ///         earned so far stays claimable by it; from now on the stream is split over the others.
    function excludeSelf() external {
        _setExcluded(msg.sender, true, false);
    }

    /// @notice The caller, excluded by its own choice or through the escrow path, earns again from now on.
    function includeSelf() external {
        _setExcluded(msg.sender, false, false);
        if (_escrowExclusions[msg.sender] == ESCROW_EXCLUSION_APPLIED) {
            delete _escrowExclusions[msg.sender];
            emit EscrowExclusionSet(msg.sender, false);
        }
    }

    /// @notice Where the Uniswap V2 pair of this share and `pairedToken` lives (or will live) under the factory the
    ///         protocol admin registered.
    /// @param pairedToken The pool's other token.
    /// @return pool The pair's CREATE2 address.
    function poolFor(address pairedToken) public view returns (address pool) {
        (address token0, address token1) = _sortedWith(pairedToken);
        bytes32 salt = keccak256(abi.encodePacked(token0, token1));
        return _create2Address(IDexRegistry(factory()).uniswapV2Factory(), salt, UNISWAP_V2_PAIR_INIT_CODE_HASH);
    }

    /// @notice Where the Uniswap V3 pool of this share, `pairedToken` and `fee` lives (or will live) under the V3
    ///         factory the protocol admin registered.
    /// @param pairedToken The pool's other token.
    /// @param fee The pool's fee tier.
    /// @return pool The pool's CREATE2 address.
    function v3PoolFor(address pairedToken, uint24 fee) public view returns (address pool) {
        (address token0, address token1) = _sortedWith(pairedToken);
        bytes32 salt = keccak256(abi.encode(token0, token1, fee));
        return _create2Address(IDexRegistry(factory()).uniswapV3Factory(), salt, UNISWAP_V3_POOL_INIT_CODE_HASH);
    }

    /// @dev This share and `pairedToken` in Uniswap's order (lower address first).
    function _sortedWith(address pairedToken) private view returns (address token0, address token1) {
        if (pairedToken == address(0) || pairedToken == address(this)) revert InvalidPairedToken(pairedToken);
        return pairedToken < address(this) ? (pairedToken, address(this)) : (address(this), pairedToken);
    }

    /// @dev The CREATE2 address `dexFactory` deploys `initCodeHash` to under `salt`.
    function _create2Address(address dexFactory, bytes32 salt, bytes32 initCodeHash) private pure returns (address) {
        if (dexFactory == address(0)) revert NoDexFactory();
        return address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", dexFactory, salt, initCodeHash)))));
    }

    /// @notice Proposes excluding a lending market's escrow (Morpho Blue, say) from yield: collateral it holds for
    ///         borrowers earns a stream nobody can claim. Protocol admin only; anyone may apply it after POLICY_DELAY,
    ///         the guardian or the admin may cancel it meanwhile. A new proposal for the same escrow restarts the delay.
    /// @dev A lending market's address cannot be derived like a pool's, so exclusion is an insider's decision: made
    ///      public (`EscrowExclusionProposed`) and delayed so that holders, and the guardian, can react before a
    ///      wallet's yield could be switched off. Only contracts qualify; protocol accounts are always excluded.
    /// @param escrow The market contract holding shares for others.
    function proposeEscrowExclusion(address escrow) external {
        if (!_roles().isProtocolAdmin(msg.sender)) revert Unauthorized(msg.sender);
        if (escrow.code.length == 0) revert NotAContract(escrow);
        if (_accounts[escrow].isExcluded()) revert ExclusionUnchanged(escrow, true);
        uint256 executableAt = block.timestamp + POLICY_DELAY;
        _escrowExclusions[escrow] = executableAt;
        emit EscrowExclusionProposed(escrow, executableAt);
    }

    /// @notice Withdraws the waiting exclusion of `escrow`. Guardian or protocol admin.
    /// @param escrow The escrow whose proposal is withdrawn.
    function cancelEscrowExclusion(address escrow) external {
        IClusterRoles roles = _roles();
        if (!roles.isGuardian(msg.sender) && !roles.isProtocolAdmin(msg.sender)) revert Unauthorized(msg.sender);
        uint256 executableAt = _escrowExclusions[escrow];
        if (executableAt == 0 || executableAt == ESCROW_EXCLUSION_APPLIED) revert NoEscrowExclusionProposal(escrow);
        delete _escrowExclusions[escrow];
        emit EscrowExclusionCancelled(escrow, msg.sender);
    }

    /// @notice Applies the proposed exclusion of `escrow` between the end of its delay and ESCROW_EXCLUSION_WINDOW
    ///         after. Anyone. What the escrow earned before stays its own, claimable as an excluded account's is:
    ///         unlike a pool, whose address proves what it is, the escrow might be a wallet named by mistake, so
    ///         this insider path stops future yield and never takes earned yield.
    /// @dev The escrow earns again only by its own consent (`includeSelf`), so no insider can switch an escrow
    ///      back on to strand yield with it.
    /// @param escrow The escrow to exclude.
    function applyEscrowExclusion(address escrow) external {
        uint256 executableAt = _escrowExclusions[escrow];
        if (executableAt == 0 || executableAt == ESCROW_EXCLUSION_APPLIED) revert NoEscrowExclusionProposal(escrow);
        if (block.timestamp < executableAt) revert PolicyDelayPending(executableAt);
        uint256 expiredAt = executableAt + ESCROW_EXCLUSION_WINDOW;
        if (block.timestamp > expiredAt) revert EscrowExclusionExpired(escrow, expiredAt);
        _escrowExclusions[escrow] = ESCROW_EXCLUSION_APPLIED;
        _setExcluded(escrow, true, false);
        emit EscrowExclusionSet(escrow, true);
    }

    /// @notice The state of `escrow`'s exclusion through the delayed path.
    /// @param escrow Any address.
    /// @return executableAt When a waiting proposal can be applied (zero: none waiting).
    /// @return applied Whether the escrow is excluded through this path.
    function escrowExclusion(address escrow) external view returns (uint256 executableAt, bool applied) {
        uint256 value = _escrowExclusions[escrow];
        applied = value == ESCROW_EXCLUSION_APPLIED;
        executableAt = applied ? 0 : value;
    }

    /// @notice Proposes a new transfer policy (address(0): none), applicable by anyone after POLICY_DELAY; a new
    ///         proposal replaces the waiting one. Cluster operator only.
    /// @dev Changing who may hold shares is never instant for the operator alone: holders see the proposal
    ///      (`TransferPolicyProposed`) and the guardian or the protocol admin can cancel it during the delay.
    /// @param policy The new policy, a contract, or address(0) to turn the policy off.
    function proposeTransferPolicy(ITransferPolicy policy) external {
        if (msg.sender != _roles().operatorOf(clusterId())) revert Unauthorized(msg.sender);
        if (address(policy) != address(0) && address(policy).code.length == 0) revert NotAContract(address(policy));
        uint256 executableAt = block.timestamp + POLICY_DELAY;
        _policyProposal = PolicyProposal({policy: policy, executableAt: uint64(executableAt)});
        emit TransferPolicyProposed(address(policy), executableAt);
    }

    /// @notice Withdraws the waiting transfer policy proposal. Operator, guardian or protocol admin.
    function cancelTransferPolicy() external {
        IClusterRoles roles = _roles();
        if (
            msg.sender != roles.operatorOf(clusterId()) && !roles.isGuardian(msg.sender)
                && !roles.isProtocolAdmin(msg.sender)
        ) revert Unauthorized(msg.sender);
        PolicyProposal memory proposal = _policyProposal;
        if (proposal.executableAt == 0) revert NoPolicyProposal();
        delete _policyProposal;
        emit TransferPolicyProposalCancelled(address(proposal.policy), msg.sender);
    }

    /// @notice Applies the proposed transfer policy once its delay has passed. Anyone.
    function applyTransferPolicy() external {
        PolicyProposal memory proposal = _policyProposal;
        if (proposal.executableAt == 0) revert NoPolicyProposal();
        if (block.timestamp < proposal.executableAt) revert PolicyDelayPending(proposal.executableAt);
        delete _policyProposal;
        _setPolicy(proposal.policy);
    }

    /// @notice The waiting transfer policy proposal (`executableAt` zero: none).
    /// @return policy The proposed policy (address(0) turns the policy off).
    /// @return executableAt When anyone may apply it.
    function transferPolicyProposal() external view returns (ITransferPolicy policy, uint256 executableAt) {
        PolicyProposal memory proposal = _policyProposal;
        return (proposal.policy, proposal.executableAt);
    }

    /// @notice Carries stablecoin that reached the token outside the books (a plain transfer, not a notified
    ///         stream) into the holders' next stream period. Anyone.
    /// @dev O(1): the books owe `owed()` (everything notified or swept, minus every claim: what is claimable, still
    ///      streaming or carried, plus sub-unit rounding dust); only the balance above it is swept.
    /// @return amount The stablecoin swept.
    function sweepDonations() external returns (uint256 amount) {
        uint256 balance = IERC20(stablecoin()).balanceOf(address(this));
        uint256 booked = _owed;
        if (balance <= booked) revert NothingToSweep();
        amount = balance - booked;
        _owed = balance;
        _scaledUndistributed += amount * StreamMath.RATE_SCALE;
        emit DonationsSwept(msg.sender, amount);
    }

    /// @notice Stablecoin the books account for: notified and swept in, minus claimed.
    /// @return The amount, in stablecoin units; the token's balance above it can be swept.
    function owed() external view returns (uint256) {
        return _owed;
    }

    /// @notice The transfer policy, or address(0) when none is set.
    /// @return The policy consulted on market transfers and mints (address(0): none, no compliance check).
    function transferPolicy() external view returns (ITransferPolicy) {
        return _policy;
    }

    /// @notice Stops share transfers, mints and new rent; claims, burns and refunds keep working. Guardian only.
    function pause() external {
        _onlyGuardian();
        if (_supply.paused) revert EnforcedPause();
        _supply.paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Lifts the pause. Guardian only.
    function unpause() external {
        _onlyGuardian();
        if (!_supply.paused) revert ExpectedPause();
        _supply.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IShareToken
    function paused() external view returns (bool) {
        return _supply.paused;
    }

    /// @notice The stablecoin the yield is paid in.
    /// @return The stablecoin's address.
    function stablecoin() public view returns (address) {
        return CloneArgs.addressAt(0);
    }

    /// @notice The factory that launched this cluster and holds its roles.
    /// @return The ClusterFactory's address.
    function factory() public view returns (address) {
        return CloneArgs.addressAt(2);
    }

    /// @notice The cluster's id in the factory's registry.
    /// @return The id.
    function clusterId() public view returns (uint256) {
        return CloneArgs.uintAt(3);
    }

    /// @notice The cluster's revenue vault, the only address that can start a stream.
    /// @return The vault's address.
    function vault() external view returns (address) {
        return _vault;
    }

    /// @notice The cluster's offering, the only address that can mint.
    /// @return The offering's address.
    function offering() external view returns (address) {
        return _issuance.offering;
    }

    /// @notice The cluster's redemption queue, which holds requested shares in escrow.
    /// @return The queue's address.
    function redemptionQueue() external view returns (address) {
        return _redemptionQueue;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Moves shares and keeps every touched account's earnings exact. Writes the global stream only when
    ///      eligible supply changes (mint, burn, or a transfer across the excluded boundary).
    /// @param askPolicy False on the protocol exits (burns, moves into the redemption escrow): a policy decides who
    ///        may receive shares from others, never whether a holder may leave through the protocol. A constant at
    ///        every call site, so it costs a plain transfer nothing.
    function _update(address from, address to, uint256 value, bool askPolicy) private {
        Supply memory supply = _supply;
        if (supply.paused && to != address(0)) revert EnforcedPause();
        if (askPolicy && supply.policyEnabled) _checkPolicy(from, to, value);
        if (supply.locked) return _updateLocked(from, to, value);
        PackedStream s = _stream;
        (uint256 down, uint256 up) = s.rewardPerTokenAt(block.timestamp);

        uint256 eligible = supply.eligible;
        if (from == address(0)) {
            _addToSupply(value);
        } else if (_debit(from, value, down, up)) {
            eligible -= value;
        }
        if (to == address(0)) {
            _issuance.totalSupply -= uint96(value);
        } else if (_credit(to, value, down, up)) {
            eligible += value;
        }

        if (eligible != supply.eligible) {
            _stream = _checkpointGlobal(s, supply, eligible, _accumulatorScale());
            _supply.eligible = uint96(eligible);
        }
        emit Transfer(from, to, value);
    }

    /// @dev `_update` while the raise runs: only purchases (mints) and refunds (burns). No stream exists yet and no
    ///      excluded account may receive shares, so no checkpoint is needed and eligible supply is the total supply
    ///      (stored at `unlock`): a purchase costs what a plain mint costs.
    function _updateLocked(address from, address to, uint256 value) private {
        if (from == address(0)) {
            PackedAccount a = _accounts[to];
            if (a.isExcluded()) revert SharesLocked();
            _addToSupply(value);
            // Cannot overflow: bounded by the total supply, capped at 2^96 - 1.
            _accounts[to] = PackedAccountLib.pack(a.balance() + value, 0, a.flags());
        } else if (to == address(0)) {
            PackedAccount a = _accounts[from];
            uint256 balance = a.balance();
            if (balance < value) revert ERC20InsufficientBalance(from, balance, value);
            _accounts[from] = PackedAccountLib.pack(balance - value, 0, a.flags());
            _issuance.totalSupply -= uint96(value);
        } else {
            revert SharesLocked();
        }
        emit Transfer(from, to, value);
    }

    /// @dev The redemption queue sending shares is a cancelled request going back to its controller: an exit
    ///      undone, which no policy may trap in the escrow. The queue transfers nothing else.
    function _checkPolicy(address from, address to, uint256 value) private view {
        if (from != _redemptionQueue && !_policy.canTransfer(from, to, value)) {
            revert TransferNotAllowed(from, to, value);
        }
    }

    function _addToSupply(uint256 value) private {
        uint256 newSupply = _issuance.totalSupply + value;
        if (newSupply > type(uint96).max) revert SupplyCapExceeded(newSupply);
        _issuance.totalSupply = uint96(newSupply);
    }

    /// @dev Takes `value` from `account`; returns whether the account earns (so eligible supply shrinks).
    function _debit(address account, uint256 value, uint256 down, uint256 up) private returns (bool earning) {
        PackedAccount a = _accounts[account];
        uint256 balance = a.balance();
        if (balance < value) revert ERC20InsufficientBalance(account, balance, value);
        uint256 newBalance;
        unchecked {
            newBalance = balance - value;
        }
        return _setBalance(account, a, newBalance, down, up);
    }

    /// @dev Gives `value` to `account`; returns whether the account earns (so eligible supply grows).
    function _credit(address account, uint256 value, uint256 down, uint256 up) private returns (bool earning) {
        PackedAccount a = _accounts[account];
        // Shares enter the redemption escrow only as requests, so its balance is exactly what is pending.
        if (a.isEscrow() && msg.sender != account) revert ERC20InvalidReceiver(account);
        // Cannot overflow: every balance is bounded by the total supply, capped at 2^96 - 1 on mint.
        return _setBalance(account, a, a.balance() + value, down, up);
    }

    /// @dev Stores `newBalance` for `account`, re-checkpointing it if it earns; returns whether it earns.
    function _setBalance(address account, PackedAccount a, uint256 newBalance, uint256 down, uint256 up)
        private
        returns (bool earning)
    {
        earning = !a.isExcluded();
        _accounts[account] = earning ? _reCheckpoint(account, a, newBalance, down, up)
            : PackedAccountLib.pack(newBalance, a.paid(), a.flags());
    }

    /// @dev `a` with `newBalance`, carrying what it earned on its old balance (at the accumulator rounded down)
    ///      and checkpointing at the accumulator rounded up (see StreamMath, twist 3).
    function _reCheckpoint(address account, PackedAccount a, uint256 newBalance, uint256 down, uint256 up)
        private
        returns (PackedAccount)
    {
        uint256 scaled = StreamMath.scaledEarned(a.balance(), a.paid(), down);
        (int256 paid, bool ok) = StreamMath.fold(scaled, newBalance, up);
        if (ok) return PackedAccountLib.pack(newBalance, paid, a.flags());
        uint256 spilled = _spill(account, scaled, _accumulatorScale());
        return PackedAccountLib.pack(newBalance, int256(up), a.flags() | spilled);
    }

    /// @dev Moves scaled earnings that cannot live in the checkpoint to the account's separate accrued balance.
    /// @return flag HAS_ACCRUED if anything moved, else zero: the caller sets it on the account.
    function _spill(address account, uint256 scaled, uint256 accScale) private returns (uint256 flag) {
        uint256 amount = scaled / accScale;
        if (amount == 0) return 0;
        _accrued[account] += amount;
        return HAS_ACCRUED;
    }

    /// @dev Moves `account` across the excluded boundary with a checkpoint. `returnStranded`: the account is a pool
    ///      that can never claim, so what it earned (checkpoint and accrued) joins the carried reward instead of
    ///      staying as `earned(pool)` for good; otherwise the earnings stay the account's.
    function _setExcluded(address account, bool excluded, bool returnStranded) private {
        if (_supply.locked) revert SharesLocked();
        if (account == address(this) || account == _vault || account == _redemptionQueue) {
            revert ProtocolAccount(account);
        }
        PackedAccount a = _accounts[account];
        if (a.isExcluded() == excluded) revert ExclusionUnchanged(account, excluded);
        Supply memory supply = _supply;
        uint256 balance = a.balance();
        uint256 eligible = excluded ? supply.eligible - balance : supply.eligible + balance;
        uint256 accScale = _accumulatorScale();
        PackedStream s = _checkpointGlobal(_stream, supply, eligible, accScale);
        uint256 accumulator = s.rewardPerToken();
        if (!excluded) {
            a = PackedAccountLib.pack(balance, int256(accumulator), a.flags() & ~EXCLUDED);
        } else if (returnStranded) {
            uint256 stranded = StreamMath.scaledEarned(balance, a.paid(), accumulator) / accScale;
            if (a.hasAccrued()) {
                stranded += _accrued[account];
                delete _accrued[account];
            }
            if (stranded > 0) {
                _scaledUndistributed += stranded * StreamMath.RATE_SCALE;
                emit StrandedYieldReturned(account, stranded);
            }
            a = PackedAccountLib.pack(balance, int256(accumulator), (a.flags() | EXCLUDED) & ~HAS_ACCRUED);
        } else {
            uint256 spilled = _spill(account, StreamMath.scaledEarned(balance, a.paid(), accumulator), accScale);
            a = PackedAccountLib.pack(balance, a.paid(), a.flags() | EXCLUDED | spilled);
        }
        _stream = s;
        _supply.eligible = uint96(eligible);
        _accounts[account] = a;
        emit ExclusionSet(account, excluded);
    }

    /// @dev Stream `s` brought to now (the caller stores it) with `eligible` shares earning from now on; the
    ///      reward of stopped seconds is carried.
    function _checkpointGlobal(PackedStream s, Supply memory supply, uint256 eligible, uint256 accScale)
        private
        returns (PackedStream moved)
    {
        uint256 scaledUnstreamed;
        (moved, scaledUnstreamed) = s.checkpoint(block.timestamp, supply.scaledRate, eligible, accScale);
        if (scaledUnstreamed > 0) _scaledUndistributed += scaledUnstreamed;
    }

    /// @dev StreamMath.scale(stablecoin decimals), from the clone's immutable args.
    function _accumulatorScale() private view returns (uint256) {
        return CloneArgs.uintAt(1);
    }

    /// @dev The stablecoin and the accumulator scale, read together for a claim.
    function _payoutArgs() private view returns (address stable, uint256 accScale) {
        (bytes32 first, bytes32 second) = CloneArgs.firstTwoWords();
        return (address(uint160(uint256(first))), uint256(second));
    }

    function _excludeAtLaunch(address account, uint256 flags) private {
        _accounts[account] = PackedAccountLib.pack(0, 0, flags);
        emit ExclusionSet(account, true);
    }

    function _setPolicy(ITransferPolicy policy) private {
        _policy = policy;
        _supply.policyEnabled = address(policy) != address(0);
        emit TransferPolicySet(address(policy));
    }

    function _approve(address owner, address spender, uint256 value) private {
        if (owner == address(0)) revert ERC20InvalidApprover(address(0));
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _allowances[owner][spender] = value;
        emit Approval(owner, spender, value);
    }

    function _spendAllowance(address owner, address spender, uint256 value) private {
        uint256 current = _allowances[owner][spender];
        if (current == type(uint256).max) return;
        if (current < value) revert ERC20InsufficientAllowance(spender, current, value);
        unchecked {
            _allowances[owner][spender] = current - value;
        }
    }

    function _onlyGuardian() private view {
        if (!_roles().isGuardian(msg.sender)) revert Unauthorized(msg.sender);
    }

    function _onlyOperatorOrAdmin() private view {
        IClusterRoles roles = _roles();
        if (msg.sender != roles.operatorOf(clusterId()) && !roles.isProtocolAdmin(msg.sender)) {
            revert Unauthorized(msg.sender);
        }
    }

    function _roles() private view returns (IClusterRoles) {
        return IClusterRoles(factory());
    }

    /// @dev The EIP-712 domain name is the token name, kept in one place.
    function _EIP712Name() internal view override returns (string memory) {
        return _name;
    }

    function _EIP712Version() internal pure override returns (string memory) {
        return "1";
    }
}
