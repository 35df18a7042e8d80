// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ITransferCheck} from "../compliance/ITransferCheck.sol";

/**
 * @title DvPMarket
 * @notice Delivery versus payment for one token against one stablecoin: a holder offers an
 * amount of the token for a price, a buyer takes the whole offer, and both legs settle in the
 * same transaction or neither does.
 * @dev No escrow: the tokens stay with the seller until the trade, so the token's compliance
 * rules judge the real seller and buyer (lock-up, freezes, the buyer's country and limits). The
 * seller approves this market for the token, the buyer for the stablecoin. If either leg
 * reverts (a refused transfer, a missing allowance) the whole trade reverts with that leg's
 * error and the offer stays open. `nonReentrant`, `SafeERC20`, effects before interactions.
 */
contract DvPMarket is ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice An offer to sell `amount` tokens for `price` stablecoin units in total.
    struct Offer {
        address seller;
        bool open;
        uint128 amount;
        uint128 price;
    }

    /// @notice The token traded.
    IERC20 public immutable asset;
    /// @notice The stablecoin it is paid with.
    IERC20 public immutable currency;
    /// @notice Number of offers ever made; ids run from 1 to this.
    uint256 public offerCount;

    mapping(uint256 offerId => Offer) private _offers;

    /// @notice Emitted when a holder offers tokens.
    event OfferCreated(uint256 indexed offerId, address indexed seller, uint256 amount, uint256 price);
    /// @notice Emitted when the seller withdraws an open offer.
    event OfferCancelled(uint256 indexed offerId);
    /// @notice Emitted when a trade settles, both legs.
    event OfferTaken(
        uint256 indexed offerId, address indexed seller, address indexed buyer, uint256 amount, uint256 price
    );

    /// @dev An offer of no tokens or for no payment.
    error InvalidOffer(uint256 amount, uint256 price);
    /// @dev The offer does not exist, was taken or was cancelled.
    error OfferNotOpen(uint256 offerId);
    /// @dev Only the seller may cancel an offer.
    error NotSeller(uint256 offerId, address caller);
    /// @dev A seller cannot take its own offer.
    error SelfTrade(uint256 offerId, address buyer);
    /// @dev The token or the stablecoin is the zero address, or both are the same.
    error InvalidMarket(address asset, address currency);

    /**
     * @notice Deploys a market for `asset_` against `currency_`.
     * @param asset_ The token traded (it may implement {ITransferCheck}).
     * @param currency_ The stablecoin it is paid with.
     */
    constructor(IERC20 asset_, IERC20 currency_) {
        if (address(asset_) == address(0) || address(currency_) == address(0) || asset_ == currency_) {
            revert InvalidMarket(address(asset_), address(currency_));
        }
        asset = asset_;
        currency = currency_;
    }

    /**
     * @notice Offers `amount` tokens for `price` stablecoin units in total.
     * @dev Anyone; approve this market for the token before the offer is taken. Emits
     * {OfferCreated}.
     * @param amount Token units (not zero).
     * @param price Stablecoin units for the whole amount (not zero).
     * @return offerId The new offer's id.
     */
    function offer(uint128 amount, uint128 price) external returns (uint256 offerId) {
        if (amount == 0 || price == 0) revert InvalidOffer(amount, price);
        offerId = ++offerCount;
        _offers[offerId] = Offer(msg.sender, true, amount, price);
        emit OfferCreated(offerId, msg.sender, amount, price);
    }

    /**
     * @notice Withdraws an open offer.
     * @dev Seller only. Emits {OfferCancelled}.
     * @param offerId The offer.
     */
    function cancel(uint256 offerId) external {
        Offer storage o = _offers[offerId];
        if (!o.open) revert OfferNotOpen(offerId);
        if (o.seller != msg.sender) revert NotSeller(offerId, msg.sender);
        o.open = false;
        emit OfferCancelled(offerId);
    }

    /**
     * @notice Takes a whole offer: pays its price to the seller and receives its tokens,
     * atomically.
     * @dev Approve this market for the stablecoin first. Reverts with the refusing leg's error
     * (for example the token's compliance error) and then nothing moves. Emits {OfferTaken}.
     * @param offerId The offer.
     */
    function take(uint256 offerId) external nonReentrant {
        Offer memory o = _offers[offerId];
        if (!o.open) revert OfferNotOpen(offerId);
        if (o.seller == msg.sender) revert SelfTrade(offerId, msg.sender);
        _offers[offerId].open = false;
        emit OfferTaken(offerId, o.seller, msg.sender, o.amount, o.price);
        currency.safeTransferFrom(msg.sender, o.seller, o.price);
        asset.safeTransferFrom(o.seller, msg.sender, o.amount);
    }

    /**
     * @notice An offer.
     * @param offerId The offer.
     * @return The seller, whether it is open, the amount and the price.
     */
    function offerOf(uint256 offerId) external view returns (Offer memory) {
        return _offers[offerId];
    }

    /**
     * @notice Whether `buyer` could take offer `offerId` now as far as the token's rules go
     * (allowances and the buyer's stablecoin aside).
     * @dev Asks the token's {ITransferCheck-canTransfer} for the seller-to-buyer transfer.
     * @param offerId The offer (must be open).
     * @param buyer The would-be buyer.
     * @return allowed True if the token's rules allow the delivery.
     * @return errorSelector The selector of the refusing rule's error (zero if allowed).
     * @return reason The revert data the delivery would fail with (empty if allowed).
     */
    function checkTake(uint256 offerId, address buyer)
        external
        view
        returns (bool allowed, bytes4 errorSelector, bytes memory reason)
    {
        Offer memory o = _offers[offerId];
        if (!o.open) revert OfferNotOpen(offerId);
        return ITransferCheck(address(asset)).canTransfer(o.seller, buyer, o.amount);
    }
}
