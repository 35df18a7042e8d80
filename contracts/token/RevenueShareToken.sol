// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IRevenueDistribution} from "../interfaces/IRevenueDistribution.sol";
import {ServicerRole} from "../common/Shared.sol";
import {TokenGate} from "./TokenGate.sol";
import {RevenueDistribution} from "./RevenueDistribution.sol";
import {ComplianceFreeze} from "../compliance/ComplianceFreeze.sol";
import {ComplianceLockup} from "../compliance/ComplianceLockup.sol";
import {ComplianceCountries} from "../compliance/ComplianceCountries.sol";
import {ComplianceHolderLimits} from "../compliance/ComplianceHolderLimits.sol";

/**
 * @title RevenueShareToken
 * @notice One token is one unit share of a defined slice of an asset's revenue for a fixed term.
 * Holders must be verified investors; revenue is paid in a stablecoin and claimed by holders.
 * @dev Combines {TokenGate} (identity, pause, maturity, forced transfers, the rule frame), the
 * compliance modules {ComplianceFreeze}, {ComplianceLockup}, {ComplianceCountries} and
 * {ComplianceHolderLimits} (checked in this order), and {RevenueDistribution} (accumulator)
 * through {ERC20-_update}. Roles: DEFAULT_ADMIN_ROLE (issuer: rules, registry, roles),
 * AGENT_ROLE (mint, burn, pause, freeze, forced transfer, wallet recovery), SERVICER_ROLE
 * (reports and distributes revenue), GATE_ROLE (a report gate: distributes for the account that
 * submitted a verified report, {distributeFrom}). A new token has every rule off; the deployment turns on
 * the deal's. The admin role is handed over in two steps with a delay (OpenZeppelin's
 * {AccessControlDefaultAdminRules}): the admin cannot revoke or renounce itself in one call,
 * and a new admin accepts only after the delay, which the current admin can cancel.
 */
