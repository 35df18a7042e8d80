// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IDvPMarket
 * @notice Delivery versus payment for one token against one stablecoin: a holder offers an
 * amount for a price until an expiry, a buyer takes the whole offer, both legs settle in one
 * transaction. A seller withdraws one offer or all of its offers at once.
 */
interface IDvPMarket {
    /// @notice An offer to sell `amount` tokens for `price` stablecoin units in total, open
    /// until `expiry` (unix time) and while the seller's cancel-all count is still `epoch`.
    struct Offer {
        address seller;
        bool open;
        uint40 expiry;
        uint32 epoch;
        uint128 amount;
        uint128 price;
    }

    /// @notice Emitted when a holder offers tokens.
    event OfferCreated(
        uint256 indexed offerId, address indexed seller, uint256 amount, uint256 price, uint256 expiry
    );
    /// @notice Emitted when a seller withdraws every offer it has made so far.
    event AllOffersCancelled(address indexed seller, uint256 epoch);
    /// @notice Emitted when the seller withdraws an open offer.
    event OfferCancelled(uint256 indexed offerId);
    /// @notice Emitted when a trade settles, both legs.
    event OfferTaken(
        uint256 indexed offerId, address indexed seller, address indexed buyer, uint256 amount, uint256 price
    );

    /// @dev An offer of no tokens or for no payment.
    error InvalidOffer(uint256 amount, uint256 price);
    /// @dev The expiry of a new offer is not in the future.
    error InvalidExpiry(uint256 expiry, uint256 currentTime);
    /// @dev The seller does not hold `amount` tokens or has not approved the market for them,
    /// when the offer is made.
    error OfferNotDeliverable(address seller, uint256 amount, uint256 balance, uint256 allowance);
    /// @dev The offer's expiry has passed.
    error OfferExpired(uint256 offerId, uint256 expiry);
    /// @dev The offer does not exist, was taken or was cancelled (alone or by a cancel-all).
    error OfferNotOpen(uint256 offerId);
    /// @dev Only the seller may cancel an offer.
    error NotSeller(uint256 offerId, address caller);
    /// @dev A seller cannot take its own offer.
    error SelfTrade(uint256 offerId, address buyer);
    /// @dev The token or the stablecoin is the zero address, or both are the same.
    error InvalidMarket(address asset, address currency);

    /**
     * @notice Offers `amount` tokens for `price` stablecoin units in total, until `expiry`.
     * The seller must hold the tokens and have approved the market for them now.
     * @param amount Token units (not zero).
     * @param price Stablecoin units for the whole amount (not zero).
     * @param expiry Unix time from which the offer can no longer be taken (in the future).
     * @return offerId The new offer's id.
     */
    function offer(uint128 amount, uint128 price, uint40 expiry) external returns (uint256 offerId);

    /**
     * @notice Withdraws every offer the caller has made so far, open or not.
     */
    function cancelAll() external;

    /**
     * @notice Withdraws an open offer.
     * @param offerId The offer.
     */
    function cancel(uint256 offerId) external;

    /**
     * @notice Takes a whole offer: pays its price to the seller and receives its tokens,
     * atomically.
     * @param offerId The offer.
     */
    function take(uint256 offerId) external;

    /**
     * @notice An offer.
     * @param offerId The offer.
     * @return The seller, whether it is open (not taken, not cancelled alone), its expiry,
     * the seller's cancel-all count when it was made, the amount and the price. See
     * {isLive} for whether it can be taken now.
     */
    function offerOf(uint256 offerId) external view returns (Offer memory);

    /**
     * @notice Whether offer `offerId` can be taken now: open, not expired, not withdrawn by a
     * cancel-all.
     * @param offerId The offer.
     * @return True if live.
     */
    function isLive(uint256 offerId) external view returns (bool);

    /**
     * @notice Whether `buyer` could take offer `offerId` now as far as the token's rules go
     * (allowances and the buyer's stablecoin aside).
     * @param offerId The offer (must be live).
     * @param buyer The would-be buyer.
     * @return allowed True if the token's rules allow the delivery.
     * @return errorSelector The selector of the refusing rule's error (zero if allowed).
     * @return reason The revert data the delivery would fail with (empty if allowed).
     */
    function checkTake(uint256 offerId, address buyer)
        external
        view
        returns (bool allowed, bytes4 errorSelector, bytes memory reason);
}
