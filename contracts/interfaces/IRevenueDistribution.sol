// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/**
 * @title IRevenueDistribution
 * @notice The revenue-sharing surface of a revenue-share token: the servicer distributes each
 * period's revenue in a settlement token, holders claim what they are owed. What the toolkit's
 * reconciliation, an indexer or a wallet needs to follow the money.
 */
interface IRevenueDistribution {
    /**
     * @notice Emitted for every distribution. The record of a period (amount, report hash,
     * block time) lives in this event; the token keeps only what it needs to pay holders.
     */
    event RevenueDistributed(
        uint256 indexed periodId,
        uint256 amount,
        bytes32 reportHash,
        uint256 magnifiedPerShareDelta,
        uint256 magnifiedRemainder
    );
    /// @notice Emitted when revenue is paid out to a holder.
    event RevenueClaimed(address indexed holder, uint256 amount);
    /// @notice Emitted when `claimFor` could not pay a holder (the settlement token refused the
    /// payment): the holder keeps what it is owed.
    event ClaimFailed(address indexed holder, uint256 amount);
    /// @notice Emitted when the rounding dust left after the final period is paid out.
    event DustSwept(address indexed to, uint256 amount);
    /// @notice Emitted when a holder's unclaimed revenue moves to another wallet (recovery).
    event AccruedRevenueMoved(address indexed from, address indexed to, uint256 claimable);

    /// @dev Period ids must be `lastPeriodId + 1`, up to {finalPeriod}.
    error PeriodOutOfSequence(uint256 expected, uint256 given);
    /// @dev The term's last period has been distributed; no period comes after it.
    error PeriodAfterTerm(uint256 finalPeriod, uint256 given);
    /// @dev The settlement token delivered less than was sent (a fee on transfer): refused,
    /// since the token would owe more than it holds.
    error SettlementShortfall(uint256 sent, uint256 received);
    /// @dev The final period is zero.
    error InvalidFinalPeriod(uint256 finalPeriod);
    /// @dev Dust is swept only once the final period has been distributed.
    error TermNotEnded(uint256 lastPeriod, uint256 finalPeriod);
    /// @dev No whole unit of rounding dust has been released since the last sweep.
    error NoDust();
    /// @dev A distribution while the supply is zero.
    error NoHolders();
    /// @dev The holder has nothing to claim.
    error NothingToClaim(address holder);
    /// @dev The settlement token is the zero address.
    error InvalidSettlementToken(address settlementToken);
    /// @dev The supply cap is zero or above 2^128 base units.
    error InvalidSupplyCap(uint256 supplyCap);
    /// @dev A mint would take the supply above the cap.
    error SupplyCapExceeded(uint256 supplyAfter, uint256 supplyCap);
    /// @dev The distribution would raise the revenue per share so far that `perShare x cap`
    /// no longer fits the signed per-holder books: a large amount over a tiny supply.
    error DistributionTooLarge(uint256 perShareAfter, uint256 maxPerShare);
    /// @dev The holder's wallet is frozen: its revenue keeps accruing but is held, not paid,
    /// until the wallet is unfrozen or recovered into the investor's new wallet.
    error RevenueHeld(address holder);

    /**
     * @notice Distributes `amount` of revenue for period `periodId` to all current holders.
     * @param periodId Must be `lastPeriodId() + 1`.
     * @param amount Settlement-token units; 0 records a period without net revenue.
     * @param reportHash Hash of the servicer's off-chain revenue report.
     */
    function distribute(uint256 periodId, uint256 amount, bytes32 reportHash) external;

    /**
     * @notice Claims all revenue owed to the caller. A frozen wallet's revenue is held
     * ({RevenueHeld}).
     * @return amount Settlement-token units paid.
     */
    function claim() external returns (uint256 amount);

    /**
     * @notice Pays each listed holder the revenue owed to them, to their own address; frozen
     * wallets are skipped (their revenue is held), and a holder the settlement token refuses
     * to pay keeps what it is owed without stopping the others.
     * @param holders Holders to pay.
     */
    function claimFor(address[] calldata holders) external;

    /**
     * @notice The settlement token revenue is paid in.
     * @return The settlement token.
     */
    function settlementToken() external view returns (IERC20);

    /**
     * @notice Revenue `holder` can claim now, in settlement-token units (rounded down; the
     * fraction stays with the holder and counts towards later periods).
     * @param holder The holder.
     * @return Settlement-token units claimable.
     */
    function claimable(address holder) external view returns (uint256);

    /**
     * @notice Cumulative revenue per token, scaled by the token's `MAGNITUDE` (2^128).
     * @return The accumulator.
     */
    function magnifiedRevenuePerShare() external view returns (uint256);

    /**
     * @notice Magnified remainder carried into the next distribution.
     * @return The carried remainder (scaled by `MAGNITUDE`).
     */
    function magnifiedRemainder() external view returns (uint256);

    /**
     * @notice The correction term of `holder` (claims included).
     * @param holder The holder.
     * @return The signed magnified correction.
     */
    function magnifiedCorrectionOf(address holder) external view returns (int256);

    /**
     * @notice Id of the last distributed period (0 before the first).
     * @return The last period id.
     */
    function lastPeriodId() external view returns (uint256);

    /**
     * @notice The most tokens that can ever exist (the deal's supply), in base units.
     * @return The cap.
     */
    function supplyCap() external view returns (uint256);

    /**
     * @notice Sum of all distributed amounts.
     * @return Settlement-token units distributed.
     */
    function totalDistributed() external view returns (uint256);

    /**
     * @notice The term's last period: `distribute` refuses any later one.
     * @return The final period id.
     */
    function finalPeriod() external view returns (uint256);

    /**
     * @notice Rounding dust paid out so far, once the final period was distributed.
     * @return Settlement-token units swept.
     */
    function dustSwept() external view returns (uint256);

    /**
     * @notice Whole units of rounding dust a sweep would pay now: after the final period, the
     * carried remainder plus the fractions of a unit released by holders' claims, less what
     * was swept (0 before the final period).
     * @return Settlement-token units.
     */
    function sweepableDust() external view returns (uint256);
}
