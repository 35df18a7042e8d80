// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";
import {TokenGate} from "./TokenGate.sol";
import {RevenueDistribution} from "./RevenueDistribution.sol";

/**
 * @title RevenueShareToken
 * @notice One token is one unit share of a defined slice of an asset's revenue for a fixed term.
 * Holders must be verified investors; revenue is paid in a stablecoin and claimed by holders.
 * @dev Combines {TokenGate} (identity, pause, maturity) and {RevenueDistribution} (accumulator)
 * through {ERC20-_update}. Roles: DEFAULT_ADMIN_ROLE (issuer), AGENT_ROLE (mint, burn, pause),
 * SERVICER_ROLE (reports and distributes revenue).
 */
contract RevenueShareToken is ERC20, AccessControl, TokenGate, RevenueDistribution {
    /// @notice Role allowed to mint, burn, pause and unpause.
    bytes32 public constant AGENT_ROLE = keccak256("AGENT_ROLE");
    /// @notice Role allowed to distribute revenue.
    bytes32 public constant SERVICER_ROLE = keccak256("SERVICER_ROLE");

    /**
     * @notice Deploys the token. Only DEFAULT_ADMIN_ROLE is granted; the admin grants the rest.
     * @param name_ Token name.
     * @param symbol_ Token symbol.
     * @param admin Receives DEFAULT_ADMIN_ROLE.
     * @param settlementToken_ Stablecoin revenue is paid in.
     * @param identityRegistry_ Registry that verifies receivers.
     * @param maturity_ Unix time at which the term ends.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address admin,
        IERC20 settlementToken_,
        IIdentityRegistry identityRegistry_,
        uint64 maturity_
    ) ERC20(name_, symbol_) TokenGate(identityRegistry_, maturity_) RevenueDistribution(settlementToken_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /**
     * @notice Mints `amount` tokens to `to`.
     * @dev Agent only. The receiver must pass the gate. Emits {Transfer}.
     * @param to Receiver (a verified investor).
     * @param amount Token units (18 decimals).
     */
    function mint(address to, uint256 amount) external onlyRole(AGENT_ROLE) {
        _mint(to, amount);
    }

    /**
     * @notice Burns `amount` tokens held by `from`.
     * @dev Agent only; no allowance needed. Works while paused and after maturity. Revenue
     * already earned by `from` stays claimable. Emits {Transfer}.
     * @param from Holder whose tokens are burned.
     * @param amount Token units (18 decimals).
     */
    function burn(address from, uint256 amount) external onlyRole(AGENT_ROLE) {
        _burn(from, amount);
    }

    /**
     * @notice Stops transfers and mints.
     * @dev Agent only. Emits {Paused}.
     */
    function pause() external onlyRole(AGENT_ROLE) {
        _pause();
    }

    /**
     * @notice Resumes transfers and mints.
     * @dev Agent only. Emits {Unpaused}.
     */
    function unpause() external onlyRole(AGENT_ROLE) {
        _unpause();
    }

    /**
     * @notice Distributes `amount` of revenue for period `periodId` to all current holders.
     * @dev Servicer only. Pulls `amount` of the settlement token from the caller (approve first).
     * Periods are strictly sequential from 1, so a repeated period is rejected. O(1).
     * Works while paused and after maturity. Emits {RevenueDistributed}. No reentrancy guard:
     * every state change precedes the one external call, to the settlement token fixed at
     * construction.
     * @param periodId Must be `lastPeriodId() + 1`.
     * @param amount Settlement-token units; 0 records a period without net revenue.
     * @param reportHash Hash of the servicer's off-chain revenue report.
     */
    function distribute(uint256 periodId, uint256 amount, bytes32 reportHash) external onlyRole(SERVICER_ROLE) {
        _distribute(msg.sender, periodId, amount, reportHash);
    }

    /**
     * @notice Replaces the identity registry.
     * @dev Admin only. Emits {IdentityRegistrySet}.
     * @param newRegistry The new registry (not zero).
     */
    function setIdentityRegistry(IIdentityRegistry newRegistry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setIdentityRegistry(newRegistry);
    }

    /// @dev Gate first (pause, maturity, identity), then balances, then revenue corrections.
    function _update(address from, address to, uint256 value)
        internal
        override(ERC20, TokenGate, RevenueDistribution)
    {
        super._update(from, to, value);
    }
}
