// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {RevenueShareToken} from "../token/RevenueShareToken.sol";
import {IPrimaryOffering} from "../interfaces/IPrimaryOffering.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IDocumentRegistry} from "../interfaces/IDocumentRegistry.sol";

/**
 * @title PrimaryOffering
 * @notice Fixed-price primary sale of a {RevenueShareToken} for a stablecoin. Payments are held
 * in escrow; if the soft cap is reached they go to the issuer's treasury, otherwise every buyer
 * can get a full refund.
 * @dev The offering needs the token's AGENT_ROLE to mint and burn. Tokens are minted at purchase.
 * The admin role is handed over in two steps with a delay ({AccessControlDefaultAdminRules}).
 */
contract PrimaryOffering is AccessControlDefaultAdminRules, ReentrancyGuard, IPrimaryOffering {
    using SafeERC20 for IERC20;

    uint256 private constant ONE_TOKEN = 1e18;

    Terms private _terms;

    /// @notice The token sold.
    RevenueShareToken public immutable token;
    /// @notice The stablecoin buyers pay with.
    IERC20 public immutable paymentToken;
    /// @notice Receiver of the proceeds if the sale succeeds.
    address public immutable treasury;

    /// @notice Current sale state.
    Status public status;
    /// @notice The deal's document registry, if the deal has one: no purchase while a document
    /// it requires is missing, revoked or not attested (`RequiredDocumentMissing`). Packed with
    /// {status}, which every purchase reads anyway.
    IDocumentRegistry public disclosure;
    /// @notice Payment-token units raised (not reduced by refunds).
    uint256 public raised;
    /// @notice Payment-token units refunded so far.
    uint256 public totalRefunded;
    /// @notice Number of distinct buyers (not reduced by refunds).
    uint256 public buyerCount;
    /// @notice Payment-token units paid by a buyer (zeroed on refund).
    mapping(address buyer => uint256) public paidOf;
    /// @notice Payment-token units paid by all the wallets of one investor (the identity
    /// registry's `investorIdOf`): what the per-investor maximum counts. Not reduced by refunds.
    mapping(address investor => uint256) public paidByInvestor;
    /// @notice Tokens bought by a buyer (zeroed on refund).
    mapping(address buyer => uint256) public tokensOf;

    /// @notice Emitted when the sale is gated on a document registry (zero: gating removed).
    event DisclosureSet(address indexed registry);
    /// @dev The disclosure gate can only change before the first purchase.
    error SaleAlreadyStarted(uint256 raised);

    /**
     * @notice Deploys the offering and validates its terms.
     * @param terms_ Sale terms.
     * @param admin Receives DEFAULT_ADMIN_ROLE.
     * @param token_ The token sold; grant this contract its AGENT_ROLE.
     * @param paymentToken_ The stablecoin buyers pay with.
     * @param treasury_ Receiver of the proceeds.
     * @param adminDelay Seconds between the start of an admin handover and its acceptance.
     */
    constructor(
        Terms memory terms_,
        address admin,
        RevenueShareToken token_,
        IERC20 paymentToken_,
        address treasury_,
        uint48 adminDelay
    ) AccessControlDefaultAdminRules(adminDelay, admin) {
        if (terms_.price == 0) revert InvalidPrice(terms_.price);
        if (terms_.end <= terms_.start) revert InvalidSaleWindow(terms_.start, terms_.end);
        if (terms_.hardCap == 0) revert InvalidHardCap(terms_.hardCap);
        if (terms_.softCap > terms_.hardCap) revert SoftCapAboveHardCap(terms_.softCap, terms_.hardCap);
        if (terms_.maxPurchase == 0) revert InvalidMaxPurchase(terms_.maxPurchase);
        if (terms_.minPurchase > terms_.maxPurchase) {
            revert MinPurchaseAboveMaxPurchase(terms_.minPurchase, terms_.maxPurchase);
        }
        if (address(token_) == address(0)) revert InvalidAddress("token");
        if (address(paymentToken_) == address(0)) revert InvalidAddress("paymentToken");
        if (treasury_ == address(0)) revert InvalidAddress("treasury");

        _terms = terms_;
        token = token_;
        paymentToken = paymentToken_;
        treasury = treasury_;
    }

    /**
     * @inheritdoc IPrimaryOffering
     * @dev Tokens = payment * 1e18 / price, minted to the caller at once; the payment stays in
     * escrow until {finalize}. Emits {TokensPurchased}.
     */
    function buy(uint256 payment) external nonReentrant returns (uint256 tokens) {
        Terms memory t = _terms;
        if (status != Status.Active || block.timestamp < t.start || block.timestamp >= t.end) {
            revert SaleNotOpen(t.start, t.end, block.timestamp);
        }
        if (address(disclosure) != address(0)) disclosure.requireDocuments();
        IIdentityRegistry registry = token.identityRegistry();
        if (!registry.isVerified(msg.sender)) revert BuyerNotVerified(msg.sender);
        if (payment < t.minPurchase) revert BelowMinimumPurchase(payment, t.minPurchase);
        uint256 paidBefore = paidOf[msg.sender];
        address investor = registry.investorIdOf(msg.sender);
        uint256 investorPaid = paidByInvestor[investor] + payment;
        if (investorPaid > t.maxPurchase) revert AboveMaximumPurchase(investorPaid, t.maxPurchase);
        uint256 raisedAfter = raised + payment;
        if (raisedAfter > t.hardCap) revert HardCapExceeded(raisedAfter, t.hardCap);
        tokens = payment * ONE_TOKEN / t.price;
        if (tokens == 0) revert PaymentTooSmall(payment, t.price);

        bool firstSale = raised == 0;
        if (paidBefore == 0) ++buyerCount;
        paidOf[msg.sender] = paidBefore + payment;
        paidByInvestor[investor] = investorPaid;
        tokensOf[msg.sender] += tokens;
        raised = raisedAfter;
        emit TokensPurchased(msg.sender, payment, tokens);

        // The sale's tokens stay where they were bought until the sale succeeds: a refund
        // right belongs to the wallet that paid.
        if (firstSale) token.setTransfersHeld(true);
        // A payment token that delivers less than was sent (a fee on transfer) is refused:
        // the escrow would hold less than the refunds and the proceeds it owes.
        uint256 before = paymentToken.balanceOf(address(this));
        paymentToken.safeTransferFrom(msg.sender, address(this), payment);
        uint256 received = paymentToken.balanceOf(address(this)) - before;
        if (received != payment) revert PaymentShortfall(payment, received);
        token.mint(msg.sender, tokens);
    }

    /**
     * @inheritdoc IPrimaryOffering
     * @dev Anyone may call, after `end` or once the hard cap is reached; once only. The
     * outcome follows from the terms alone (soft cap met or not), so nobody's absence or lost
     * key can keep a failed sale from opening its refunds. Emits {OfferingFinalized}.
     */
    function finalize() external nonReentrant {
        if (status != Status.Active) revert AlreadyFinalized();
        uint256 raised_ = raised;
        if (block.timestamp < _terms.end && raised_ < _terms.hardCap) revert SaleStillOpen();
        bool succeeded = raised_ >= _terms.softCap;
        status = succeeded ? Status.Succeeded : Status.Failed;
        emit OfferingFinalized(succeeded, raised_);
        if (succeeded && raised_ > 0) {
            token.setTransfersHeld(false);
            paymentToken.safeTransfer(treasury, raised_);
        }
    }

    /**
     * @inheritdoc IPrimaryOffering
     * @dev The caller must still hold the tokens bought (sale tokens cannot move before the
     * sale succeeds, except by the agent). A frozen wallet, or one with frozen tokens, is
     * refused ({RefundHeld}): the admin settles it ({settleHeldRefund}). Emits {Refunded}.
     */
    function refund() external nonReentrant {
        if (status != Status.Failed) revert RefundsNotAvailable();
        uint256 payment = paidOf[msg.sender];
        if (payment == 0) revert NothingToRefund(msg.sender);
        if (token.isWalletFrozen(msg.sender) || token.frozenTokens(msg.sender) != 0) revert RefundHeld(msg.sender);
        uint256 tokens = tokensOf[msg.sender];

        paidOf[msg.sender] = 0;
        tokensOf[msg.sender] = 0;
        totalRefunded += payment;
        emit Refunded(msg.sender, payment, tokens);

        token.burn(msg.sender, tokens);
        paymentToken.safeTransfer(msg.sender, payment);
    }

    /**
     * @inheritdoc IPrimaryOffering
     * @dev Works in every state (during the sale it keeps the per-investor maximum per
     * investor). Reverts with {RecoveryNotInRegistry} unless the token's identity registry
     * records the recovery, {NothingToRefund} if the lost wallet bought nothing. Emits
     * {PurchaseRecovered}.
     */
    function recoverPurchase(address lostWallet, address newWallet) external nonReentrant {
        if (newWallet == address(0) || token.identityRegistry().recoveredWallet(lostWallet) != newWallet) {
            revert RecoveryNotInRegistry(lostWallet, newWallet);
        }
        uint256 payment = paidOf[lostWallet];
        if (payment == 0) revert NothingToRefund(lostWallet);
        uint256 tokens = tokensOf[lostWallet];
        paidOf[lostWallet] = 0;
        tokensOf[lostWallet] = 0;
        paidOf[newWallet] += payment;
        tokensOf[newWallet] += tokens;
        // The per-investor maximum follows the investor: what was booked under the lost
        // wallet as an investor of its own moves to the investor behind the new wallet.
        address investor = token.identityRegistry().investorIdOf(newWallet);
        uint256 booked = paidByInvestor[lostWallet];
        if (investor != lostWallet && booked != 0) {
            paidByInvestor[lostWallet] = 0;
            paidByInvestor[investor] += booked;
        }
        emit PurchaseRecovered(lostWallet, newWallet, payment, tokens);
    }

    /**
     * @inheritdoc IPrimaryOffering
     * @dev Admin only, after a failed sale. Burns `min(tokens bought, balance)` (the agent may
     * have moved some by a forced transfer); frozen tokens burned are unfrozen first. Emits
     * {HeldRefundSettled}.
     */
    function settleHeldRefund(address buyer, address payee) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (status != Status.Failed) revert RefundsNotAvailable();
        if (payee == address(0)) revert InvalidAddress("payee");
        uint256 payment = paidOf[buyer];
        if (payment == 0) revert NothingToRefund(buyer);
        uint256 tokens = tokensOf[buyer];
        uint256 held = token.balanceOf(buyer);
        if (held < tokens) tokens = held;

        paidOf[buyer] = 0;
        tokensOf[buyer] = 0;
        totalRefunded += payment;
        emit HeldRefundSettled(buyer, payee, payment, tokens);

        token.burn(buyer, tokens);
        paymentToken.safeTransfer(payee, payment);
    }

    /**
     * @notice Gates the sale on the deal's required documents (`registry_.requireDocuments()`
     * before every purchase). Admin only, before the first purchase. Emits {DisclosureSet}.
     * @param registry_ The deal's document registry (zero: no gating).
     */
    function setDisclosure(IDocumentRegistry registry_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (status != Status.Active || raised != 0) revert SaleAlreadyStarted(raised);
        disclosure = registry_;
        emit DisclosureSet(address(registry_));
    }

    /// @inheritdoc IPrimaryOffering
    function terms() external view returns (Terms memory) {
        return _terms;
    }
}
