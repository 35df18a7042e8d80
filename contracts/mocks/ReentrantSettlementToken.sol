// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title ReentrantSettlementToken
 * @notice TEST ONLY, hostile on purpose. A 6-decimal stablecoin that, once armed, makes one call
 * back into a chosen target during its next `transfer` or `transferFrom`, before or after the
 * balance moves (like an ERC-777 or ERC-1363 hook). Used as the settlement or payment token of
 * the revenue token, the offering and the market, to show that they refuse the re-entry and
 * pay nothing twice. Anyone may mint and arm it; never deploy it outside tests.
 */
contract ReentrantSettlementToken is ERC20 {
    /// @notice The call made on the next transfer.
    struct Attack {
        address target;
        bytes data;
        bool beforeMove; // call before the balance moves (else after)
        bool bubble; // a refused re-entry reverts the whole transfer (else it is recorded)
    }

    Attack private _attack;

    /// @notice Whether the next transfer makes the call.
    bool public armed;
    /// @notice Number of re-entries attempted.
    uint256 public reentries;
    /// @notice Whether the last re-entry succeeded.
    bool public lastReentrySucceeded;
    /// @notice The revert data of the last re-entry (empty if it succeeded).
    bytes public lastReentryError;

    /// @notice Emitted for every re-entry attempt, with what the target returned or reverted with.
    event ReentryAttempted(address indexed target, bool success, bytes returnData);

    constructor() ERC20("Hostile USD", "hUSD") {}

    /**
     * @notice Six decimals, like USDC.
     * @return 6.
     */
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /**
     * @notice Mints `amount` units to `to`. Open to anyone: this is a test token.
     * @param to Receiver.
     * @param amount Units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Arms one call to `target` with `data` on the next transfer.
     * @param target The contract to re-enter.
     * @param data The call data.
     * @param beforeMove Call before the balance moves (true) or after (false).
     * @param bubble Revert the transfer with the re-entry's revert data if it is refused.
     */
    function arm(address target, bytes calldata data, bool beforeMove, bool bubble) external {
        _attack = Attack(target, data, beforeMove, bubble);
        armed = true;
    }

    /**
     * @notice ERC-20 transfer, with the armed re-entry.
     * @param to Receiver.
     * @param value Units.
     * @return True.
     */
    function transfer(address to, uint256 value) public override returns (bool) {
        if (_attack.beforeMove) _reenter();
        bool ok = super.transfer(to, value);
        _reenter();
        return ok;
    }

    /**
     * @notice ERC-20 transferFrom, with the armed re-entry.
     * @param from Owner of the units.
     * @param to Receiver.
     * @param value Units.
     * @return True.
     */
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (_attack.beforeMove) _reenter();
        bool ok = super.transferFrom(from, to, value);
        _reenter();
        return ok;
    }

    /// @dev Makes the armed call once. Emits {ReentryAttempted}.
    function _reenter() private {
        if (!armed) return;
        armed = false;
        ++reentries;
        (bool success, bytes memory returnData) = _attack.target.call(_attack.data);
        lastReentrySucceeded = success;
        lastReentryError = success ? bytes("") : returnData;
        emit ReentryAttempted(_attack.target, success, returnData);
        if (!success && _attack.bubble) {
            assembly ("memory-safe") {
                revert(add(returnData, 0x20), mload(returnData))
            }
        }
    }
}
