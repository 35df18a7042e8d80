// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenGate} from "../token/TokenGate.sol";

/**
 * @title ComplianceLockup
 * @notice Rule {RULE_LOCKUP}: tokens bought in the primary sale (any mint) cannot be sold
 * until a lock-up period has passed since the holder's last purchase.
 * @dev Every mint sets the receiver's lock-up end to `now + lockupPeriod` (never earlier than
 * it was) whenever the period is not zero, so enabling the rule later covers earlier buyers.
 * The end lives in {TokenGate-HolderCompliance}, next to the frozen tokens.
 */
abstract contract ComplianceLockup is TokenGate {
    /// @notice Id of the lock-up rule (for {enableRule} and {disableRule}).
    uint8 public constant RULE_LOCKUP = 4;

    uint32 private _lockupPeriod;

    /// @notice Emitted when the admin sets the lock-up period.
    event LockupPeriodSet(uint32 lockupPeriod);
    /// @notice Emitted when a mint starts or extends a holder's lock-up, and when a recovery
    /// moves it (the lost wallet's end becomes 0, the new wallet's the later of the two).
    event LockupStarted(address indexed holder, uint64 lockupEnd);

    /// @dev The sender's tokens are locked up until `lockupEnd`.
    error TokensLockedUp(address holder, uint64 lockupEnd);

    /**
     * @notice Sets the lock-up after a purchase, in seconds; applies to later purchases.
     * @dev Admin only. Emits {LockupPeriodSet}.
     * @param lockupPeriod_ Seconds (0: purchases are not locked up).
     */
    function setLockupPeriod(uint32 lockupPeriod_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _lockupPeriod = lockupPeriod_;
        emit LockupPeriodSet(lockupPeriod_);
    }

    /**
     * @notice The lock-up after a purchase, in seconds.
     * @return Seconds.
     */
    function lockupPeriod() public view returns (uint32) {
        return _lockupPeriod;
    }

    /**
     * @notice Until when `holder` cannot send tokens (while the rule is on).
     * @param holder The holder.
     * @return Unix time (0 if never locked up).
     */
    function lockupEndOf(address holder) public view returns (uint64) {
        return _holderCompliance[holder].lockupEnd;
    }

    /// @dev A sender (not forced) whose lock-up has not ended yet.
    function _checkTransfer(TransferCheck memory t) internal view virtual override returns (bytes memory refusal) {
        refusal = super._checkTransfer(t);
        if (refusal.length != 0 || t.forced || t.from == address(0) || !_ruleOn(t, RULE_LOCKUP)) return refusal;
        uint64 end = t.sender.lockupEnd;
        if (end > block.timestamp) return abi.encodeWithSelector(TokensLockedUp.selector, t.from, end);
        return refusal;
    }

    function _knownRule(uint8 rule) internal pure virtual override returns (bool) {
        return rule == RULE_LOCKUP || super._knownRule(rule);
    }

    /// @dev A recovered wallet keeps the later of the two lock-up ends. Emits {LockupStarted}
    /// for each wallet whose end changes.
    function _moveHolderCompliance(address from, address to) internal virtual override {
        super._moveHolderCompliance(from, to);
        uint64 end = _holderCompliance[from].lockupEnd;
        if (end != 0) {
            _holderCompliance[from].lockupEnd = 0;
            emit LockupStarted(from, 0);
            if (end > _holderCompliance[to].lockupEnd) {
                _holderCompliance[to].lockupEnd = end;
                emit LockupStarted(to, end);
            }
        }
    }

    /// @dev A mint (a purchase) starts the receiver's lock-up. Emits {LockupStarted}.
    function _afterCheckedUpdate(TransferCheck memory t) internal virtual override {
        super._afterCheckedUpdate(t);
        if (t.from != address(0)) return;
        uint32 period = _lockupPeriod;
        if (period == 0) return;
        uint64 end = uint64(block.timestamp) + period;
        if (end > _holderCompliance[t.to].lockupEnd) {
            _holderCompliance[t.to].lockupEnd = end;
            emit LockupStarted(t.to, end);
        }
    }
}
