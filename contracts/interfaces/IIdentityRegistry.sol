// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IIdentityRegistry
 * @notice What a token asks of an identity registry: is this wallet a verified investor, and
 * from which country and of which investor class?
 */
interface IIdentityRegistry {
    /**
     * @notice Whether `wallet` is registered and its KYC has not expired.
     * @param wallet The wallet to check.
     * @return True if the wallet may receive tokens.
     */
    function isVerified(address wallet) external view returns (bool);

    /**
     * @notice Country, investor class, KYC expiry and investor of `wallet`, in one call (all
     * zero if the wallet is not registered, so an unregistered wallet's KYC is always expired).
     * @param wallet The wallet to look up.
     * @return country ISO 3166-1 numeric country code.
     * @return investorClass 0 retail, 1 professional, 2 accredited, 3 institutional.
     * @return kycExpiry Unix time at which the KYC check expires.
     * @return investor The investor's id if it holds several wallets, zero if only this one.
     */
    function investorOf(address wallet)
        external
        view
        returns (uint16 country, uint8 investorClass, uint64 kycExpiry, address investor);

    /**
     * @notice The investor behind `wallet`: the same id for every wallet of one investor (the
     * wallet itself for an investor with one wallet).
     * @param wallet The wallet.
     * @return The investor's id.
     */
    function investorIdOf(address wallet) external view returns (address);

    /**
     * @notice The wallet a lost wallet's identity was recovered into (zero if none): the proof
     * a token and an offering ask before they move a holding or a refund right.
     * @param lostWallet The wallet whose key was lost.
     * @return The investor's new wallet.
     */
    function recoveredWallet(address lostWallet) external view returns (address);
}
