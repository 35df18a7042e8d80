// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {RevenueShareToken} from "../token/RevenueShareToken.sol";

/**
 * @title TrancheToken
 * @notice One tranche of a structured deal: a note (senior, mezzanine) or the residual (junior).
 * One whole token is one whole settlement unit of the tranche's original principal. Holders
 * are verified investors under the tranche's own compliance rules (a junior slice can be for
 * professional investors only), and are paid through the tranche's own pull-based, O(1),
 * exact-to-the-unit distribution.
 * @dev The revenue-share token's identity gate, compliance modules and distribution, reused
 * whole: the deal's {Waterfall} holds SERVICER_ROLE and calls {distribute} once per period with
 * what the waterfall paid the tranche (interest, principal, or the residual). How much of a
 * payment was interest and how much principal, and where its money came from, are in the
 * waterfall's events.
 */
contract TrancheToken is RevenueShareToken {
    /// @notice The tranche's place in the waterfall, 0 for the most senior.
    uint8 public immutable trancheIndex;

    /**
     * @param name_ Token name.
     * @param symbol_ Token symbol.
     * @param admin Receives DEFAULT_ADMIN_ROLE.
     * @param settlementToken_ Stablecoin the tranche is paid in.
     * @param identityRegistry_ Registry that verifies receivers.
     * @param maturity_ Unix time of the legal final.
     * @param supplyCap_ The tranche's supply in base units.
     * @param trancheIndex_ The tranche's place in the waterfall.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address admin,
        IERC20 settlementToken_,
        IIdentityRegistry identityRegistry_,
        uint64 maturity_,
        uint256 supplyCap_,
        uint64 finalPeriod_,
        uint48 adminDelay,
        uint8 trancheIndex_
    )
        RevenueShareToken(
            name_, symbol_, admin, settlementToken_, identityRegistry_, maturity_, supplyCap_,
            finalPeriod_, adminDelay
        )
    {
        trancheIndex = trancheIndex_;
    }
}
