// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title PlainERC20
 * @notice A minimal OpenZeppelin ERC-20 with a fixed supply, used as a gas baseline.
 */
contract PlainERC20 is ERC20 {
    /**
     * @notice Deploys the token and mints the whole supply to `holder`.
     * @param name_ Token name.
     * @param symbol_ Token symbol.
     * @param holder Receiver of the initial supply.
     * @param supply Initial supply (18 decimals).
     */
    constructor(string memory name_, string memory symbol_, address holder, uint256 supply) ERC20(name_, symbol_) {
        _mint(holder, supply);
    }
}
