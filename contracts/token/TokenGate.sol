// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ITransferCheck} from "../interfaces/ITransferCheck.sol";
import {AgentRole, ISharedErrors} from "../common/Shared.sol";

/**
 * @title TokenGate
 * @notice ERC-20 extension that lets tokens reach only verified investors, stops transfers and
 * mints while paused, and stops them for good once the term has matured. It is also the frame
 * the compliance modules plug into: each module adds its rules to one check, {_checkTransfer},
 * which every mint and transfer runs in {ERC20-_update} and which {canTransfer} runs as a view,
 * so the answer of the view and the fate of the transfer cannot differ. Burns always pass.
 * @dev A rule returns the revert data of its custom error (named after the rule, carrying the
 * values that broke it) or nothing. Rules with an id can be enabled and disabled by the admin;
 * the gate's own rules (pause, maturity, verified receiver) and the agent's freezes always
 * apply. Forced transfers (an agent's) skip the sender's rules: pause, maturity, lock-up,
 * freezes; the receiver's rules still apply. Gas: the registry address, the enabled rules, the
 * pause and the forced-transfer flag share one storage slot ({Gate}), read once per transfer;
 * the registry answers country, class and KYC expiry in one call; a holder's lock-up end and
 * frozen tokens share one slot ({HolderCompliance}). The pause has the interface of
 * OpenZeppelin's `Pausable` (events, errors, {paused}), kept in that slot.
 */
