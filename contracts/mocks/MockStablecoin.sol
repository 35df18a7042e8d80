// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ISharedErrors} from "../common/Shared.sol";

/**
 * @title MockStablecoin
 * @notice A 6-decimal stand-in for a USD stablecoin on local chains. Only the owner can mint.
 */
contract MockStablecoin is ERC20, Ownable, ISharedErrors {

    /**
     * @notice Deploys the stablecoin.
     * @param name_ Token name, e.g. "Mock USD Coin".
     * @param symbol_ Token symbol, e.g. "mUSDC".
     * @param initialOwner Account allowed to mint.
     */
    constructor(string memory name_, string memory symbol_, address initialOwner)
        ERC20(name_, symbol_)
        Ownable(initialOwner)
    {}

    /**
     * @notice Number of decimals, 6 like USDC and USDT.
     * @dev Overrides the ERC-20 default of 18.
     */
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /**
     * @notice Mints `amount` units to `to`.
     * @dev Owner only. Emits {Transfer} from the zero address.
     * @param to Receiver of the new units.
     * @param amount Units to mint (6 decimals).
     */
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /**
     * @notice Mints `amounts[i]` units to `to[i]` for every i.
     * @dev Owner only. Reverts with {LengthMismatch} if the arrays differ in length.
     * @param to Receivers.
     * @param amounts Units to mint to each receiver (6 decimals).
     */
    function batchMint(address[] calldata to, uint256[] calldata amounts) external onlyOwner {
        if (to.length != amounts.length) revert LengthMismatch(to.length, amounts.length);
        for (uint256 i = 0; i < to.length; ++i) {
            _mint(to[i], amounts[i]);
        }
    }
}