contract RevenueShareToken is
    ERC20,
    AccessControlDefaultAdminRules,
    TokenGate,
    ComplianceFreeze,
    ComplianceLockup,
    ComplianceCountries,
    ComplianceHolderLimits,
    RevenueDistribution,
    ServicerRole
{
    /// @notice Role of a report gate ({distributeFrom}).
    bytes32 public constant GATE_ROLE = keccak256("GATE_ROLE");

    /// @notice Emitted when an agent recovers a lost wallet's holding into the investor's new one.
    event WalletRecovered(address indexed lostWallet, address indexed newWallet, uint256 balance);

    /// @dev The new wallet of a recovery is the lost wallet itself, zero, or already holds tokens.
    error InvalidRecoveryWallet(address lostWallet, address newWallet);

    /**
     * @notice Deploys the token. Only DEFAULT_ADMIN_ROLE is granted; the admin grants the rest.
     * @param name_ Token name.
     * @param symbol_ Token symbol.
     * @param admin Receives DEFAULT_ADMIN_ROLE.
     * @param settlementToken_ Stablecoin revenue is paid in.
     * @param identityRegistry_ Registry that verifies receivers.
     * @param maturity_ Unix time at which the term ends.
     * @param supplyCap_ The deal's supply: the most tokens that can ever exist, in base units.
     * @param finalPeriod_ The term's last revenue period (the deal's number of periods).
     * @param adminDelay Seconds between the start of an admin handover and its acceptance.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address admin,
        IERC20 settlementToken_,
        IIdentityRegistry identityRegistry_,
        uint64 maturity_,
        uint256 supplyCap_,
        uint64 finalPeriod_,
        uint48 adminDelay
    )
        ERC20(name_, symbol_)
        AccessControlDefaultAdminRules(adminDelay, admin)
        TokenGate(identityRegistry_, maturity_)
        RevenueDistribution(settlementToken_, supplyCap_, finalPeriod_)
    {}

    /**
     * @notice Mints `amount` tokens to `to` (a primary purchase).
     * @dev Agent only. The receiver must pass every rule (see {canTransfer} with `from` zero);
     * the mint starts its lock-up ({LockupStarted}). The supply never exceeds {supplyCap}
     * ({SupplyCapExceeded}). Emits {Transfer}.
     * @param to Receiver (a verified investor).
     * @param amount Token units (18 decimals).
     */
    function mint(address to, uint256 amount) external onlyRole(AGENT_ROLE) {
        uint256 supplyAfter = totalSupply() + amount;
        if (supplyAfter > supplyCap()) revert SupplyCapExceeded(supplyAfter, supplyCap());
        _mint(to, amount);
    }

    /**
     * @notice Burns `amount` tokens held by `from`.
     * @dev Agent only; no allowance needed, no rule applies. Works while paused and after
     * maturity. Frozen tokens burned are unfrozen first ({TokensUnfrozen}). Revenue already
     * earned by `from` stays claimable. Emits {Transfer}.
     * @param from Holder whose tokens are burned.
     * @param amount Token units (18 decimals).
     */
    function burn(address from, uint256 amount) external onlyRole(AGENT_ROLE) {
        _burn(from, amount);
    }

    /**
     * @inheritdoc IRevenueDistribution
     * @dev Servicer only. Pulls `amount` of the settlement token from the caller (approve first).
     * Periods are strictly sequential from 1, so a repeated period is rejected. O(1).
     * Works while paused and after maturity. Emits {RevenueDistributed}. No reentrancy guard:
     * every state change precedes the one external call, to the settlement token fixed at
     * construction.
     */
    function distribute(uint256 periodId, uint256 amount, bytes32 reportHash)
        external
        onlyRole(SERVICER_ROLE)
        nonReentrant
    {
        _distribute(msg.sender, periodId, amount, reportHash);
    }

    /**
     * @notice Distributes period `periodId` like {distribute}, pulling `amount` from `payer`
     * rather than from the caller: for a report gate, which verifies a period's signed report
     * and pays it in from the account that submitted it, in one transfer.
     * @dev GATE_ROLE only (the admin grants it to the deal's ReportGate and to nothing else): a
     * holder of this role can spend any approval given to this token, so it must be a contract
     * that names as payer only the account calling it. Same checks, state changes and event
     * as {distribute}. Emits {RevenueDistributed}.
     * @param payer Account the settlement token is pulled from (it approved this token).
     * @param periodId The period (the last one plus one).
     * @param amount Settlement-token units.
     * @param reportHash Hash of the period's revenue report.
     */
    function distributeFrom(address payer, uint256 periodId, uint256 amount, bytes32 reportHash)
        external
        onlyRole(GATE_ROLE)
        nonReentrant
    {
        _distribute(payer, periodId, amount, reportHash);
    }

    /**
     * @notice Pays the servicer calling it the rounding dust left after the final period.
     * @dev Servicer only, once the final period has been distributed ({TermNotEnded}), and
     * only whole units released by holders' claims after it plus the carried remainder
     * ({NoDust} if none): what holders are owed is never touched. The servicer paid the
     * revenue in, so the dust goes back where it came from. Emits {DustSwept}.
     * @return amount Settlement-token units paid.
     */
    function sweepDust() external onlyRole(SERVICER_ROLE) nonReentrant returns (uint256 amount) {
        return _sweepDust(msg.sender);
    }

    /**
     * @notice Moves everything a lost wallet holds to the investor's new wallet: the balance,
     * the revenue earned and not claimed, the lock-up and the frozen tokens.
     * @dev Agent only. Move the identity first (`IdentityRegistry.recoverIdentity`): the
     * registry must record `newWallet` as the recovery of `lostWallet`
     * ({RecoveryNotInRegistry}), and `newWallet` must hold no tokens ({InvalidRecoveryWallet}),
     * so a recovery never lands in another investor's wallet. It is then all or nothing: no
     * rule applies (pause, maturity, lock-up, freezes, an expired KYC), since the investor is
     * the same. The balance moves through {_update} (which leaves past revenue with the lost
     * wallet), then the lost wallet's unclaimed revenue moves whole, so nothing is lost or paid
     * twice. A whole-wallet freeze stays on the lost wallet. Emits {Transfer},
     * {ForcedTransfer}, {TokensUnfrozen} and {TokensFrozen} (frozen tokens), {LockupStarted}
     * (both wallets' lock-ups), {AccruedRevenueMoved} and {WalletRecovered}.
     * @param lostWallet The wallet whose key was lost.
     * @param newWallet The investor's new wallet.
     */
    function recoverWallet(address lostWallet, address newWallet) external onlyRole(AGENT_ROLE) {
        if (newWallet == lostWallet || newWallet == address(0)) revert InvalidRecoveryWallet(lostWallet, newWallet);
        if (identityRegistry().recoveredWallet(lostWallet) != newWallet) {
            revert RecoveryNotInRegistry(lostWallet, newWallet);
        }
        if (balanceOf(newWallet) != 0) revert InvalidRecoveryWallet(lostWallet, newWallet);
        uint256 balance = balanceOf(lostWallet);
        _moveHolderCompliance(lostWallet, newWallet);
        _recoveryTransfer(lostWallet, newWallet, balance);
        _moveAccrued(lostWallet, newWallet);
        emit WalletRecovered(lostWallet, newWallet, balance);
    }

    /// @dev A frozen wallet's revenue is held: it accrues, but neither the wallet's own claim
    /// nor anyone's {claimFor} pays it, so revenue cannot be pushed into a wallet whose key was
    /// lost or stolen; {recoverWallet} moves all of it to the investor's new wallet, unfreezing
    /// releases it.
    function _revenueHeld(address holder) internal view override returns (bool) {
        return _holderCompliance[holder].walletFrozen;
    }

    /// @dev Rules first (gate, then the modules in order), then balances, holder count and
    /// lock-up, then revenue corrections.
    /// @inheritdoc AccessControlDefaultAdminRules
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(AccessControl, AccessControlDefaultAdminRules)
        returns (bool)
    {
        return super.supportsInterface(interfaceId);
    }

    function _grantRole(bytes32 role, address account)
        internal
        override(AccessControl, AccessControlDefaultAdminRules)
        returns (bool)
    {
        return super._grantRole(role, account);
    }

    function _revokeRole(bytes32 role, address account)
        internal
        override(AccessControl, AccessControlDefaultAdminRules)
        returns (bool)
    {
        return super._revokeRole(role, account);
    }

    function _setRoleAdmin(bytes32 role, bytes32 adminRole)
        internal
        override(AccessControl, AccessControlDefaultAdminRules)
    {
        super._setRoleAdmin(role, adminRole);
    }

    function grantRole(bytes32 role, address account)
        public
        override(AccessControl, AccessControlDefaultAdminRules)
    {
        super.grantRole(role, account);
    }

    function revokeRole(bytes32 role, address account)
        public
        override(AccessControl, AccessControlDefaultAdminRules)
    {
        super.revokeRole(role, account);
    }

    function renounceRole(bytes32 role, address account)
        public
        override(AccessControl, AccessControlDefaultAdminRules)
    {
        super.renounceRole(role, account);
    }

    function _update(address from, address to, uint256 value)
        internal
        override(ERC20, TokenGate, ComplianceFreeze, ComplianceHolderLimits, RevenueDistribution)
    {
        super._update(from, to, value);
    }

    function _checkTransfer(TransferCheck memory t)
        internal
        view
        override(TokenGate, ComplianceFreeze, ComplianceLockup, ComplianceCountries, ComplianceHolderLimits)
        returns (bytes memory)
    {
        return super._checkTransfer(t);
    }

    function _knownRule(uint8 rule)
        internal
        pure
        override(TokenGate, ComplianceLockup, ComplianceCountries, ComplianceHolderLimits)
        returns (bool)
    {
        return super._knownRule(rule);
    }

    function _moveHolderCompliance(address from, address to)
        internal
        override(TokenGate, ComplianceFreeze, ComplianceLockup)
    {
        super._moveHolderCompliance(from, to);
    }

    function _beforeForcedTransfer(address from, uint256 value) internal override(TokenGate, ComplianceFreeze) {
        super._beforeForcedTransfer(from, value);
    }

    function _afterCheckedUpdate(TransferCheck memory t)
        internal
        override(TokenGate, ComplianceLockup, ComplianceHolderLimits)
    {
        super._afterCheckedUpdate(t);
    }
}