abstract contract TokenGate is ERC20, AccessControl, AgentRole, ISharedErrors, ITransferCheck {
    /// @notice A holder's compliance state, one storage slot. The lock-up module owns
    /// `lockupEnd`, the freeze module `frozenTokens` and `walletFrozen`, the holder-limits module
    /// `counted` (the wallet's balance is counted in its investor's, see
    /// {ComplianceHolderLimits}).
    struct HolderCompliance {
        uint64 lockupEnd;
        uint128 frozenTokens;
        bool walletFrozen;
        bool counted;
    }

    /// @notice What the rules see of one mint (`from` zero) or transfer.
    struct TransferCheck {
        address from;
        address to;
        uint256 value;
        uint256 fromBalance; // zero for a mint
        uint256 toBalance;
        bool forced; // an agent's forced transfer or wallet recovery: the sender's rules are skipped
        uint8 rules; // bit `i` set: rule `i` is enabled
        uint16 country; // the receiver's, from the identity registry
        uint8 investorClass; // the receiver's
        uint64 kycExpiry; // the receiver's; zero if not registered
        address investor; // the receiver's investor if it holds several wallets, else zero
        HolderCompliance sender; // the sender's lock-up, freezes, count; empty for mints
    }

    /// @dev What every transfer reads, in one storage slot.
    struct Gate {
        IIdentityRegistry identityRegistry;
        uint8 enabledRules; // bit `i` set: rule `i` is enabled
        bool forcing; // an agent's forced transfer is under way
        bool paused;
        bool transfersHeld; // holders' transfers wait for the primary sale to succeed
        bool recovering; // a wallet recovery is under way: no rule applies
    }

    Gate private _gate;

    uint64 private immutable _maturity;

    /// @dev Holder => lock-up end and freezes (see {HolderCompliance}).
    mapping(address holder => HolderCompliance) internal _holderCompliance;

    /// @notice Emitted when an agent pauses the token.
    event Paused(address account);
    /// @notice Emitted when an agent unpauses the token.
    event Unpaused(address account);
    /// @notice Emitted when the identity registry is set or replaced.
    event IdentityRegistrySet(address identityRegistry);
    /// @notice Emitted when the admin enables a compliance rule.
    event ComplianceRuleEnabled(uint8 indexed rule);
    /// @notice Emitted when the admin disables a compliance rule.
    event ComplianceRuleDisabled(uint8 indexed rule);
    /// @notice Emitted when holders' transfers are held (until the primary sale succeeds) or
    /// released.
    event TransfersHeldSet(bool held);
    /// @notice Emitted when an agent moves tokens without the holder (forced transfer, recovery).
    event ForcedTransfer(address indexed from, address indexed to, uint256 value);

    /// @dev The token is paused.
    error EnforcedPause();
    /// @dev The token is not paused.
    error ExpectedPause();
    /// @dev Holders' transfers are held until the primary sale has succeeded.
    error TransfersHeld();
    /// @dev The receiver of a transfer or mint is not verified by the identity registry.
    error ReceiverNotVerified(address to);
    /// @dev A transfer or mint was attempted at or after maturity.
    error TermMatured(uint64 maturity);
    /// @dev The identity registry address is zero.
    error InvalidIdentityRegistry(address identityRegistry);
    /// @dev The maturity is not in the future at deployment.
    error MaturityNotInFuture(uint64 maturity, uint256 currentTime);
    /// @dev No compliance module of this token has a rule with this id.
    error UnknownComplianceRule(uint8 rule);

    /**
     * @param identityRegistry_ Registry asked whether a receiver is verified.
     * @param maturity_ Unix time at which the term ends; must be in the future.
     */
    constructor(IIdentityRegistry identityRegistry_, uint64 maturity_) {
        if (maturity_ <= block.timestamp) revert MaturityNotInFuture(maturity_, block.timestamp);
        _maturity = maturity_;
        _setIdentityRegistry(identityRegistry_);
    }

    /**
     * @notice Stops transfers and mints (forced transfers, recoveries, burns and claims go on).
     * @dev Agent only. Reverts with {EnforcedPause} if already paused. Emits {Paused}.
     */
    function pause() external onlyRole(AGENT_ROLE) {
        if (_gate.paused) revert EnforcedPause();
        _gate.paused = true;
        emit Paused(msg.sender);
    }

    /**
     * @notice Resumes transfers and mints.
     * @dev Agent only. Reverts with {ExpectedPause} if not paused. Emits {Unpaused}.
     */
    function unpause() external onlyRole(AGENT_ROLE) {
        if (!_gate.paused) revert ExpectedPause();
        _gate.paused = false;
        emit Unpaused(msg.sender);
    }

    /**
     * @notice Holds holders' transfers (mints, burns, forced transfers and recoveries go on),
     * or releases them. The primary offering holds them from its first sale and releases them
     * when the sale succeeds, so sale tokens cannot move while the buyers' refund rights depend
     * on who holds them.
     * @dev Agent only. Emits {TransfersHeldSet}.
     * @param held True to hold, false to release.
     */
    function setTransfersHeld(bool held) external onlyRole(AGENT_ROLE) {
        _gate.transfersHeld = held;
        emit TransfersHeldSet(held);
    }

    /**
     * @notice Whether holders' transfers are held (until the primary sale succeeds).
     * @return True if held.
     */
    function transfersHeld() public view returns (bool) {
        return _gate.transfersHeld;
    }

    /**
     * @notice Replaces the identity registry.
     * @dev Admin only. Emits {IdentityRegistrySet}.
     * @param newRegistry The new registry (not zero).
     */
    function setIdentityRegistry(IIdentityRegistry newRegistry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setIdentityRegistry(newRegistry);
    }

    /**
     * @notice Turns on compliance rule `rule` (its module's `RULE_*` constant).
     * @dev Admin only. Reverts with {UnknownComplianceRule} for an id no module has. Emits
     * {ComplianceRuleEnabled}, also if it was already on.
     * @param rule The rule id.
     */
    function enableRule(uint8 rule) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_knownRule(rule)) revert UnknownComplianceRule(rule);
        _gate.enabledRules |= uint8(1 << rule);
        emit ComplianceRuleEnabled(rule);
    }

    /**
     * @notice Turns off compliance rule `rule`; its settings are kept for a later enable.
     * @dev Admin only. Reverts with {UnknownComplianceRule} for an id no module has. Emits
     * {ComplianceRuleDisabled}, also if it was already off.
     * @param rule The rule id.
     */
    function disableRule(uint8 rule) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_knownRule(rule)) revert UnknownComplianceRule(rule);
        _gate.enabledRules &= ~uint8(1 << rule);
        emit ComplianceRuleDisabled(rule);
    }

    /**
     * @notice Moves `value` tokens from `from` to `to` without the holder's consent (a court
     * order, an error, a transfer agent's settlement).
     * @dev Agent only. Only the receiver's rules apply (verified, countries, class, limits, not
     * frozen); the sender's lock-up, freezes, the pause and maturity do not. Frozen tokens that
     * are taken are unfrozen first ({TokensUnfrozen}). Emits {Transfer} and {ForcedTransfer}.
     * @param from Holder the tokens are taken from.
     * @param to Receiver.
     * @param value Token units.
     */
    function forcedTransfer(address from, address to, uint256 value) external onlyRole(AGENT_ROLE) {
        _forcedTransfer(from, to, value);
    }

    /**
     * @notice Forced transfers in one transaction: `values[i]` from `from[i]` to `to[i]`.
     * @dev Agent only. Arrays of equal length ({LengthMismatch}); any refusal reverts the batch.
     * Emits {Transfer} and {ForcedTransfer} per entry.
     * @param from Holders the tokens are taken from.
     * @param to Receivers.
     * @param values Token units.
     */
    function batchForcedTransfer(address[] calldata from, address[] calldata to, uint256[] calldata values)
        external
        onlyRole(AGENT_ROLE)
    {
        uint256 n = from.length;
        if (to.length != n) revert LengthMismatch(n, to.length);
        if (values.length != n) revert LengthMismatch(n, values.length);
        for (uint256 i = 0; i < n; ++i) {
            _forcedTransfer(from[i], to[i], values[i]);
        }
    }

    /**
     * @inheritdoc ITransferCheck
     * @dev Runs exactly the checks a transfer runs (allowances aside). `reason` is the revert
     * data the transfer would fail with: a custom error named after the rule, with its values.
     */
    function canTransfer(address from, address to, uint256 value)
        external
        view
        override
        returns (bool allowed, bytes4 errorSelector, bytes memory reason)
    {
        reason = to == address(0)
            ? abi.encodeWithSelector(ERC20InvalidReceiver.selector, to)
            : _checkOnly(from, to, value);
        if (reason.length == 0) return (true, bytes4(0), reason);
        return (false, bytes4(reason), reason);
    }

    /**
     * @notice The identity registry that verifies receivers.
     * @return The registry contract.
     */
    function identityRegistry() public view returns (IIdentityRegistry) {
        return _gate.identityRegistry;
    }

    /**
     * @notice Whether the token is paused.
     * @return True if paused.
     */
    function paused() public view returns (bool) {
        return _gate.paused;
    }

    /**
     * @notice The enabled compliance rules: bit `i` set means rule `i` is on.
     * @return The bitmask.
     */
    function enabledRules() public view returns (uint8) {
        return _gate.enabledRules;
    }

    /**
     * @notice Whether compliance rule `rule` is on.
     * @param rule The rule id.
     * @return True if enabled.
     */
    function isRuleEnabled(uint8 rule) public view returns (bool) {
        return rule < 8 && _gate.enabledRules & (1 << rule) != 0;
    }

    /**
     * @notice Unix time at which the term ends; from then on only burns and claims work.
     * @return The maturity timestamp.
     */
    function maturity() public view returns (uint64) {
        return _maturity;
    }

    /**
     * @notice Whether the term has matured (`block.timestamp >= maturity`).
     * @return True once matured.
     */
    function isMatured() public view returns (bool) {
        return block.timestamp >= _maturity;
    }

    /// @dev Sets the identity registry. Emits {IdentityRegistrySet}.
    function _setIdentityRegistry(IIdentityRegistry newRegistry) internal {
        if (address(newRegistry) == address(0)) revert InvalidIdentityRegistry(address(newRegistry));
        _gate.identityRegistry = newRegistry;
        emit IdentityRegistrySet(address(newRegistry));
    }

    /// @dev A transfer by an agent: only the receiver's rules apply. Emits {ForcedTransfer}.
    function _forcedTransfer(address from, address to, uint256 value) internal {
        _beforeForcedTransfer(from, value);
        _gate.forcing = true;
        _transfer(from, to, value);
        _gate.forcing = false;
        emit ForcedTransfer(from, to, value);
    }

    /// @dev A wallet recovery's transfer: the registry has already moved the investor's
    /// identity, so no rule applies (neither the sender's nor the receiver's: the receiver is
    /// the same investor, whatever the pause, the maturity or its KYC). Emits {ForcedTransfer}.
    function _recoveryTransfer(address from, address to, uint256 value) internal {
        _gate.forcing = true;
        _gate.recovering = true;
        _transfer(from, to, value);
        _gate.forcing = false;
        _gate.recovering = false;
        emit ForcedTransfer(from, to, value);
    }

    /// @dev Called before an agent takes `value` tokens from `from` by a forced transfer.
    function _beforeForcedTransfer(address from, uint256 value) internal virtual {}

    /// @dev The refusal a plain transfer (or a mint, `from` zero) would meet now.
    function _checkOnly(address from, address to, uint256 value) private view returns (bytes memory refusal) {
        (, refusal) = _check(_gate, from, to, value, false);
    }

    /// @dev Whether rule `rule` is on in the check `t`.
    function _ruleOn(TransferCheck memory t, uint8 rule) internal pure returns (bool) {
        return t.rules & (1 << rule) != 0;
    }

    /**
     * @dev Runs every rule on a mint (`from` zero) or transfer; returns what the rules saw and
     * the refusal (empty if none). The gate's first: not paused and not matured (unless
     * forced); then {_checkTransfer}.
     */
    function _check(Gate memory gate, address from, address to, uint256 value, bool forced)
        internal
        view
        returns (TransferCheck memory t, bytes memory refusal)
    {
        if (!forced) {
            if (gate.paused) return (t, abi.encodeWithSelector(EnforcedPause.selector));
            if (gate.transfersHeld && from != address(0)) return (t, abi.encodeWithSelector(TransfersHeld.selector));
            if (block.timestamp >= _maturity) return (t, abi.encodeWithSelector(TermMatured.selector, _maturity));
        }
        (t.country, t.investorClass, t.kycExpiry, t.investor) = gate.identityRegistry.investorOf(to);
        t.from = from;
        t.to = to;
        t.value = value;
        t.toBalance = balanceOf(to);
        t.forced = forced;
        t.rules = gate.enabledRules;
        if (from != address(0)) {
            t.fromBalance = balanceOf(from);
            t.sender = _holderCompliance[from]; // the sender's rules skip a forced transfer
        }
        refusal = _checkTransfer(t);
    }

    /**
     * @dev The rules, each module adding its own after `super`'s: the first refusal wins. The
     * gate's own: the sender holds `value`, the receiver is verified.
     */
    function _checkTransfer(TransferCheck memory t) internal view virtual returns (bytes memory) {
        if (t.from != address(0) && t.fromBalance < t.value) {
            return abi.encodeWithSelector(ERC20InsufficientBalance.selector, t.from, t.fromBalance, t.value);
        }
        if (t.kycExpiry <= block.timestamp) return abi.encodeWithSelector(ReceiverNotVerified.selector, t.to);
        return "";
    }

    /// @dev Whether a module has a rule with id `rule`. Each module adds its ids.
    function _knownRule(uint8) internal pure virtual returns (bool) {
        return false;
    }

    /// @dev Wallet recovery: each module moves its part of `from`'s state to `to`.
    function _moveHolderCompliance(address from, address to) internal virtual {}

    /// @dev Called after a mint or transfer that passed the rules, with what they saw (the
    /// balances before it), so that modules keep their books without reading them again.
    function _afterCheckedUpdate(TransferCheck memory t) internal virtual {}

    /// @dev Mints and transfers (`to != 0`) must pass every rule; burns pass unchecked.
    function _update(address from, address to, uint256 value) internal virtual override {
        if (to == address(0)) return super._update(from, to, value);
        Gate memory gate = _gate;
        (TransferCheck memory t, bytes memory refusal) = _check(gate, from, to, value, gate.forcing);
        if (refusal.length != 0 && !gate.recovering) {
            assembly ("memory-safe") {
                revert(add(refusal, 0x20), mload(refusal))
            }
        }
        super._update(from, to, value);
        _afterCheckedUpdate(t);
    }
}
