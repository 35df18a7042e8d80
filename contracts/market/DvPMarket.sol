// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ITransferCheck} from "../interfaces/ITransferCheck.sol";
import {IDvPMarket} from "../interfaces/IDvPMarket.sol";

/**
 * @title DvPMarket
 * @notice Delivery versus payment for one token against one stablecoin: a holder offers an
 * amount of the token for a price, a buyer takes the whole offer, and both legs settle in the
 * same transaction or neither does.
 * @dev No escrow: the tokens stay with the seller until the trade, so the token's compliance
 * rules judge the real seller and buyer (lock-up, freezes, the buyer's country and limits). The
 * seller approves this market for the token, the buyer for the stablecoin. If either leg
 * reverts (a refused transfer, a missing allowance) the whole trade reverts with that leg's
 * error and the offer stays open. An offer lives until its expiry, its own cancellation or the
 * seller's {cancelAll}, so an offer "killed" by moving the tokens or revoking the approval
 * cannot come back to life at its old price later; and an offer the seller cannot deliver
 * when it is made (tokens not held, market not approved) is refused. `nonReentrant`,
 * `SafeERC20`, effects before interactions.
 */
contract DvPMarket is ReentrancyGuard, IDvPMarket {
    using SafeERC20 for IERC20;

    /// @notice The token traded.
    IERC20 public immutable asset;
    /// @notice The stablecoin it is paid with.
    IERC20 public immutable currency;
    /// @notice Number of offers ever made; ids run from 1 to this.
    uint256 public offerCount;

    mapping(uint256 offerId => Offer) private _offers;
    /// @notice How many times a seller has withdrawn all its offers ({cancelAll}).
    mapping(address seller => uint32) public cancelAllCount;

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
     * @inheritdoc IDvPMarket
     * @dev Anyone holding `amount` tokens who has approved this market for them
     * ({OfferNotDeliverable}); `expiry` in the future ({InvalidExpiry}). Emits {OfferCreated}.
     */
    function offer(uint128 amount, uint128 price, uint40 expiry) external returns (uint256 offerId) {
        if (amount == 0 || price == 0) revert InvalidOffer(amount, price);
        if (expiry <= block.timestamp) revert InvalidExpiry(expiry, block.timestamp);
        uint256 balance = asset.balanceOf(msg.sender);
        uint256 allowance = asset.allowance(msg.sender, address(this));
        if (balance < amount || allowance < amount) {
            revert OfferNotDeliverable(msg.sender, amount, balance, allowance);
        }
        offerId = ++offerCount;
        _offers[offerId] = Offer(msg.sender, true, expiry, cancelAllCount[msg.sender], amount, price);
        emit OfferCreated(offerId, msg.sender, amount, price, expiry);
    }

    /**
     * @inheritdoc IDvPMarket
     * @dev Emits {AllOffersCancelled}.
     */
    function cancelAll() external {
        uint32 epoch = ++cancelAllCount[msg.sender];
        emit AllOffersCancelled(msg.sender, epoch);
    }

    /**
     * @inheritdoc IDvPMarket
     * @dev Seller only. Emits {OfferCancelled}.
     */
    function cancel(uint256 offerId) external {
        Offer storage o = _offers[offerId];
        if (!o.open) revert OfferNotOpen(offerId);
        if (o.seller != msg.sender) revert NotSeller(offerId, msg.sender);
        o.open = false;
        emit OfferCancelled(offerId);
    }

    /**
     * @inheritdoc IDvPMarket
     * @dev Approve this market for the stablecoin first. Reverts with {OfferExpired} from the
     * offer's expiry on, {OfferNotOpen} if taken or cancelled (alone or by a cancel-all), or
     * with the refusing leg's error (for example the token's compliance error) and then
     * nothing moves. Emits {OfferTaken}.
     */
    function take(uint256 offerId) external nonReentrant {
        Offer memory o = _liveOffer(offerId);
        if (o.seller == msg.sender) revert SelfTrade(offerId, msg.sender);
        _offers[offerId].open = false;
        emit OfferTaken(offerId, o.seller, msg.sender, o.amount, o.price);
        currency.safeTransferFrom(msg.sender, o.seller, o.price);
        asset.safeTransferFrom(o.seller, msg.sender, o.amount);
    }

    /// @inheritdoc IDvPMarket
    function offerOf(uint256 offerId) external view returns (Offer memory) {
        return _offers[offerId];
    }

    /// @inheritdoc IDvPMarket
    function isLive(uint256 offerId) external view returns (bool) {
        Offer memory o = _offers[offerId];
        return o.open && o.epoch == cancelAllCount[o.seller] && block.timestamp < o.expiry;
    }

    /**
     * @inheritdoc IDvPMarket
     * @dev Asks the token's {ITransferCheck-canTransfer} for the seller-to-buyer transfer.
     */
    function checkTake(uint256 offerId, address buyer)
        external
        view
        returns (bool allowed, bytes4 errorSelector, bytes memory reason)
    {
        Offer memory o = _liveOffer(offerId);
        return ITransferCheck(address(asset)).canTransfer(o.seller, buyer, o.amount);
    }

    /// @dev The offer, if it can be taken now: open, not withdrawn by a cancel-all, not expired.
    function _liveOffer(uint256 offerId) private view returns (Offer memory o) {
        o = _offers[offerId];
        if (!o.open || o.epoch != cancelAllCount[o.seller]) revert OfferNotOpen(offerId);
        if (block.timestamp >= o.expiry) revert OfferExpired(offerId, o.expiry);
    }
}
