"""The primary sale: fixed price, escrow, caps, per-investor limits, and full refunds when the
soft cap is missed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from tests.conftest import UNIT, USD, TokenSetup, wallet
from tokenizer.deploy.plan import ADMIN_DELAY_SECONDS as ADMIN_DELAY
from tokenizer.errors import TransactionReverted
from tokenizer.units import AGENT_ROLE, SECONDS_PER_DAY

PRICE = 2_500_000  # 2.50 per whole token
SOFT_CAP = 10_000 * USD
HARD_CAP = 25_000 * USD
MIN_PURCHASE = 100 * USD
MAX_PURCHASE = 10_000 * USD
ACTIVE, SUCCEEDED, FAILED = 0, 1, 2


@dataclass
class Sale:
    s: TokenSetup
    offering: Any
    treasury: str
    start: int
    end: int

    def read(self, fn: str, *args: Any) -> Any:
        return self.s.chain.call(getattr(self.offering.functions, fn)(*args))

    def tokens(self, who: LocalAccount | str) -> int:
        address = who if isinstance(who, str) else who.address
        return int(self.s.chain.call(self.s.token.functions.balanceOf(address)))

    def buyer(self, label: str, funds: int = MAX_PURCHASE, verified: bool = True) -> LocalAccount:
        """A wallet holding `funds` of the stablecoin, with the offering approved to take them."""
        account = wallet(f"offering-{label}")
        c = self.s.chain
        if verified:
            self.s.verify(account)
        else:
            c.fund([account.address], 10**18)
        c.send(c.tx(self.s.admin, self.s.stablecoin, "mint", account.address, funds))
        c.send(c.tx(account, self.s.stablecoin, "approve", self.offering.address, funds))
        return account

    def buy(self, account: LocalAccount, payment: int) -> None:
        self.s.chain.send(self.s.chain.tx(account, self.offering, "buy", payment))

    def refused(self, account: LocalAccount, fn: str, *args: Any) -> TransactionReverted:
        with pytest.raises(TransactionReverted) as info:
            self.s.chain.send(self.s.chain.tx(account, self.offering, fn, *args))
        return info.value

    def finalize(self) -> None:
        self.s.chain.send(self.s.chain.tx(self.s.admin, self.offering, "finalize"))

    def open(self) -> None:
        self.s.chain.advance_to(self.start)

    def close(self) -> None:
        self.s.chain.advance_to(self.end)


def terms_at(start: int, **changes: int) -> tuple[int, ...]:
    terms = {
        "price": PRICE,
        "start": start,
        "end": start + 7 * SECONDS_PER_DAY,
        "softCap": SOFT_CAP,
        "hardCap": HARD_CAP,
        "minPurchase": MIN_PURCHASE,
        "maxPurchase": MAX_PURCHASE,
    }
    terms.update(changes)
    return tuple(terms.values())


@pytest.fixture()
def sale(setup: TokenSetup) -> Sale:
    return open_sale(setup)


def open_sale(setup: TokenSetup) -> Sale:
    c, s = setup.chain, setup
    treasury = wallet("offering-treasury").address
    start = c.timestamp() + 3_600
    terms = terms_at(start)
    deployed = c.deploy(
        "PrimaryOffering",
        [terms, s.admin.address, s.token.address, s.stablecoin.address, treasury, ADMIN_DELAY],
        s.admin,
    )
    offering = c.contract("PrimaryOffering", deployed.contract_address or "")
    c.send(c.tx(s.admin, s.token, "grantRole", AGENT_ROLE, offering.address))
    return Sale(s=s, offering=offering, treasury=treasury, start=start, end=terms[2])


# --------------------------------------------------------------------------- buying


def test_buy_mints_payment_times_one_token_over_price(sale: Sale) -> None:
    alice = sale.buyer("alice")
    sale.open()
    payment = 1_234 * USD + 567_891
    sale.buy(alice, payment)
    expected = payment * UNIT // PRICE
    assert sale.tokens(alice) == expected
    assert sale.read("tokensOf", alice.address) == expected
    assert sale.read("paidOf", alice.address) == payment
    assert sale.read("raised") == payment
    assert sale.s.balance(sale.offering.address) == payment  # held in escrow
    assert sale.s.balance(alice) == MAX_PURCHASE - payment
    assert sale.s.balance(sale.treasury) == 0


def test_repeat_purchases_add_up_and_count_the_buyer_once(sale: Sale) -> None:
    alice, bob = sale.buyer("alice"), sale.buyer("bob")
    sale.open()
    sale.buy(alice, 150 * USD + 1)
    sale.buy(alice, 300 * USD + 3)
    sale.buy(bob, 200 * USD)
    assert sale.read("buyerCount") == 2
    assert sale.read("paidOf", alice.address) == 450 * USD + 4
    assert sale.tokens(alice) == (150 * USD + 1) * UNIT // PRICE + (300 * USD + 3) * UNIT // PRICE
    assert sale.read("raised") == 650 * USD + 4


def test_sale_is_not_open_before_start(sale: Sale) -> None:
    alice = sale.buyer("alice")
    error = sale.refused(alice, "buy", MIN_PURCHASE)
    assert error.error_name == "SaleNotOpen"
    assert sale.tokens(alice) == 0


def test_sale_is_not_open_from_its_end(sale: Sale) -> None:
    alice = sale.buyer("alice")
    sale.close()
    error = sale.refused(alice, "buy", MIN_PURCHASE)
    assert error.error_name == "SaleNotOpen"
    assert sale.s.balance(alice) == MAX_PURCHASE


def test_unverified_buyer_is_refused(sale: Sale) -> None:
    outsider = sale.buyer("outsider", verified=False)
    sale.open()
    error = sale.refused(outsider, "buy", MIN_PURCHASE)
    assert error.error_name == "BuyerNotVerified"
    assert "not a verified investor" in error.user_message
    assert sale.read("raised") == 0


def test_purchase_below_the_minimum_is_refused_and_the_minimum_is_accepted(sale: Sale) -> None:
    alice = sale.buyer("alice")
    sale.open()
    error = sale.refused(alice, "buy", MIN_PURCHASE - 1)
    assert error.error_name == "BelowMinimumPurchase"
    sale.buy(alice, MIN_PURCHASE)
    assert sale.read("paidOf", alice.address) == MIN_PURCHASE


def test_cumulative_purchases_above_the_maximum_are_refused(sale: Sale) -> None:
    alice = sale.buyer("alice", funds=2 * MAX_PURCHASE)
    sale.open()
    first = MAX_PURCHASE - MIN_PURCHASE + 1
    sale.buy(alice, first)
    error = sale.refused(alice, "buy", MIN_PURCHASE)
    assert error.error_name == "AboveMaximumPurchase"
    assert f"cumulative={first + MIN_PURCHASE}" in error.user_message
    assert sale.read("paidOf", alice.address) == first


def test_buying_exactly_the_maximum_is_accepted(sale: Sale) -> None:
    alice = sale.buyer("alice")
    sale.open()
    sale.buy(alice, MAX_PURCHASE - MIN_PURCHASE)
    sale.buy(alice, MIN_PURCHASE)
    assert sale.read("paidOf", alice.address) == MAX_PURCHASE


def test_hard_cap_holds(sale: Sale) -> None:
    a, b, c = sale.buyer("a"), sale.buyer("b"), sale.buyer("c")
    sale.open()
    sale.buy(a, MAX_PURCHASE)
    sale.buy(b, MAX_PURCHASE)
    over = HARD_CAP - 2 * MAX_PURCHASE + 1
    error = sale.refused(c, "buy", over)
    assert error.error_name == "HardCapExceeded"
    assert f"raisedAfter={HARD_CAP + 1}" in error.user_message
    sale.buy(c, HARD_CAP - 2 * MAX_PURCHASE)
    assert sale.read("raised") == HARD_CAP
    d = sale.buyer("d")
    assert sale.refused(d, "buy", MIN_PURCHASE).error_name == "HardCapExceeded"
    assert sale.s.balance(sale.offering.address) == HARD_CAP


# --------------------------------------------------------------------------- finalizing


def test_finalize_before_the_end_below_the_hard_cap_reverts_sale_still_open(sale: Sale) -> None:
    alice = sale.buyer("alice")
    sale.open()
    sale.buy(alice, MAX_PURCHASE)  # above the soft cap, below the hard cap
    error = sale.refused(sale.s.admin, "finalize")
    assert error.error_name == "SaleStillOpen"
    assert sale.read("status") == ACTIVE


def test_successful_sale_sends_the_escrow_to_the_treasury(sale: Sale) -> None:
    a, b = sale.buyer("a"), sale.buyer("b")
    sale.open()
    sale.buy(a, 7_000 * USD + 1)
    sale.buy(b, 3_000 * USD)  # exactly the soft cap in total
    sale.close()
    sale.finalize()
    assert sale.read("status") == SUCCEEDED
    assert sale.s.balance(sale.treasury) == SOFT_CAP + 1
    assert sale.s.balance(sale.offering.address) == 0
    assert sale.tokens(a) == (7_000 * USD + 1) * UNIT // PRICE
    assert sale.refused(a, "refund").error_name == "RefundsNotAvailable"


def test_reaching_the_hard_cap_allows_finalizing_before_the_end(sale: Sale) -> None:
    a, b, c = sale.buyer("a"), sale.buyer("b"), sale.buyer("c")
    sale.open()
    for buyer, payment in [(a, MAX_PURCHASE), (b, MAX_PURCHASE), (c, HARD_CAP - 2 * MAX_PURCHASE)]:
        sale.buy(buyer, payment)
    assert sale.s.chain.timestamp() < sale.end
    sale.finalize()
    assert sale.read("status") == SUCCEEDED
    assert sale.s.balance(sale.treasury) == HARD_CAP


def test_finalize_twice_reverts_already_finalized(sale: Sale) -> None:
    sale.close()
    sale.finalize()
    assert sale.refused(sale.s.admin, "finalize").error_name == "AlreadyFinalized"


def test_no_purchase_after_finalizing(sale: Sale) -> None:
    a, b, c, d = (sale.buyer(x) for x in "abcd")
    sale.open()
    for buyer, payment in [(a, MAX_PURCHASE), (b, MAX_PURCHASE), (c, HARD_CAP - 2 * MAX_PURCHASE)]:
        sale.buy(buyer, payment)
    sale.finalize()
    assert sale.refused(d, "buy", MIN_PURCHASE).error_name == "SaleNotOpen"


# --------------------------------------------------------------------------- refunds


def test_missed_soft_cap_fails_the_sale_and_refunds_every_buyer_in_full(sale: Sale) -> None:
    payments = [100 * USD + 7, 4_321 * USD + 1, 2_500 * USD]
    buyers = [sale.buyer(f"refund-{n}") for n in range(len(payments))]
    sale.open()
    for buyer, payment in zip(buyers, payments, strict=True):
        sale.buy(buyer, payment)
    assert sum(payments) < SOFT_CAP
    supply_sold = sum(p * UNIT // PRICE for p in payments)
    assert sale.s.chain.call(sale.s.token.functions.totalSupply()) == supply_sold

    sale.close()
    sale.finalize()
    assert sale.read("status") == FAILED
    assert sale.s.balance(sale.treasury) == 0

    for buyer in buyers:
        sale.s.chain.send(sale.s.chain.tx(buyer, sale.offering, "refund"))
    assert [sale.s.balance(b) for b in buyers] == [MAX_PURCHASE] * len(buyers)
    assert [sale.tokens(b) for b in buyers] == [0] * len(buyers)
    assert [sale.read("paidOf", b.address) for b in buyers] == [0] * len(buyers)
    assert sale.s.chain.call(sale.s.token.functions.totalSupply()) == 0
    assert sale.read("totalRefunded") == sum(payments) == sale.read("raised")
    assert sale.s.balance(sale.offering.address) == 0


def test_anyone_can_finalize_a_failed_sale_once_its_window_has_ended(sale: Sale) -> None:
    alice = sale.buyer("alice")
    sale.open()
    sale.buy(alice, 500 * USD)
    stranger = sale.s.stranger
    assert sale.refused(stranger, "finalize").error_name == "SaleStillOpen"
    sale.close()
    sale.s.chain.send(sale.s.chain.tx(stranger, sale.offering, "finalize"))  # the admin is away
    assert sale.read("status") == FAILED
    sale.s.chain.send(sale.s.chain.tx(alice, sale.offering, "refund"))
    assert sale.s.balance(alice) == MAX_PURCHASE


def test_refund_twice_reverts_nothing_to_refund(sale: Sale) -> None:
    alice = sale.buyer("alice")
    sale.open()
    sale.buy(alice, 500 * USD)
    sale.close()
    sale.finalize()
    sale.s.chain.send(sale.s.chain.tx(alice, sale.offering, "refund"))
    error = sale.refused(alice, "refund")
    assert error.error_name == "NothingToRefund"
    assert sale.s.balance(alice) == MAX_PURCHASE


def test_refund_before_finalizing_is_not_available(sale: Sale) -> None:
    alice = sale.buyer("alice")
    sale.open()
    sale.buy(alice, 500 * USD)
    assert sale.refused(alice, "refund").error_name == "RefundsNotAvailable"
    assert sale.s.balance(alice) == MAX_PURCHASE - 500 * USD


def test_sale_tokens_cannot_move_until_the_sale_has_succeeded(sale: Sale) -> None:
    alice, bob = sale.buyer("held-alice"), sale.buyer("held-bob")
    sale.open()
    sale.buy(alice, MAX_PURCHASE)
    sale.buy(bob, MIN_PURCHASE)
    c, token = sale.s.chain, sale.s.token
    with pytest.raises(TransactionReverted) as info:
        c.send(c.tx(alice, token, "transfer", bob.address, UNIT))
    assert info.value.error_name == "TransfersHeld"
    sale.close()
    sale.finalize()
    assert sale.read("status") == SUCCEEDED
    c.send(c.tx(alice, token, "transfer", bob.address, UNIT))
    assert sale.tokens(bob) == MIN_PURCHASE * UNIT // PRICE + UNIT


def test_a_recovery_moves_the_refund_right_with_the_tokens(sale: Sale) -> None:
    lost, new, other = sale.buyer("refund-lost"), wallet("refund-new"), sale.buyer("refund-other")
    c, s = sale.s.chain, sale.s
    sale.open()
    sale.buy(lost, 700 * USD + 3)
    sale.buy(other, 300 * USD)
    c.fund([new.address], 10**18)
    c.send(c.tx(s.agent, s.registry, "recoverIdentity", lost.address, new.address))
    c.send(c.tx(s.agent, s.token, "recoverWallet", lost.address, new.address))
    wrong = sale.refused(s.stranger, "recoverPurchase", lost.address, other.address)
    assert wrong.error_name == "RecoveryNotInRegistry"
    c.send(c.tx(s.stranger, sale.offering, "recoverPurchase", lost.address, new.address))
    assert (sale.read("paidOf", lost.address), sale.read("paidOf", new.address)) == (
        0,
        700 * USD + 3,
    )
    sale.close()
    sale.finalize()
    assert sale.read("status") == FAILED
    c.send(c.tx(new, sale.offering, "refund"))
    assert s.balance(new) == 700 * USD + 3
    assert sale.tokens(new) == 0
    assert sale.refused(lost, "refund").error_name == "NothingToRefund"


def test_after_a_failed_sale_the_offering_holds_exactly_the_refunds_still_owed(
    sale: Sale,
) -> None:
    buyers = [sale.buyer(f"owed-{n}") for n in range(3)]
    c = sale.s.chain
    sale.open()
    for n, buyer in enumerate(buyers):
        sale.buy(buyer, (n + 1) * 1_000 * USD + n)
    with pytest.raises(TransactionReverted):  # no sale token changes hands before success
        c.send(c.tx(buyers[0], sale.s.token, "transfer", buyers[1].address, 1))
    sale.close()
    sale.finalize()

    def owed() -> int:
        return sum(int(sale.read("paidOf", b.address)) for b in buyers)

    assert sale.s.balance(sale.offering.address) == owed() == sale.read("raised")
    c.send(c.tx(buyers[1], sale.offering, "refund"))
    assert sale.s.balance(sale.offering.address) == owed() == 1_000 * USD + 3_000 * USD + 2


def test_a_frozen_buyer_cannot_refund_itself_and_the_admin_settles_it_with_an_event(
    sale: Sale,
) -> None:
    from tests.conftest import events

    buyer, payee = sale.buyer("frozen-refund"), wallet("frozen-refund-payee").address
    c, s = sale.s.chain, sale.s
    sale.open()
    sale.buy(buyer, 800 * USD)
    c.send(c.tx(s.agent, s.token, "setWalletFrozen", buyer.address, True))
    sale.close()
    sale.finalize()
    assert sale.refused(buyer, "refund").error_name == "RefundHeld"
    assert sale.refused(s.stranger, "settleHeldRefund", buyer.address, payee).error_name == (
        "AccessControlUnauthorizedAccount"
    )
    receipt = c.send(c.tx(s.admin, sale.offering, "settleHeldRefund", buyer.address, payee))
    tokens = 800 * USD * UNIT // PRICE
    assert events(receipt, sale.offering, "HeldRefundSettled") == [
        {"buyer": buyer.address, "payee": payee, "payment": 800 * USD, "tokensBurned": tokens}
    ]
    assert (s.balance(payee), s.balance(buyer), sale.tokens(buyer)) == (
        800 * USD,
        0 + 10_000 * USD - 800 * USD,
        0,
    )
    assert s.balance(sale.offering.address) == 0


# --------------------------------------------------------------------------- terms


INVALID_TERMS: dict[str, dict[str, int]] = {
    "InvalidPrice": {"price": 0},
    "InvalidSaleWindow": {"end": 0},  # 0 stands for `end == start`, an empty window
    "InvalidHardCap": {"hardCap": 0, "softCap": 0},
    "SoftCapAboveHardCap": {"softCap": HARD_CAP + 1},
    "InvalidMaxPurchase": {"maxPurchase": 0, "minPurchase": 0},
    "MinPurchaseAboveMaxPurchase": {"minPurchase": MAX_PURCHASE + 1},
}


@pytest.mark.parametrize("error", list(INVALID_TERMS))
def test_offering_with_invalid_terms_is_not_deployed(setup: TokenSetup, error: str) -> None:
    start = setup.chain.timestamp() + 3_600
    changes = dict(INVALID_TERMS[error])
    if changes.get("end") == 0:
        changes["end"] = start
    terms = terms_at(start, **changes)
    args = [terms, setup.admin.address, setup.token.address, setup.stablecoin.address]
    with pytest.raises(TransactionReverted) as info:
        setup.chain.deploy(
            "PrimaryOffering", [*args, setup.admin.address, ADMIN_DELAY], setup.admin
        )
    assert info.value.error_name == error


# --------------------------------------------------------------------------- payment token


def test_a_fee_on_transfer_payment_token_is_refused_and_nothing_is_sold(chain: Any) -> None:
    from tests.conftest import deploy_setup

    sale = open_sale(deploy_setup(chain, settlement="QuirkyStablecoin"))
    c, s = chain, sale.s
    c.send(c.tx(s.admin, s.stablecoin, "setFee", 100))  # 1 % of every transfer
    buyer = sale.buyer("fee-buyer")
    sale.open()
    error = sale.refused(buyer, "buy", 1_000 * USD)
    assert error.error_name == "PaymentShortfall"
    assert sale.read("raised") == 0
    assert sale.tokens(buyer) == 0
