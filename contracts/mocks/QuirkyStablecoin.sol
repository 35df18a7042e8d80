// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockStablecoin} from "./MockStablecoin.sol";

/**
 * @title QuirkyStablecoin
 * @notice A test stablecoin with the two quirks real ones have: a fee taken on every transfer
 * (in basis points, burned), and a blacklist whose members can neither send nor receive.
 * @dev Test only. Both are off until the owner sets them.
 */
contract QuirkyStablecoin is MockStablecoin {
    /// @notice Fee taken from every transfer between two holders, in basis points.
    uint256 public feeBps;
    /// @notice Wallets that can neither send nor receive.
    mapping(address wallet => bool) public blacklisted;

    /// @dev A blacklisted wallet sent or was sent units.
    error Blacklisted(address wallet);

    /**
     * @param name_ Token name.
     * @param symbol_ Token symbol.
     * @param initialOwner Account allowed to mint and set the quirks.
     */
    constructor(string memory name_, string memory symbol_, address initialOwner)
        MockStablecoin(name_, symbol_, initialOwner)
    {}

    /**
     * @notice Sets the transfer fee.
     * @param feeBps_ Basis points taken from every transfer.
     */
    function setFee(uint256 feeBps_) external onlyOwner {
        feeBps = feeBps_;
    }

    /**
     * @notice Puts a wallet on the blacklist or takes it off.
     * @param wallet The wallet.
     * @param listed True to blacklist.
     */
    function setBlacklisted(address wallet, bool listed) external onlyOwner {
        blacklisted[wallet] = listed;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blacklisted[from]) revert Blacklisted(from);
        if (blacklisted[to]) revert Blacklisted(to);
        uint256 fee = from == address(0) || to == address(0) ? 0 : value * feeBps / 10_000;
        if (fee != 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
