// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {AgentRole, ISharedErrors} from "../common/Shared.sol";

/**
 * @title IdentityRegistry
 * @notice Maps investor wallets to country, investor class and KYC expiry. One registry can be
 * shared by many tokens, like the ERC-3643 identity registry.
 * @dev Country is the ISO 3166-1 numeric code (344 HK, 702 SG, 840 US, 156 CN, 276 DE).
 * Investor class: 0 retail, 1 professional, 2 accredited, 3 institutional. The agent registers,
 * updates, removes (one by one or in batches) and recovers identities. One investor may hold
 * several wallets: {addWallet} registers another wallet of an investor, and {investorIdOf}
 * names the investor behind each, so that tokens and offerings count their limits (purchase,
 * balance, holders) per investor, not per wallet. The admin role is
 * handed over in two steps with a delay ({AccessControlDefaultAdminRules}).
 */
contract IdentityRegistry is AccessControlDefaultAdminRules, AgentRole, ISharedErrors, IIdentityRegistry {
    /// @notice Highest valid investor class (institutional).
    uint8 public constant MAX_INVESTOR_CLASS = 3;

    /// @notice Highest valid ISO 3166-1 numeric country code.
    uint16 public constant MAX_COUNTRY = 999;

    /// @notice What the registry knows about one wallet, one storage slot. `investor` is zero
    /// for an investor with a single wallet; once {addWallet} gives an investor more wallets,
    /// it is the investor's id (its first wallet) on every one of them.
    struct Identity {
        uint16 country;
        uint8 investorClass;
        uint64 kycExpiry;
        bool registered;
        address investor;
    }

    mapping(address wallet => Identity) private _identities;
    mapping(address lostWallet => address newWallet) private _recoveredTo;
    uint256 private _investorCount;

    /// @notice Emitted when a wallet is registered.
    event InvestorRegistered(address indexed wallet, uint16 country, uint8 investorClass, uint64 kycExpiry);
    /// @notice Emitted when a registered wallet's data changes.
    event InvestorUpdated(address indexed wallet, uint16 country, uint8 investorClass, uint64 kycExpiry);
    /// @notice Emitted when a wallet is removed.
    event InvestorRemoved(address indexed wallet);
    /// @notice Emitted when a wallet is counted as one of investor `investor`'s wallets.
    event WalletLinked(address indexed investor, address indexed wallet);
    /// @notice Emitted when an identity moves from a lost wallet to the investor's new wallet.
    event IdentityRecovered(
        address indexed lostWallet, address indexed newWallet, uint16 country, uint8 investorClass, uint64 kycExpiry
    );

    /// @dev The wallet is already registered.
    error IdentityAlreadyRegistered(address wallet);
    /// @dev The wallet is not registered.
    error IdentityNotRegistered(address wallet);
    /// @dev The wallet is the zero address.
    error InvalidWallet(address wallet);
    /// @dev The investor class is above {MAX_INVESTOR_CLASS}.
    error InvalidInvestorClass(uint8 investorClass);
    /// @dev The country code is 0 or above {MAX_COUNTRY}.
    error InvalidCountry(uint16 country);

    /**
     * @notice Deploys the registry.
     * @param admin Receives DEFAULT_ADMIN_ROLE and AGENT_ROLE.
     * @param adminDelay Seconds between the start of an admin handover and its acceptance.
     */
    constructor(address admin, uint48 adminDelay) AccessControlDefaultAdminRules(adminDelay, admin) {
        _grantRole(AGENT_ROLE, admin);
    }

    /**
     * @notice Registers a new investor wallet.
     * @dev Agent only. Emits {InvestorRegistered}.
     * @param wallet Investor wallet (not zero, not yet registered).
     * @param country ISO 3166-1 numeric country code, 1..999.
     * @param investorClass 0 retail, 1 professional, 2 accredited, 3 institutional.
     * @param kycExpiry Unix time at which the KYC check expires.
     */
    function registerInvestor(address wallet, uint16 country, uint8 investorClass, uint64 kycExpiry)
        external
        onlyRole(AGENT_ROLE)
    {
        _register(wallet, country, investorClass, kycExpiry);
    }

    /**
     * @notice Registers many investor wallets in one transaction.
     * @dev Agent only. All four arrays must have the same length ({LengthMismatch}); any invalid
     * entry reverts the whole batch. Emits one {InvestorRegistered} per wallet.
     * @param wallets Investor wallets.
     * @param countries ISO 3166-1 numeric country codes.
     * @param classes Investor classes.
     * @param kycExpiries KYC expiry times.
     */
    function batchRegisterInvestors(
        address[] calldata wallets,
        uint16[] calldata countries,
        uint8[] calldata classes,
        uint64[] calldata kycExpiries
    ) external onlyRole(AGENT_ROLE) {
        uint256 n = _batchLength(wallets.length, countries.length, classes.length, kycExpiries.length);
        for (uint256 i = 0; i < n; ++i) {
            _register(wallets[i], countries[i], classes[i], kycExpiries[i]);
        }
    }

    /**
     * @notice Updates a registered investor's country, class and KYC expiry.
     * @dev Agent only. Emits {InvestorUpdated}.
     * @param wallet Registered investor wallet.
     * @param country ISO 3166-1 numeric country code, 1..999.
     * @param investorClass 0 retail, 1 professional, 2 accredited, 3 institutional.
     * @param kycExpiry Unix time at which the KYC check expires.
     */
    function updateInvestor(address wallet, uint16 country, uint8 investorClass, uint64 kycExpiry)
        external
        onlyRole(AGENT_ROLE)
    {
        _updateInvestor(wallet, country, investorClass, kycExpiry);
    }

    /**
     * @notice Updates many registered investors in one transaction.
     * @dev Agent only. All four arrays must have the same length ({LengthMismatch}); any
     * unregistered wallet or invalid entry reverts the whole batch. Emits one {InvestorUpdated}
     * per wallet.
     * @param wallets Registered investor wallets.
     * @param countries ISO 3166-1 numeric country codes.
     * @param classes Investor classes.
     * @param kycExpiries KYC expiry times.
     */
    function batchUpdateInvestors(
        address[] calldata wallets,
        uint16[] calldata countries,
        uint8[] calldata classes,
        uint64[] calldata kycExpiries
    ) external onlyRole(AGENT_ROLE) {
        uint256 n = _batchLength(wallets.length, countries.length, classes.length, kycExpiries.length);
        for (uint256 i = 0; i < n; ++i) {
            _updateInvestor(wallets[i], countries[i], classes[i], kycExpiries[i]);
        }
    }

    /**
     * @notice Renews the KYC of many registered investors to one new expiry (a periodic
     * refresh campaign), keeping their country and class.
     * @dev Agent only. Any unregistered wallet reverts the whole batch
     * ({IdentityNotRegistered}). Emits one {InvestorUpdated} per wallet.
     * @param wallets Registered investor wallets.
     * @param kycExpiry Unix time at which the renewed KYC checks expire.
     */
    function batchRenewKyc(address[] calldata wallets, uint64 kycExpiry) external onlyRole(AGENT_ROLE) {
        for (uint256 i = 0; i < wallets.length; ++i) {
            Identity storage identity = _identities[wallets[i]];
            if (!identity.registered) revert IdentityNotRegistered(wallets[i]);
            identity.kycExpiry = kycExpiry;
            emit InvestorUpdated(wallets[i], identity.country, identity.investorClass, kycExpiry);
        }
    }

    /**
     * @notice Registers `newWallet` as another wallet of the investor behind `existingWallet`,
     * with the same country, class and KYC expiry; limits then count both as one investor.
     * @dev Agent only. `existingWallet` must be registered ({IdentityNotRegistered}),
     * `newWallet` not zero and not registered. The investor's id is its first wallet; the
     * first {addWallet} marks `existingWallet` with it too. Emits {InvestorRegistered} and
     * {WalletLinked} (also for `existingWallet` the first time).
     * @param existingWallet A registered wallet of the investor.
     * @param newWallet The investor's additional wallet.
     */
    function addWallet(address existingWallet, address newWallet) external onlyRole(AGENT_ROLE) {
        Identity storage existing = _identities[existingWallet];
        if (!existing.registered) revert IdentityNotRegistered(existingWallet);
        address investor = existing.investor;
        if (investor == address(0)) {
            investor = existingWallet;
            existing.investor = investor;
            emit WalletLinked(investor, existingWallet);
        }
        _register(newWallet, existing.country, existing.investorClass, existing.kycExpiry);
        _identities[newWallet].investor = investor;
        emit WalletLinked(investor, newWallet);
    }

    /**
     * @notice Removes a registered investor; the wallet is no longer verified.
     * @dev Agent only. Emits {InvestorRemoved}.
     * @param wallet Registered investor wallet.
     */
    function removeInvestor(address wallet) external onlyRole(AGENT_ROLE) {
        _remove(wallet);
    }

    /**
     * @notice Removes many registered investors in one transaction.
     * @dev Agent only. Any unregistered wallet reverts the whole batch
     * ({IdentityNotRegistered}). Emits one {InvestorRemoved} per wallet.
     * @param wallets Registered investor wallets.
     */
    function batchRemoveInvestors(address[] calldata wallets) external onlyRole(AGENT_ROLE) {
        for (uint256 i = 0; i < wallets.length; ++i) {
            _remove(wallets[i]);
        }
    }

    /**
     * @notice Moves an investor's identity (country, class, KYC expiry) from a wallet whose key
     * was lost to the investor's new wallet; the lost wallet is no longer registered.
     * @dev Agent only. The first step of a wallet recovery; each token the investor holds then
     * moves the holding with `recoverWallet(lostWallet, newWallet)`. The new wallet must not be
     * registered yet. The number of investors is unchanged. The registry remembers the new
     * wallet ({recoveredWallet}): tokens and offerings move a holding or a refund right only
     * where the registry says the investor went. Emits {IdentityRecovered}.
     * @param lostWallet Registered wallet whose key was lost.
     * @param newWallet The investor's new wallet (not zero, not registered).
     */
    function recoverIdentity(address lostWallet, address newWallet) external onlyRole(AGENT_ROLE) {
        Identity memory identity = _identities[lostWallet];
        if (!identity.registered) revert IdentityNotRegistered(lostWallet);
        if (newWallet == address(0)) revert InvalidWallet(newWallet);
        if (_identities[newWallet].registered) revert IdentityAlreadyRegistered(newWallet);
        delete _identities[lostWallet];
        _identities[newWallet] = identity;
        _recoveredTo[lostWallet] = newWallet;
        emit IdentityRecovered(lostWallet, newWallet, identity.country, identity.investorClass, identity.kycExpiry);
    }

    /**
     * @inheritdoc IIdentityRegistry
     * @dev True if registered and `kycExpiry > block.timestamp`.
     */
    function isVerified(address wallet) external view override returns (bool) {
        Identity storage id = _identities[wallet];
        return id.registered && id.kycExpiry > block.timestamp;
    }

    /**
     * @inheritdoc IIdentityRegistry
     * @dev What a token reads on every transfer: one storage slot.
     */
    function investorOf(address wallet)
        external
        view
        override
        returns (uint16 country, uint8 investorClass, uint64 kycExpiry, address investor)
    {
        Identity storage id = _identities[wallet];
        return (id.country, id.investorClass, id.kycExpiry, id.investor);
    }

    /// @inheritdoc IIdentityRegistry
    function investorIdOf(address wallet) external view override returns (address) {
        address investor = _identities[wallet].investor;
        return investor == address(0) ? wallet : investor;
    }

    /// @inheritdoc IIdentityRegistry
    function recoveredWallet(address lostWallet) external view override returns (address) {
        return _recoveredTo[lostWallet];
    }

    /**
     * @notice Everything the registry holds about `wallet` (all zero if unregistered).
     * @param wallet The wallet to look up.
     * @return The wallet's identity record.
     */
    function identityOf(address wallet) external view returns (Identity memory) {
        return _identities[wallet];
    }

    /**
     * @notice Number of registered wallets.
     * @return The count of registered wallets.
     */
    function investorCount() external view returns (uint256) {
        return _investorCount;
    }

    /// @dev The common length of a batch's four arrays; reverts {LengthMismatch} otherwise.
    function _batchLength(uint256 wallets, uint256 countries, uint256 classes, uint256 expiries)
        private
        pure
        returns (uint256)
    {
        if (countries != wallets) revert LengthMismatch(wallets, countries);
        if (classes != wallets) revert LengthMismatch(wallets, classes);
        if (expiries != wallets) revert LengthMismatch(wallets, expiries);
        return wallets;
    }

    function _register(address wallet, uint16 country, uint8 investorClass, uint64 kycExpiry) private {
        if (wallet == address(0)) revert InvalidWallet(wallet);
        if (_identities[wallet].registered) revert IdentityAlreadyRegistered(wallet);
        _validate(country, investorClass);
        _identities[wallet] = Identity(country, investorClass, kycExpiry, true, address(0));
        ++_investorCount;
        emit InvestorRegistered(wallet, country, investorClass, kycExpiry);
    }

    function _updateInvestor(address wallet, uint16 country, uint8 investorClass, uint64 kycExpiry) private {
        Identity storage identity = _identities[wallet];
        if (!identity.registered) revert IdentityNotRegistered(wallet);
        _validate(country, investorClass);
        identity.country = country;
        identity.investorClass = investorClass;
        identity.kycExpiry = kycExpiry;
        emit InvestorUpdated(wallet, country, investorClass, kycExpiry);
    }

    function _remove(address wallet) private {
        if (!_identities[wallet].registered) revert IdentityNotRegistered(wallet);
        delete _identities[wallet];
        --_investorCount;
        emit InvestorRemoved(wallet);
    }

    function _validate(uint16 country, uint8 investorClass) private pure {
        if (country == 0 || country > MAX_COUNTRY) revert InvalidCountry(country);
        if (investorClass > MAX_INVESTOR_CLASS) revert InvalidInvestorClass(investorClass);
    }
}
