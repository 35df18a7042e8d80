// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title Shared errors and roles
 * @notice What several contracts of the toolkit declare alike, declared once: the custom errors
 * more than one contract reverts with, and the role identifiers more than one contract grants.
 * @dev Errors live in an interface, as OpenZeppelin's `draft-IERC6093` does, so that every
 * contract that inherits it lists them in its ABI (the toolkit decodes reverts from the ABIs).
 * Roles live in abstract contracts holding only a public constant: inheriting one adds the
 * getter and nothing else.
 */
interface ISharedErrors {
    /// @dev The arrays of a batch call have different lengths.
    error LengthMismatch(uint256 expected, uint256 given);
    /// @dev The identity registry does not record `newWallet` as the recovery of `lostWallet`
    /// (`IdentityRegistry.recoverIdentity` comes first, and only into a fresh wallet).
    error RecoveryNotInRegistry(address lostWallet, address newWallet);
}

/**
 * @title AgentRole
 * @notice The agent's role: on a token it mints, burns, pauses, freezes, forces transfers and
 * recovers wallets; on the identity registry it registers, updates, removes and recovers
 * investors.
 */
abstract contract AgentRole {
    /// @notice Role of the transfer agent.
    bytes32 public constant AGENT_ROLE = keccak256("AGENT_ROLE");
}

/**
 * @title ServicerRole
 * @notice The servicer's role: it reports each period's revenue and distributes it.
 */
abstract contract ServicerRole {
    /// @notice Role allowed to distribute revenue.
    bytes32 public constant SERVICER_ROLE = keccak256("SERVICER_ROLE");
}
