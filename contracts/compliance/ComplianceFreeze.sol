// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {TokenGate} from "../token/TokenGate.sol";

/**
 * @title ComplianceFreeze
 * @notice Agents freeze a whole wallet (it can neither send nor receive) or part of a holder's
 * tokens (only the unfrozen part can move). Always enforced: freezes are agent actions, not
 * rules an admin switches.
 * @dev Frozen tokens never exceed the balance: when an agent takes frozen tokens (a forced
 * transfer or a burn) they are unfrozen first. State lives in {TokenGate-HolderCompliance}.
 */
abstract contract ComplianceFreeze is TokenGate {
    using SafeCast for uint256;

    /// @notice Emitted when an agent freezes or unfreezes a whole wallet.
    event WalletFreezeSet(address indexed wallet, bool frozen);
    /// @notice Emitted when `amount` more of `holder`'s tokens are frozen.
    event TokensFrozen(address indexed holder, uint256 amount);
    /// @notice Emitted when `amount` of `holder`'s frozen tokens are unfrozen.
    event TokensUnfrozen(address indexed holder, uint256 amount);

    /// @dev The wallet is frozen: it can neither send nor receive tokens.
    error WalletFrozen(address wallet);
    /// @dev The transfer needs more than the holder's unfrozen tokens.
    error InsufficientUnfrozenBalance(address holder, uint256 unfrozen, uint256 needed);
    /// @dev Freezing would freeze more tokens than the holder has.
    error FreezeExceedsBalance(address holder, uint256 balance, uint256 frozenAfter);
    /// @dev Unfreezing more tokens than are frozen.
    error UnfreezeExceedsFrozen(address holder, uint256 frozen, uint256 amount);

    /**
     * @notice Freezes or unfreezes the whole wallet `wallet`.
     * @dev Agent only. Emits {WalletFreezeSet}.
     * @param wallet The wallet.
     * @param frozen True to freeze, false to unfreeze.
     */
    function setWalletFrozen(address wallet, bool frozen) external onlyRole(AGENT_ROLE) {
        _setWalletFrozen(wallet, frozen);
    }

    /**
     * @notice Freezes or unfreezes many wallets: `wallets[i]` gets `frozen[i]`.
     * @dev Agent only. Arrays of equal length ({LengthMismatch}). Emits {WalletFreezeSet} each.
     * @param wallets The wallets.
     * @param frozen True to freeze, false to unfreeze, per wallet.
     */
    function batchSetWalletFrozen(address[] calldata wallets, bool[] calldata frozen) external onlyRole(AGENT_ROLE) {
        if (frozen.length != wallets.length) revert LengthMismatch(wallets.length, frozen.length);
        for (uint256 i = 0; i < wallets.length; ++i) {
            _setWalletFrozen(wallets[i], frozen[i]);
        }
    }

    /**
     * @notice Freezes `amount` more of `holder`'s tokens.
     * @dev Agent only. Reverts with {FreezeExceedsBalance} if more than the balance would be
     * frozen. Emits {TokensFrozen}.
     * @param holder The holder.
     * @param amount Token units to freeze.
     */
    function freezePartialTokens(address holder, uint256 amount) external onlyRole(AGENT_ROLE) {
        _freeze(holder, amount);
    }

    /**
     * @notice Unfreezes `amount` of `holder`'s frozen tokens.
     * @dev Agent only. Reverts with {UnfreezeExceedsFrozen} if fewer are frozen. Emits
     * {TokensUnfrozen}.
     * @param holder The holder.
     * @param amount Token units to unfreeze.
     */
    function unfreezePartialTokens(address holder, uint256 amount) external onlyRole(AGENT_ROLE) {
        _unfreeze(holder, amount);
    }

    /**
     * @notice Freezes `amounts[i]` more of `holders[i]`'s tokens, for every i.
     * @dev Agent only. Arrays of equal length ({LengthMismatch}); any refusal reverts the batch.
     * Emits {TokensFrozen} each.
     * @param holders The holders.
     * @param amounts Token units to freeze, per holder.
     */
    function batchFreezePartialTokens(address[] calldata holders, uint256[] calldata amounts)
        external
        onlyRole(AGENT_ROLE)
    {
        if (amounts.length != holders.length) revert LengthMismatch(holders.length, amounts.length);
        for (uint256 i = 0; i < holders.length; ++i) {
            _freeze(holders[i], amounts[i]);
        }
    }

    /**
     * @notice Unfreezes `amounts[i]` of `holders[i]`'s frozen tokens, for every i.
     * @dev Agent only. Arrays of equal length ({LengthMismatch}); any refusal reverts the batch.
     * Emits {TokensUnfrozen} each.
     * @param holders The holders.
     * @param amounts Token units to unfreeze, per holder.
     */
    function batchUnfreezePartialTokens(address[] calldata holders, uint256[] calldata amounts)
        external
        onlyRole(AGENT_ROLE)
    {
        if (amounts.length != holders.length) revert LengthMismatch(holders.length, amounts.length);
        for (uint256 i = 0; i < holders.length; ++i) {
            _unfreeze(holders[i], amounts[i]);
        }
    }

    /**
     * @notice Whether the whole wallet `wallet` is frozen.
     * @param wallet The wallet.
     * @return True if frozen.
     */
    function isWalletFrozen(address wallet) public view returns (bool) {
        return _holderCompliance[wallet].walletFrozen;
    }

    /**
     * @notice How many of `holder`'s tokens are frozen.
     * @param holder The holder.
     * @return Frozen token units.
     */
    function frozenTokens(address holder) public view returns (uint256) {
        return _holderCompliance[holder].frozenTokens;
    }

    function _setWalletFrozen(address wallet, bool frozen) private {
        _holderCompliance[wallet].walletFrozen = frozen;
        emit WalletFreezeSet(wallet, frozen);
    }

    function _freeze(address holder, uint256 amount) private {
        HolderCompliance storage state = _holderCompliance[holder];
        uint256 frozenAfter = state.frozenTokens + amount;
        uint256 balance = balanceOf(holder);
        if (frozenAfter > balance) revert FreezeExceedsBalance(holder, balance, frozenAfter);
        state.frozenTokens = frozenAfter.toUint128();
        emit TokensFrozen(holder, amount);
    }

    function _unfreeze(address holder, uint256 amount) private {
        HolderCompliance storage state = _holderCompliance[holder];
        uint256 frozen = state.frozenTokens;
        if (amount > frozen) revert UnfreezeExceedsFrozen(holder, frozen, amount);
        state.frozenTokens = uint128(frozen - amount);
        emit TokensUnfrozen(holder, amount);
    }

    /// @dev A frozen sender (unless forced), a transfer beyond the unfrozen tokens (unless
    /// forced), a frozen receiver.
    function _checkTransfer(TransferCheck memory t) internal view virtual override returns (bytes memory refusal) {
        refusal = super._checkTransfer(t);
        if (refusal.length != 0) return refusal;
        if (!t.forced && t.from != address(0)) {
            if (t.sender.walletFrozen) return abi.encodeWithSelector(WalletFrozen.selector, t.from);
            uint256 unfrozen = t.fromBalance - t.sender.frozenTokens;
            if (t.value > unfrozen) {
                return abi.encodeWithSelector(InsufficientUnfrozenBalance.selector, t.from, unfrozen, t.value);
            }
        }
        if (_holderCompliance[t.to].walletFrozen) return abi.encodeWithSelector(WalletFrozen.selector, t.to);
        return refusal;
    }

    /// @dev Frozen tokens move with a recovered wallet. Emits {TokensUnfrozen} for the lost
    /// wallet and {TokensFrozen} for the new one.
    function _moveHolderCompliance(address from, address to) internal virtual override {
        super._moveHolderCompliance(from, to);
        uint256 frozen = _holderCompliance[from].frozenTokens;
        if (frozen != 0) {
            _holderCompliance[from].frozenTokens = 0;
            _holderCompliance[to].frozenTokens = SafeCast.toUint128(_holderCompliance[to].frozenTokens + frozen);
            emit TokensUnfrozen(from, frozen);
            emit TokensFrozen(to, frozen);
        }
    }

    /// @dev Frozen tokens a forced transfer takes are unfrozen first.
    function _beforeForcedTransfer(address from, uint256 value) internal virtual override {
        super._beforeForcedTransfer(from, value);
        _release(from, value);
    }

    /// @dev Frozen tokens a burn takes are unfrozen first.
    function _update(address from, address to, uint256 value) internal virtual override {
        if (to == address(0) && from != address(0)) _release(from, value);
        super._update(from, to, value);
    }

    /// @dev Unfreezes what taking `value` from `holder` needs beyond its unfrozen tokens.
    /// Emits {TokensUnfrozen} if any.
    function _release(address holder, uint256 value) private {
        HolderCompliance storage state = _holderCompliance[holder];
        uint256 frozen = state.frozenTokens;
        if (frozen == 0) return;
        uint256 unfrozen = balanceOf(holder) - frozen;
        if (value <= unfrozen) return;
        uint256 release = value - unfrozen > frozen ? frozen : value - unfrozen;
        state.frozenTokens = uint128(frozen - release);
        emit TokensUnfrozen(holder, release);
    }
}
