// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenGate} from "../token/TokenGate.sol";

/**
 * @title ComplianceCountries
 * @notice Two rules on the receiver's country (from the identity registry):
 * {RULE_COUNTRIES}: the country must be allowed and not blocked;
 * {RULE_INVESTOR_CLASS}: the receiver's investor class must reach the country's minimum (for
 * example US investors must be accredited: class 2 or 3).
 * @dev Countries are ISO 3166-1 numeric codes. One storage slot per country holds both rules'
 * settings, so a check reads one slot.
 */
abstract contract ComplianceCountries is TokenGate {
    /// @notice Id of the allowed/blocked countries rule.
    uint8 public constant RULE_COUNTRIES = 0;
    /// @notice Id of the minimum-investor-class-per-country rule.
    uint8 public constant RULE_INVESTOR_CLASS = 1;

    /// @notice What the rules say about one country.
    struct CountryRules {
        bool allowed;
        bool blocked;
        uint8 minimumClass; // 0 retail, 1 professional, 2 accredited, 3 institutional
    }

    uint8 private constant _MAX_INVESTOR_CLASS = 3;

    mapping(uint16 country => CountryRules) private _countryRules;

    /// @notice Emitted when the admin allows a country or withdraws it.
    event CountryAllowedSet(uint16 indexed country, bool allowed);
    /// @notice Emitted when the admin blocks a country or lifts the block.
    event CountryBlockedSet(uint16 indexed country, bool blocked);
    /// @notice Emitted when the admin sets a country's minimum investor class.
    event MinimumInvestorClassSet(uint16 indexed country, uint8 minimumClass);

    /// @dev The receiver's country is blocked.
    error CountryBlocked(address wallet, uint16 country);
    /// @dev The receiver's country is not on the allowed list.
    error CountryNotAllowed(address wallet, uint16 country);
    /// @dev The receiver's investor class is below the minimum for its country.
    error InvestorClassTooLow(address wallet, uint16 country, uint8 investorClass, uint8 minimumClass);
    /// @dev A minimum investor class above institutional (3).
    error InvalidMinimumClass(uint8 minimumClass);

    /**
     * @notice Allows the listed countries, or withdraws them from the allowed list.
     * @dev Admin only. Emits {CountryAllowedSet} per country.
     * @param countries ISO 3166-1 numeric codes.
     * @param allowed True to allow, false to withdraw.
     */
    function setCountriesAllowed(uint16[] calldata countries, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        for (uint256 i = 0; i < countries.length; ++i) {
            _countryRules[countries[i]].allowed = allowed;
            emit CountryAllowedSet(countries[i], allowed);
        }
    }

    /**
     * @notice Blocks the listed countries (a block wins over an allow), or lifts the block.
     * @dev Admin only. Emits {CountryBlockedSet} per country.
     * @param countries ISO 3166-1 numeric codes.
     * @param blocked True to block, false to lift.
     */
    function setCountriesBlocked(uint16[] calldata countries, bool blocked) external onlyRole(DEFAULT_ADMIN_ROLE) {
        for (uint256 i = 0; i < countries.length; ++i) {
            _countryRules[countries[i]].blocked = blocked;
            emit CountryBlockedSet(countries[i], blocked);
        }
    }

    /**
     * @notice Sets the minimum investor class of receivers from the listed countries.
     * @dev Admin only. Reverts with {InvalidMinimumClass} above 3. Emits
     * {MinimumInvestorClassSet} per country.
     * @param countries ISO 3166-1 numeric codes.
     * @param minimumClass 0 retail (no minimum), 1 professional, 2 accredited, 3 institutional.
     */
    function setMinimumInvestorClass(uint16[] calldata countries, uint8 minimumClass)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (minimumClass > _MAX_INVESTOR_CLASS) revert InvalidMinimumClass(minimumClass);
        for (uint256 i = 0; i < countries.length; ++i) {
            _countryRules[countries[i]].minimumClass = minimumClass;
            emit MinimumInvestorClassSet(countries[i], minimumClass);
        }
    }

    /**
     * @notice What the rules say about `country`.
     * @param country ISO 3166-1 numeric code.
     * @return Allowed, blocked and the minimum investor class.
     */
    function countryRules(uint16 country) public view returns (CountryRules memory) {
        return _countryRules[country];
    }

    /// @dev The receiver's country blocked or not allowed; its class below the country's minimum.
    function _checkTransfer(TransferCheck memory t) internal view virtual override returns (bytes memory refusal) {
        refusal = super._checkTransfer(t);
        bool countries = _ruleOn(t, RULE_COUNTRIES);
        bool classes = _ruleOn(t, RULE_INVESTOR_CLASS);
        if (refusal.length != 0 || !(countries || classes)) return refusal;
        CountryRules memory rules = _countryRules[t.country];
        if (countries) {
            if (rules.blocked) return abi.encodeWithSelector(CountryBlocked.selector, t.to, t.country);
            if (!rules.allowed) return abi.encodeWithSelector(CountryNotAllowed.selector, t.to, t.country);
        }
        if (classes && t.investorClass < rules.minimumClass) {
            return abi.encodeWithSelector(
                InvestorClassTooLow.selector, t.to, t.country, t.investorClass, rules.minimumClass
            );
        }
        return refusal;
    }

    function _knownRule(uint8 rule) internal pure virtual override returns (bool) {
        return rule == RULE_COUNTRIES || rule == RULE_INVESTOR_CLASS || super._knownRule(rule);
    }
}
