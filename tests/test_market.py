"""The delivery-versus-payment market: a trade settles both legs or neither, the token's
compliance judges the real seller and buyer, and revenue follows the tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from tests.conftest import CN, SG, UNIT, USD, TokenSetup, events, wallet
from tokenizer.errors import TransactionReverted
from tokenizer.spec import ComplianceSpec
from tokenizer.units import SECONDS_PER_DAY

MAX_UINT = 2**256 - 1
PRICE = 105 * USD  # for 100 tokens


@dataclass
class Market:
    s: TokenSetup
    market: Any
    seller: LocalAccount  # holds 100 tokens, lock-up over, approved the market
    buyer: LocalAccount  # verified, holds 1,000 USD, approved the market

    def send(self, who: LocalAccount, fn: str, *args: Any) -> Any:
        return self.s.chain.send(self.s.chain.tx(who, self.market, fn, *args))

    def offer(self, amount: int = 100 * UNIT, price: int = PRICE, expiry: int | None = None) -> int:
        if expiry is None:
            expiry = self.s.chain.timestamp() + SECONDS_PER_DAY
        receipt = self.send(self.seller, "offer", amount, price, expiry)
        (created,) = events(receipt, self.market, "OfferCreated")
        return int(created["offerId"])

    def balances(self) -> tuple[int, int, int, int]:
        token, stable = self.s.token.functions, self.s.stablecoin.functions  # type: ignore[attr-defined]
        c = self.s.chain
        return (
            c.call(token.balanceOf(self.seller.address)),
            c.call(token.balanceOf(self.buyer.address)),
            c.call(stable.balanceOf(self.seller.address)),
            c.call(stable.balanceOf(self.buyer.address)),
        )


@pytest.fixture()
def m(setup: TokenSetup) -> Market:
    s, c = setup, setup.chain
    seller, buyer = wallet("dvp-seller"), wallet("dvp-buyer")
    s.verify(seller)
    s.verify(buyer, country=SG)
    s.apply_rules(ComplianceSpec(max_balance=150 * UNIT, lockup_days=30))
    s.mint(seller, 100 * UNIT)
    c.increase_time(31 * SECONDS_PER_DAY)
    deployed = c.deploy("DvPMarket", [s.token.address, s.stablecoin.address], s.admin)  # type: ignore[attr-defined]
    market = c.contract("DvPMarket", deployed.contract_address or "")
    c.send_many(
        [
            c.tx(s.admin, s.stablecoin, "mint", buyer.address, 1_000 * USD),
            c.tx(seller, s.token, "approve", market.address, MAX_UINT),
            c.tx(buyer, s.stablecoin, "approve", market.address, MAX_UINT),
        ]
    )
    return Market(s, market, seller, buyer)


def refused(m: Market, who: LocalAccount, fn: str, *args: Any) -> TransactionReverted:
    with pytest.raises(TransactionReverted) as info:
        m.send(who, fn, *args)
    return info.value


def test_a_trade_delivers_the_tokens_and_pays_the_seller_in_one_transaction(m: Market) -> None:
    offer_id = m.offer()
    receipt = m.send(m.buyer, "take", offer_id)
    assert m.balances() == (0, 100 * UNIT, PRICE, 1_000 * USD - PRICE)
    assert events(receipt, m.market, "OfferTaken") == [
        {
            "offerId": offer_id,
            "seller": m.seller.address,
            "buyer": m.buyer.address,
            "amount": 100 * UNIT,
            "price": PRICE,
        }
    ]
    assert tuple(m.s.chain.call(m.market.functions.offerOf(offer_id)))[1] is False


@pytest.mark.parametrize(
    "refusal",
    ["buyer over the max balance", "seller in a lock-up", "seller frozen", "buyer blocked"],
)
def test_a_refused_delivery_leaves_both_balances_unchanged_and_the_offer_open(
    m: Market, refusal: str
) -> None:
    s, c = m.s, m.s.chain
    offer_id = m.offer()
    buyer = m.buyer
    if refusal == "buyer over the max balance":
        s.mint(buyer, 60 * UNIT)
        expected = "MaxBalanceExceeded"
    elif refusal == "seller in a lock-up":
        s.mint(m.seller, UNIT)  # a new purchase restarts the seller's lock-up
        expected = "TokensLockedUp"
    elif refusal == "seller frozen":
        c.send(c.tx(s.agent, s.token, "setWalletFrozen", m.seller.address, True))
        expected = "WalletFrozen"
    else:
        c.send(c.tx(s.agent, s.registry, "updateInvestor", buyer.address, CN, 1, 2**40))
        expected = "CountryBlocked"
    before = m.balances()
    allowed, _, _ = c.call(m.market.functions.checkTake(offer_id, buyer.address))
    assert allowed is False
    error = refused(m, buyer, "take", offer_id)
    assert error.error_name == expected
    assert m.balances() == before
    assert tuple(c.call(m.market.functions.offerOf(offer_id)))[1] is True


def test_a_missing_payment_leaves_the_tokens_with_the_seller(m: Market) -> None:
    c = m.s.chain
    offer_id = m.offer(price=2_000 * USD)  # more than the buyer has
    before = m.balances()
    assert refused(m, m.buyer, "take", offer_id).error_name == "ERC20InsufficientBalance"
    c.send(c.tx(m.buyer, m.s.stablecoin, "approve", m.market.address, 0))
    cheap = m.offer(amount=UNIT, price=USD)
    assert refused(m, m.buyer, "take", cheap).error_name == "ERC20InsufficientAllowance"
    assert m.balances() == before


def test_an_offer_can_be_taken_once_and_cancelled_only_by_its_seller(m: Market) -> None:
    taken, withdrawn = m.offer(amount=UNIT, price=USD), m.offer(amount=UNIT, price=USD)
    m.send(m.buyer, "take", taken)
    assert refused(m, m.buyer, "take", taken).error_name == "OfferNotOpen"
    assert refused(m, m.buyer, "cancel", withdrawn).error_name == "NotSeller"
    receipt = m.send(m.seller, "cancel", withdrawn)
    assert events(receipt, m.market, "OfferCancelled") == [{"offerId": withdrawn}]
    assert refused(m, m.buyer, "take", withdrawn).error_name == "OfferNotOpen"
    assert refused(m, m.seller, "cancel", withdrawn).error_name == "OfferNotOpen"
    assert refused(m, m.buyer, "take", 99).error_name == "OfferNotOpen"


def test_a_seller_cannot_take_its_own_offer_nor_offer_nothing(m: Market) -> None:
    offer_id = m.offer()
    assert refused(m, m.seller, "take", offer_id).error_name == "SelfTrade"
    later = m.s.chain.timestamp() + SECONDS_PER_DAY
    assert refused(m, m.seller, "offer", 0, USD, later).error_name == "InvalidOffer"
    assert refused(m, m.seller, "offer", UNIT, 0, later).error_name == "InvalidOffer"


def test_check_take_answers_as_the_token_would(m: Market) -> None:
    c = m.s.chain
    offer_id = m.offer()
    assert c.call(m.market.functions.checkTake(offer_id, m.buyer.address))[0] is True
    outsider = wallet("dvp-outsider")
    allowed, selector, reason = c.call(m.market.functions.checkTake(offer_id, outsider.address))
    expected = c.call(
        m.s.token.functions.canTransfer(m.seller.address, outsider.address, 100 * UNIT)  # type: ignore[attr-defined]
    )
    assert (allowed, selector, reason) == tuple(expected)
    assert allowed is False


def test_revenue_follows_the_tokens_traded(m: Market) -> None:
    s = m.s
    s.distribute(1, 100 * USD)
    m.send(m.buyer, "take", m.offer())
    s.distribute(2, 100 * USD)
    assert 100 * USD - 1 <= s.claimable(m.seller) <= 100 * USD  # period 1, floored
    assert 100 * USD - 1 <= s.claimable(m.buyer) <= 100 * USD  # period 2


def test_a_market_needs_two_different_tokens(setup: TokenSetup) -> None:
    c = setup.chain
    with pytest.raises(TransactionReverted) as info:
        c.deploy("DvPMarket", [setup.token.address, setup.token.address], setup.admin)  # type: ignore[attr-defined]
    assert info.value.error_name == "InvalidMarket"


# --------------------------------------------------------------------------- stale offers


def test_an_offer_the_seller_cannot_deliver_when_it_is_made_is_refused(m: Market) -> None:
    c, s = m.s.chain, m.s
    later = c.timestamp() + SECONDS_PER_DAY
    outsider = wallet("dvp-no-tokens")
    s.verify(outsider)
    nothing = refused(m, outsider, "offer", UNIT, USD, later)
    assert nothing.error_name == "OfferNotDeliverable"
    too_much = refused(m, m.seller, "offer", 101 * UNIT, USD, later)
    assert too_much.error_name == "OfferNotDeliverable"
    c.send(c.tx(m.seller, s.token, "approve", m.market.address, UNIT))
    unapproved = refused(m, m.seller, "offer", 2 * UNIT, USD, later)
    assert unapproved.error_name == "OfferNotDeliverable"
    assert c.call(m.market.functions.offerCount()) == 0


def test_an_offer_whose_expiry_has_passed_cannot_be_taken(m: Market) -> None:
    c = m.s.chain
    assert refused(m, m.seller, "offer", UNIT, USD, c.timestamp()).error_name == "InvalidExpiry"
    offer_id = m.offer(expiry=c.timestamp() + 600)
    assert c.call(m.market.functions.isLive(offer_id)) is True
    c.increase_time(601)
    before = m.balances()
    assert refused(m, m.buyer, "take", offer_id).error_name == "OfferExpired"
    assert m.balances() == before
    assert c.call(m.market.functions.isLive(offer_id)) is False


def test_a_killed_offer_does_not_come_back_to_life_after_the_sellers_cancel_all(
    m: Market,
) -> None:
    c, s = m.s.chain, m.s
    stale = m.offer(price=USD)  # a cheap offer the seller means to kill
    parking = wallet("dvp-parking")
    s.verify(parking)
    c.send(c.tx(m.seller, s.token, "transfer", parking.address, 100 * UNIT))
    assert refused(m, m.buyer, "take", stale).error_name == "ERC20InsufficientBalance"
    receipt = m.send(m.seller, "cancelAll")
    assert events(receipt, m.market, "AllOffersCancelled") == [
        {"seller": m.seller.address, "epoch": 1}
    ]
    c.send(c.tx(parking, s.token, "transfer", m.seller.address, 100 * UNIT))
    # The seller holds and has approved the tokens again: the old price is not revived.
    assert refused(m, m.buyer, "take", stale).error_name == "OfferNotOpen"
    assert c.call(m.market.functions.isLive(stale)) is False
    fresh = m.offer()
    m.send(m.buyer, "take", fresh)
    assert m.balances()[1] == 100 * UNIT


def test_cancel_all_withdraws_only_the_callers_offers(m: Market) -> None:
    c, s = m.s.chain, m.s
    other = wallet("dvp-other-seller")
    s.verify(other)
    s.mint(other, 10 * UNIT)
    c.increase_time(31 * SECONDS_PER_DAY)
    c.send(c.tx(other, s.token, "approve", m.market.address, MAX_UINT))
    theirs = m.send(other, "offer", UNIT, USD, c.timestamp() + SECONDS_PER_DAY)
    (created,) = events(theirs, m.market, "OfferCreated")
    mine = m.offer()
    m.send(m.seller, "cancelAll")
    assert c.call(m.market.functions.isLive(mine)) is False
    assert c.call(m.market.functions.isLive(int(created["offerId"]))) is True
