// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenGate} from "../token/TokenGate.sol";

/**
 * @title ComplianceHolderLimits
 * @notice Two rules on how the token is spread, both per investor:
 * {RULE_MAX_HOLDERS}: at most `maxHolders` investors hold tokens (a private placement's limit);
 * {RULE_MAX_BALANCE}: no investor ends up holding more than `maxBalance` token units.
 * An investor with several wallets (the identity registry's {IIdentityRegistry-investorOf}
 * names the investor behind them) counts once, with the sum of its wallets' balances.
 * @dev The number of holders is kept on every mint, burn and transfer (also while the rules
 * are off). The limits and the count share one storage slot. An investor with one wallet is
 * that wallet (nothing more is stored, so its transfers cost what they did); the balances of
 * a several-wallet investor's wallets are summed in {investorBalance} from the first time one
 * of them receives after the registry linked them: that wallet and the investor's first
 * wallet (its id) are then counted ({InvestorWalletCounted}), so the sum always includes
 * them. A wallet whose balance is counted stays counted.
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
    /// @dev Several-wallet investor => the sum of its counted wallets' balances.
    mapping(address investor => uint256) private _investorBalance;
    /// @dev Counted wallet => its investor.
    mapping(address wallet => address) private _investorOfWallet;

    /// @notice Emitted when a wallet's balance starts counting in its investor's.
    event InvestorWalletCounted(address indexed investor, address indexed wallet, uint256 balance);

    /// @notice Emitted when the admin sets the maximum number of holders.
    event MaxHoldersSet(uint32 maxHolders);
    /// @notice Emitted when the admin sets the maximum balance per investor.
    event MaxBalanceSet(uint128 maxBalance);

    /// @dev The receiver's investor would be a new holder, but the token already has
    /// `maxHolders`.
    error MaxHoldersReached(address newHolder, uint32 maxHolders);
    /// @dev The receiver's investor would hold `balanceAfter` (all its wallets), above
    /// `maxBalance`.
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

    /**
     * @notice What a several-wallet investor holds in its counted wallets (zero for an
     * investor with one wallet: see `balanceOf`).
     * @param investor The investor's id (its first wallet).
     * @return Token units.
     */
    function investorBalance(address investor) public view returns (uint256) {
        return _investorBalance[investor];
    }

    /// @dev What the holder limits see of one mint or transfer, investor by investor.
    struct Holding {
        uint256 receiverBefore; // what the receiver's investor holds before it
        uint256 senderBefore; // what the sender's investor holds before it (0 for a mint)
        address senderInvestor; // the sender's investor if counted, else zero
        bool sameInvestor; // between two wallets of one investor
    }

    /// @dev The receiver's and the sender's holdings before `t`, as if the receiver's
    /// investor's wallets were already counted (what {_count} does first).
    function _holding(TransferCheck memory t) private view returns (Holding memory h) {
        address investor = t.investor;
        if (investor == address(0)) {
            h.receiverBefore = t.toBalance;
        } else {
            h.receiverBefore = _investorBalance[investor];
            if (!_holderCompliance[t.to].counted) h.receiverBefore += t.toBalance;
            if (investor != t.to && !_holderCompliance[investor].counted) {
                h.receiverBefore += balanceOf(investor);
            }
        }
        if (t.from == address(0)) return h;
        if (t.sender.counted) h.senderInvestor = _investorOfWallet[t.from];
        else if (investor != address(0) && t.from == investor) h.senderInvestor = investor;
        if (h.senderInvestor == address(0)) {
            h.senderBefore = t.fromBalance;
        } else {
            h.sameInvestor = h.senderInvestor == investor;
            h.senderBefore = h.sameInvestor ? h.receiverBefore : _investorBalance[h.senderInvestor];
        }
    }

    /// @dev The receiver over the maximum balance; a new holder beyond the maximum count.
    function _checkTransfer(TransferCheck memory t) internal view virtual override returns (bytes memory refusal) {
        refusal = super._checkTransfer(t);
        bool holders = _ruleOn(t, RULE_MAX_HOLDERS);
        bool balances = _ruleOn(t, RULE_MAX_BALANCE);
        if (refusal.length != 0 || !(holders || balances) || t.value == 0 || t.from == t.to) return refusal;
        uint256 receiverBefore = t.toBalance;
        uint256 senderBefore = t.fromBalance;
        if (t.investor != address(0) || t.sender.counted) {
            Holding memory h = _holding(t);
            if (h.sameInvestor) return refusal;
            (receiverBefore, senderBefore) = (h.receiverBefore, h.senderBefore);
        }
        Limits memory limits = _limits;
        uint256 after_ = receiverBefore + t.value;
        if (balances && after_ > limits.maxBalance) {
            return abi.encodeWithSelector(MaxBalanceExceeded.selector, t.to, after_, limits.maxBalance);
        }
        if (
            holders && receiverBefore == 0 && (t.from == address(0) || senderBefore != t.value)
                && limits.holderCount >= limits.maxHolders
        ) {
            return abi.encodeWithSelector(MaxHoldersReached.selector, t.to, limits.maxHolders);
        }
        return refusal;
    }

    function _knownRule(uint8 rule) internal pure virtual override returns (bool) {
        return rule == RULE_MAX_HOLDERS || rule == RULE_MAX_BALANCE || super._knownRule(rule);
    }

    /// @dev Counts holders on mints and transfers, investor by investor: a receiving investor
    /// that held nothing joins, a sending investor that sends all it held leaves. The balances
    /// `t` saw are from before the update.
    function _afterCheckedUpdate(TransferCheck memory t) internal virtual override {
        super._afterCheckedUpdate(t);
        if (t.value == 0 || t.from == t.to) return;
        address investor = t.investor;
        if (investor == address(0) && !t.sender.counted) {
            // Investors with one wallet each: the wallets are the investors.
            bool joins = t.toBalance == 0;
            if (joins != (t.from != address(0) && t.fromBalance == t.value)) {
                if (joins) ++_limits.holderCount;
                else --_limits.holderCount;
            }
            return;
        }
        if (investor != address(0)) {
            _countWallet(investor, t.to, t.toBalance);
            if (investor != t.to) {
                // The investor's first wallet, with its balance before the update under way.
                _countWallet(investor, investor, investor == t.from ? t.fromBalance : balanceOf(investor));
            }
        }
        Holding memory h = _holding(t);
        if (h.sameInvestor) return;
        if (investor != address(0)) _investorBalance[investor] = h.receiverBefore + t.value;
        if (h.senderInvestor != address(0)) _investorBalance[h.senderInvestor] = h.senderBefore - t.value;
        _join(h.receiverBefore == 0, t.from != address(0) && h.senderBefore == t.value);
    }

    /// @dev Counts `wallet`'s balance (`balanceBefore`, before the update under way) in its
    /// investor's, once. A wallet that held tokens on its own and joins an investor already
    /// holding is one holder less. Emits {InvestorWalletCounted}.
    function _countWallet(address investor, address wallet, uint256 balanceBefore) private {
        if (_holderCompliance[wallet].counted) return;
        _holderCompliance[wallet].counted = true;
        _investorOfWallet[wallet] = investor;
        uint256 held = _investorBalance[investor];
        if (balanceBefore != 0) {
            if (held != 0) --_limits.holderCount;
            _investorBalance[investor] = held + balanceBefore;
        }
        emit InvestorWalletCounted(investor, wallet, balanceBefore);
    }

    function _join(bool joins, bool leaves) private {
        if (joins != leaves) {
            if (joins) ++_limits.holderCount;
            else --_limits.holderCount;
        }
    }

    /// @dev Counts holders on burns: a holder (investor) whose whole balance is burned leaves.
    function _update(address from, address to, uint256 value) internal virtual override {
        if (to != address(0) || value == 0) return super._update(from, to, value);
        bool counted = _holderCompliance[from].counted;
        address investor = counted ? _investorOfWallet[from] : address(0);
        uint256 held = counted ? _investorBalance[investor] : balanceOf(from);
        super._update(from, to, value); // refuses a burn beyond the balance first
        if (counted) _investorBalance[investor] = held - value;
        if (held == value) --_limits.holderCount;
    }
}
