// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";

/**
 * @title TokenGate
 * @notice ERC-20 extension that lets tokens reach only verified investors, stops transfers and
 * mints while paused, and stops them for good once the term has matured. Burns always pass.
 * @dev Hooks into {ERC20-_update}. Checks, in order: paused, matured, receiver verified.
 */
abstract contract TokenGate is ERC20, Pausable {
    IIdentityRegistry private _identityRegistry;
    uint64 private immutable _maturity;

    /// @notice Emitted when the identity registry is set or replaced.
    event IdentityRegistrySet(address identityRegistry);

    /// @dev The receiver of a transfer or mint is not verified by the identity registry.
    error ReceiverNotVerified(address to);
    /// @dev A transfer or mint was attempted at or after maturity.
    error TermMatured(uint64 maturity);
    /// @dev The identity registry address is zero.
    error InvalidIdentityRegistry(address identityRegistry);
    /// @dev The maturity is not in the future at deployment.
    error MaturityNotInFuture(uint64 maturity, uint256 currentTime);

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
     * @notice The identity registry that verifies receivers.
     * @return The registry contract.
     */
    function identityRegistry() public view returns (IIdentityRegistry) {
        return _identityRegistry;
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
        _identityRegistry = newRegistry;
        emit IdentityRegistrySet(address(newRegistry));
    }

    /// @dev Transfers and mints (`to != 0`) must pass the gate; burns pass unchecked.
    function _update(address from, address to, uint256 value) internal virtual override {
        if (to != address(0)) {
            _requireNotPaused();
            if (isMatured()) revert TermMatured(_maturity);
            if (!_identityRegistry.isVerified(to)) revert ReceiverNotVerified(to);
        }
        super._update(from, to, value);
    }
}
