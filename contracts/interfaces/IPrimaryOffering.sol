// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISharedErrors} from "../common/Shared.sol";

/**
 * @title IPrimaryOffering
 * @notice A fixed-price primary sale of a revenue-share token for a stablecoin, with a soft cap
 * below which every buyer gets a full refund. The actions, events and errors a buyer's wallet,
 * an indexer or the toolkit uses.
 */
interface IPrimaryOffering is ISharedErrors {
    /// @notice Sale terms. Amounts are in payment-token units; `price` is per whole token (1e18).
    struct Terms {
        uint256 price;
        uint64 start;
        uint64 end;
        uint256 softCap;
        uint256 hardCap;
        uint256 minPurchase;
        uint256 maxPurchase;
    }

    /// @notice Sale state.
    enum Status {
        Active,
        Succeeded,
        Failed
    }

    /// @notice Emitted for every purchase.
    event TokensPurchased(address indexed buyer, uint256 payment, uint256 tokens);
    /// @notice Emitted once when the sale is finalized.
    event OfferingFinalized(bool succeeded, uint256 raised);
    /// @notice Emitted for every refund.
    event Refunded(address indexed buyer, uint256 payment, uint256 tokens);
    /// @notice Emitted when a lost wallet's purchase (its refund right) moves to the investor's
    /// recovered wallet.
    event PurchaseRecovered(address indexed lostWallet, address indexed newWallet, uint256 payment, uint256 tokens);
    /// @notice Emitted when the admin settles the refund of a frozen buyer: `tokensBurned` of its
    /// tokens are burned and `payment` is paid to `payee`.
    event HeldRefundSettled(address indexed buyer, address indexed payee, uint256 payment, uint256 tokensBurned);

    /// @dev Price is zero.
    error InvalidPrice(uint256 price);
    /// @dev The payment token delivered less than was sent (a fee on transfer): refused, since
    /// the escrow would hold less than it owes.
    error PaymentShortfall(uint256 sent, uint256 received);
    /// @dev The sale window is empty (`end <= start`).
    error InvalidSaleWindow(uint64 start, uint64 end);
    /// @dev The hard cap is zero.
    error InvalidHardCap(uint256 hardCap);
    /// @dev The soft cap is above the hard cap.
    error SoftCapAboveHardCap(uint256 softCap, uint256 hardCap);
    /// @dev The per-investor maximum is zero.
    error InvalidMaxPurchase(uint256 maxPurchase);
    /// @dev The per-purchase minimum is above the per-investor maximum.
    error MinPurchaseAboveMaxPurchase(uint256 minPurchase, uint256 maxPurchase);
    /// @dev A constructor address argument is zero.
    error InvalidAddress(string what);
    /// @dev Outside `[start, end)` or already finalized.
    error SaleNotOpen(uint64 start, uint64 end, uint256 currentTime);
    /// @dev The buyer is not verified by the token's identity registry.
    error BuyerNotVerified(address buyer);
    /// @dev The payment is below the per-purchase minimum.
    error BelowMinimumPurchase(uint256 payment, uint256 minimum);
    /// @dev The buyer's cumulative payment would exceed the per-investor maximum.
    error AboveMaximumPurchase(uint256 cumulative, uint256 maximum);
    /// @dev The raise would exceed the hard cap.
    error HardCapExceeded(uint256 raisedAfter, uint256 hardCap);
    /// @dev The payment buys less than one token unit.
    error PaymentTooSmall(uint256 payment, uint256 price);
    /// @dev Finalize before `end` while the hard cap is not reached.
    error SaleStillOpen();
    /// @dev The sale is already finalized.
    error AlreadyFinalized();
    /// @dev Refunds only exist after a failed sale.
    error RefundsNotAvailable();
    /// @dev The caller has no payment to refund.
    error NothingToRefund(address buyer);
    /// @dev The buyer's wallet or some of its tokens are frozen: its refund waits for the admin
    /// ({settleHeldRefund}).
    error RefundHeld(address buyer);

    /**
     * @notice Buys tokens for `payment` units of the payment token (approve first).
     * @param payment Payment-token units to pay.
     * @return tokens Token units minted (18 decimals).
     */
    function buy(uint256 payment) external returns (uint256 tokens);

    /// @notice Closes the sale: proceeds to the treasury if the soft cap is met, else refunds
    /// open. Anyone may call once the window has ended (or the hard cap is reached).
    function finalize() external;

    /// @notice Returns the caller's full payment after a failed sale and burns the tokens bought.
    function refund() external;

    /**
     * @notice Moves a lost wallet's purchase (payment, tokens bought, hence its refund right and
     * its share of the per-investor maximum) to the wallet the identity registry recovered it
     * into. Anyone may call: the registry is the proof.
     * @param lostWallet The buyer's lost wallet.
     * @param newWallet The wallet the registry recovered it into.
     */
    function recoverPurchase(address lostWallet, address newWallet) external;

    /**
     * @notice Settles the refund of a buyer whose wallet or tokens are frozen, after a failed
     * sale: burns the tokens it bought (as many as it still holds) and pays its payment to
     * `payee` (the buyer itself once cleared, or whoever a court or regulator names).
     * @param buyer The frozen buyer.
     * @param payee Receiver of the payment.
     */
    function settleHeldRefund(address buyer, address payee) external;

    /**
     * @notice The sale terms.
     * @return The terms as set at deployment.
     */
    function terms() external view returns (Terms memory);
}
