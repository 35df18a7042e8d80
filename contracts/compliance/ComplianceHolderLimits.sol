// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenGate} from "../token/TokenGate.sol";

/**
 * @title ComplianceHolderLimits
 * @notice Two rules on how the token is spread:
 * {RULE_MAX_HOLDERS}: at most `maxHolders` wallets hold tokens (a private placement's limit);
 * {RULE_MAX_BALANCE}: no receiver ends up holding more than `maxBalance` token units.
 * @dev The number of holders is kept on every mint, burn and transfer (also while the rule is
 * off). The limits and the count share one storage slot.
 */
abstract contract ComplianceHolderLimits is TokenGate {
    /// @notice Id of the maximum-number-of-holders rule.
    uint8 public constant RULE_MAX_HOLDERS = 2;
    /// @notice Id of the maximum-balance-per-investor rule.
    uint8 public constant RULE_MAX_BALANCE = 3;

    struct Limits {
        uint32 maxHolders;
        uint32 holderCount;
        uint128 maxBalance;
    }

    Limits private _limits;

    /// @notice Emitted when the admin sets the maximum number of holders.
    event MaxHoldersSet(uint32 maxHolders);
    /// @notice Emitted when the admin sets the maximum balance per investor.
    event MaxBalanceSet(uint128 maxBalance);

    /// @dev The receiver would be a new holder, but the token already has `maxHolders`.
    error MaxHoldersReached(address newHolder, uint32 maxHolders);
    /// @dev The receiver would hold `balanceAfter`, above `maxBalance`.
    error MaxBalanceExceeded(address holder, uint256 balanceAfter, uint256 maxBalance);

    /**
     * @notice Sets the maximum number of holders (used while {RULE_MAX_HOLDERS} is on).
     * @dev Admin only. Existing holders are never forced out. Emits {MaxHoldersSet}.
     * @param maxHolders_ The maximum.
     */
    function setMaxHolders(uint32 maxHolders_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _limits.maxHolders = maxHolders_;
        emit MaxHoldersSet(maxHolders_);
    }

    /**
     * @notice Sets the maximum balance per investor (used while {RULE_MAX_BALANCE} is on).
     * @dev Admin only. Existing balances are never cut. Emits {MaxBalanceSet}.
     * @param maxBalance_ Token units (18 decimals).
     */
    function setMaxBalance(uint128 maxBalance_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _limits.maxBalance = maxBalance_;
        emit MaxBalanceSet(maxBalance_);
    }

    /**
     * @notice The maximum number of holders.
     * @return The maximum.
     */
    function maxHolders() public view returns (uint32) {
        return _limits.maxHolders;
    }

    /**
     * @notice The number of wallets holding tokens now.
     * @return The count.
     */
    function holderCount() public view returns (uint32) {
        return _limits.holderCount;
    }

    /**
     * @notice The maximum balance per investor.
     * @return Token units.
     */
    function maxBalance() public view returns (uint128) {
        return _limits.maxBalance;
    }

    /// @dev The receiver over the maximum balance; a new holder beyond the maximum count.
    function _checkTransfer(TransferCheck memory t) internal view virtual override returns (bytes memory refusal) {
        refusal = super._checkTransfer(t);
        bool holders = _ruleOn(t, RULE_MAX_HOLDERS);
        bool balances = _ruleOn(t, RULE_MAX_BALANCE);
        if (refusal.length != 0 || !(holders || balances) || t.value == 0 || t.from == t.to) return refusal;
        Limits memory limits = _limits;
        if (balances && t.toBalance + t.value > limits.maxBalance) {
            return abi.encodeWithSelector(MaxBalanceExceeded.selector, t.to, t.toBalance + t.value, limits.maxBalance);
        }
        if (
            holders && t.toBalance == 0 && (t.from == address(0) || t.fromBalance != t.value)
                && limits.holderCount >= limits.maxHolders
        ) {
            return abi.encodeWithSelector(MaxHoldersReached.selector, t.to, limits.maxHolders);
        }
        return refusal;
    }

    function _knownRule(uint8 rule) internal pure virtual override returns (bool) {
        return rule == RULE_MAX_HOLDERS || rule == RULE_MAX_BALANCE || super._knownRule(rule);
    }

    /// @dev Counts holders on mints and transfers: a receiver that held nothing joins, a sender
    /// that sends all it held leaves.
    function _afterCheckedUpdate(TransferCheck memory t) internal virtual override {
        super._afterCheckedUpdate(t);
        if (t.value == 0 || t.from == t.to) return;
        bool joins = t.toBalance == 0;
        bool leaves = t.from != address(0) && t.fromBalance == t.value;
        if (joins != leaves) {
            if (joins) ++_limits.holderCount;
            else --_limits.holderCount;
        }
    }

    /// @dev Counts holders on burns: a holder whose whole balance is burned leaves.
    function _update(address from, address to, uint256 value) internal virtual override {
        bool leaves = to == address(0) && value != 0 && balanceOf(from) == value;
        super._update(from, to, value);
        if (leaves) --_limits.holderCount;
    }
}
