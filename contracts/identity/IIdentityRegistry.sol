// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IIdentityRegistry
 * @notice What a token asks of an identity registry: is this wallet a verified investor?
 */
interface IIdentityRegistry {
    /**
     * @notice Whether `wallet` is registered and its KYC has not expired.
     * @param wallet The wallet to check.
     * @return True if the wallet may receive tokens.
     */
    function isVerified(address wallet) external view returns (bool);
}
