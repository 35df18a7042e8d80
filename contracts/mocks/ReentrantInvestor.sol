// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ReentrantInvestor
 * @notice TEST ONLY, hostile on purpose. A contract wallet that holds tokens, buys and claims
 * in its own name, and lets the {ReentrantSettlementToken} call it back while a payment to or
 * from it is under way, so that a re-entered `claim`, `buy`, `refund` or `take` comes from the
 * holder itself, the most dangerous caller.
 */
contract ReentrantInvestor {
    /// @notice The account that deployed the wallet.
    address public immutable owner;
    /// @notice A second account allowed to make the wallet call out (the hostile token).
    address public hook;

    /// @dev The caller is neither the owner nor the hook.
    error NotAllowed(address caller);

    constructor() {
        owner = msg.sender;
    }

    /**
     * @notice Lets `hook` make the wallet call out as well as the owner.
     * @param hook_ The hostile token (or zero to revoke).
     */
    function setHook(address hook_) external {
        if (msg.sender != owner) revert NotAllowed(msg.sender);
        hook = hook_;
    }

    /**
     * @notice Calls `target` with `data` as this wallet; a revert is passed on unchanged.
     * @param target The contract to call.
     * @param data The call data.
     * @return result What the call returned.
     */
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        if (msg.sender != owner && msg.sender != hook) revert NotAllowed(msg.sender);
        bool success;
        (success, result) = target.call(data);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}
