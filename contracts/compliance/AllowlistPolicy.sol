// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ITransferPolicy} from "../interfaces/ITransferPolicy.sol";
import {IClusterRoles} from "../interfaces/IClusterRoles.sol";
import {CloneArgs} from "../libraries/CloneArgs.sol";
import {IClusterErrors} from "../interfaces/IClusterErrors.sol";

/// @title AllowlistPolicy
/// @notice A cluster's optional compliance rule: shares may only be received by allowlisted accounts whose entry has
///         not expired, and a frozen account can neither send nor receive on the market. Wallets and DEX front ends
///         ask `canTransfer`.
/// @dev Decisions, made on purpose rather than by accident:
///      - The cluster's own contracts (share token, revenue vault, redemption queue) need no entry and cannot be
///        frozen, so escrow, redemption and fee flows never depend on a compliance officer's bookkeeping. Their
///        counterparty is still checked: the protocol cannot route shares to someone who could not receive them.
///      - A mint needs an allowed receiver. The protocol exits, a burn (refund, settlement) and a redemption
///        request (into the queue's escrow), and a cancelled request going back from the queue, are not this
///        policy's to decide: the share token does not ask, and `canTransfer` answers true for them, frozen or
///        lapsed. A freeze stops an account's shares on the market; it cannot trap its money.
///      - A DEX pool is an ordinary account here: it must be allowlisted to hold shares.
///      EIP-1167 clone; immutable args `abi.encode(factory, clusterId, shareToken, revenueVault, redemptionQueue)`.
contract AllowlistPolicy is ITransferPolicy, IClusterErrors {
    /// @dev One account's standing. `expiry` is a timestamp; zero means not allowlisted.
    struct Entry {
        uint64 expiry;
        bool frozen;
    }

    mapping(address account => Entry) private _entries;

    /// @notice `account` may hold shares until `expiry` (zero: removed from the allowlist).
    event AllowlistUpdated(address indexed account, uint64 expiry);
    /// @notice `account` was frozen (true) or unfrozen (false) by `by`.
    event FreezeUpdated(address indexed account, bool frozen, address indexed by);

    /// @notice Entries must expire in the future (use zero to remove one).
    error ExpiryInPast(uint64 expiry);
    /// @notice The cluster's own contracts are always allowed and cannot be frozen.
    error ProtocolAccount(address account);
    /// @notice The account already has this freeze status.
    error FreezeUnchanged(address account, bool frozen);

    /// @notice Allowlists each of `accounts` until `expiry`, or removes them with `expiry` = 0. Operator or admin.
    /// @param accounts Accounts to allowlist or remove; none may be the cluster's share token, vault or redemption
    ///        queue. A frozen account stays frozen.
    /// @param expiry Unix time in seconds from which the entries no longer count; in the future, or zero to remove.
    function setAllowed(address[] calldata accounts, uint64 expiry) external {
        _onlyOperatorOrAdmin();
        if (expiry != 0 && expiry <= block.timestamp) revert ExpiryInPast(expiry);
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            _checkNotProtocol(account);
            _entries[account].expiry = expiry;
            emit AllowlistUpdated(account, expiry);
        }
    }

    /// @notice Freezes `account`: it can neither send nor receive shares on the market (its protocol exits stay
    ///         open: redemption requests, cancels, refunds, claims). Operator, admin or guardian.
    /// @param account The account to freeze: not address(0), not one of the cluster's contracts, not frozen already.
    function freeze(address account) external {
        IClusterRoles roles = _roles();
        if (!_isOperatorOrAdmin(roles) && !roles.isGuardian(msg.sender)) revert Unauthorized(msg.sender);
        _setFrozen(account, true);
    }

    /// @notice Lifts a freeze. Operator or admin.
    /// @param account A frozen account; its allowlist entry (and expiry) is as it was.
    function unfreeze(address account) external {
        _onlyOperatorOrAdmin();
        _setFrozen(account, false);
    }

    /// @inheritdoc ITransferPolicy
    /// @dev address(0) stands for a mint (`from`) or a burn (`to`).
    function canTransfer(address from, address to, uint256) external view returns (bool) {
        (address token, address vault, address queue) = _protocolAccounts();
        if (to == address(0) || to == queue || from == queue) return true; // the exits: see the contract's notes
        if (from != address(0) && _entries[from].frozen) return false;
        if (_entries[to].frozen) return false;
        bool toProtocol = to == token || to == vault;
        if (!toProtocol && !_isAllowed(to)) return false;
        bool fromProtocol = from == address(0) || from == token || from == vault;
        return fromProtocol || _isAllowed(from);
    }

    /// @notice Whether `account` holds an unexpired entry and is not frozen.
    /// @param account Any address.
    /// @return True if it may receive shares on the market now (the cluster's own contracts answer false: they
    ///         need no entry).
    function isAllowed(address account) external view returns (bool) {
        return _isAllowed(account) && !_entries[account].frozen;
    }

    /// @notice `account`'s entry: expiry (zero if none) and whether it is frozen.
    /// @param account Any address.
    /// @return expiry Unix time in seconds from which the entry no longer counts (zero: not allowlisted; a past
    ///         value: lapsed).
    /// @return frozen Whether the account is frozen, whatever its expiry.
    function entry(address account) external view returns (uint64 expiry, bool frozen) {
        Entry memory e = _entries[account];
        return (e.expiry, e.frozen);
    }

    /// @notice The factory holding the roles.
    /// @return The ClusterFactory asked who the cluster's operator, the protocol admin and the guardians are.
    function factory() public view returns (address) {
        return CloneArgs.addressAt(0);
    }

    /// @notice The cluster this policy guards.
    /// @return The cluster's id in the factory's registry.
    function clusterId() public view returns (uint256) {
        return CloneArgs.uintAt(1);
    }

    function _setFrozen(address account, bool frozen) private {
        if (account == address(0)) revert ZeroAddress();
        _checkNotProtocol(account);
        if (_entries[account].frozen == frozen) revert FreezeUnchanged(account, frozen);
        _entries[account].frozen = frozen;
        emit FreezeUpdated(account, frozen, msg.sender);
    }

    function _isAllowed(address account) private view returns (bool) {
        return _entries[account].expiry > block.timestamp;
    }

    function _checkNotProtocol(address account) private view {
        (address token, address vault, address queue) = _protocolAccounts();
        if (account == token || account == vault || account == queue) revert ProtocolAccount(account);
    }

    function _protocolAccounts() private view returns (address token, address vault, address queue) {
        return (CloneArgs.addressAt(2), CloneArgs.addressAt(3), CloneArgs.addressAt(4));
    }

    function _onlyOperatorOrAdmin() private view {
        if (!_isOperatorOrAdmin(_roles())) revert Unauthorized(msg.sender);
    }

    function _isOperatorOrAdmin(IClusterRoles roles) private view returns (bool) {
        return msg.sender == roles.operatorOf(clusterId()) || roles.isProtocolAdmin(msg.sender);
    }

    function _roles() private view returns (IClusterRoles) {
        return IClusterRoles(factory());
    }
}
