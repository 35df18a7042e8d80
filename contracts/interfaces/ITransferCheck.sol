// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ITransferCheck
 * @notice A token that can say, before a transfer, whether its compliance rules allow it.
 */
interface ITransferCheck {
    /**
     * @notice Whether `from` could transfer `value` tokens to `to` now, and if not, which rule
     * would stop it (`from` zero: whether `value` tokens could be minted to `to`).
     * @param from Sender (zero for a mint).
     * @param to Receiver.
     * @param value Token units.
     * @return allowed True if every rule passes.
     * @return errorSelector The selector of the refusing rule's custom error (zero if allowed).
     * @return reason The revert data the transfer would fail with (empty if allowed).
     */
    function canTransfer(address from, address to, uint256 value)
        external
        view
        returns (bool allowed, bytes4 errorSelector, bytes memory reason);
}
