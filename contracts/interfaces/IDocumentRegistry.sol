// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IDocumentRegistry
 * @notice What other contracts of a deal ask a deal's asset and document registry: whether the
 * documents the deal requires are registered, current and attested, and which role an attester
 * holds.
 */
interface IDocumentRegistry {
    /// @dev The required document of `kind` for `asset` is missing, not current, or lacks the
    /// attestations of `rolesRequired` (it has `rolesAttested`).
    error RequiredDocumentMissing(uint64 asset, uint16 kind, uint8 rolesRequired, uint8 rolesAttested);
    /**
     * @notice Reverts with `RequiredDocumentMissing(asset, kind, rolesRequired, rolesAttested)`
     * for the first requirement not met; returns if every one is met.
     */
    function requireDocuments() external view;

    /**
     * @notice Whether `attester` holds every role bit of `roles` (1 appraiser, 2 lawyer,
     * 4 auditor, 8 trustee).
     * @param attester The address.
     * @param roles Role bits.
     * @return True if it holds them all.
     */
    function hasAttesterRoles(address attester, uint8 roles) external view returns (bool);
}
