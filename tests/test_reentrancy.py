"""Re-entrancy: a hostile settlement token calls back into the contracts that pay with it.

`ReentrantSettlementToken` (contracts/mocks/) is a 6-decimal stablecoin that, once armed, makes
one call back into a chosen target during its next `transfer`/`transferFrom`, before or after the
balance moves, like an ERC-777 hook. `ReentrantInvestor` is a contract wallet that holds tokens,
claims, buys and refunds in its own name, and lets the hostile token call it back, so the
re-entered call comes from the holder itself. Each test either lets the refused re-entry revert
the whole outer call ("bubble") or records it and lets the outer call finish ("swallow"); either
way the guarded functions refuse with `ReentrancyGuardReentrantCall` and nothing is paid twice.

`distribute` has no guard (its one external call, the pull of the revenue, comes after every
state change): a claim re-entered from that pull is paid exactly what the holder is owed, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

from tests.conftest import UNIT, USD, TokenSetup, deploy_setup, events, wallet
from tokenizer.chain import Chain, Receipt, TxRequest
from tokenizer.deploy.plan import ADMIN_DELAY_SECONDS as ADMIN_DELAY
from tokenizer.errors import TransactionReverted
from tokenizer.units import AGENT_ROLE, SECONDS_PER_DAY

MAGNITUDE = 2**128
MAX_UINT = 2**256 - 1
REPORT = b"\x33" * 32
REENTRANT_CALL = keccak(text="ReentrancyGuardReentrantCall()")[:4]
INVESTOR_TOKENS, HONEST_TOKENS = 3 * UNIT, 5 * UNIT + 1
FIRST_PERIOD = 1_000_003 * USD + 7


@dataclass
class Hostile:
    """A revenue token settled in the hostile stablecoin, a contract investor and an honest
    holder, both holding tokens."""

    s: TokenSetup  # s.stablecoin is the hostile token
    attacker: LocalAccount  # owns the contract investor
    investor: Any  # ReentrantInvestor
    honest: LocalAccount

    @property
    def chain(self) -> Chain:
        return self.s.chain

    @property
    def hostile(self) -> Any:
        return self.s.stablecoin

    def calldata(self, contract: Any, fn: str, *args: Any) -> bytes:
        return bytes.fromhex(self.chain.data(contract, fn, *args)[2:])

    def as_investor(self, contract: Any, fn: str, *args: Any) -> TxRequest:
        """A transaction in which the contract investor calls `contract.fn(*args)`."""
        data = self.calldata(contract, fn, *args)
        return self.chain.tx(self.attacker, self.investor, "execute", contract.address, data)

    def arm(self, target: Any, data: bytes, *, before: bool = False, bubble: bool = False) -> None:
        """Make the hostile token's next transfer call `target` with `data`."""
        self.chain.send(
            self.chain.tx(self.attacker, self.hostile, "arm", target.address, data, before, bubble)
        )

    def arm_investor(self, contract: Any, fn: str, *args: Any, **how: bool) -> None:
        """Make the hostile token's next transfer call back the investor, which then calls
        `contract.fn(*args)` in its own name."""
        inner = self.calldata(contract, fn, *args)
        self.arm(
            self.investor,
            self.calldata(self.investor, "execute", contract.address, inner),
            **how,
        )

    def read(self, contract: Any, fn: str, *args: Any) -> Any:
        return self.chain.call(getattr(contract.functions, fn)(*args))

    def stable(self, who: Any) -> int:
        address = who if isinstance(who, str) else who.address
        return int(self.read(self.hostile, "balanceOf", address))

    def tokens(self, who: Any) -> int:
        address = who if isinstance(who, str) else who.address
        return int(self.read(self.s.token, "balanceOf", address))

    def reentries(self, receipt: Receipt) -> list[tuple[bool, bytes]]:
        return [
            (e["success"], e["returnData"])
            for e in events(receipt, self.hostile, "ReentryAttempted")
        ]

    def claims(self, receipt: Receipt) -> list[tuple[str, int]]:
        return [
            (e["holder"].lower(), e["amount"])
            for e in events(receipt, self.s.token, "RevenueClaimed")
        ]


def refused(chain: Chain, req: TxRequest) -> str | None:
    """Send `req`, which must be refused; return the decoded error's name."""
    with pytest.raises(TransactionReverted) as info:
        chain.send(req)
    return info.value.error_name


def share(amount: int, balance: int, supply: int) -> int:
    """A holder's claimable amount after one distribution (the contract's magnified math)."""
    return (amount * MAGNITUDE // supply) * balance // MAGNITUDE


@pytest.fixture()
def h(chain: Chain) -> Hostile:
    attacker = chain.accounts[4]
    s = deploy_setup(chain, settlement="ReentrantSettlementToken", settlement_args=[])
    investor = chain.deploy("ReentrantInvestor", [], attacker)
    h = Hostile(
        s=s,
        attacker=attacker,
        investor=chain.contract("ReentrantInvestor", investor.contract_address or ""),
        honest=wallet("reentrancy-honest"),
    )
    chain.send(chain.tx(attacker, h.investor, "setHook", h.hostile.address))
    s.verify(h.investor.address, h.honest)
    s.mint(h.investor.address, INVESTOR_TOKENS)
    s.mint(h.honest, HONEST_TOKENS)
    return h


SUPPLY = INVESTOR_TOKENS + HONEST_TOKENS
INVESTOR_OWED = share(FIRST_PERIOD, INVESTOR_TOKENS, SUPPLY)
HONEST_OWED = share(FIRST_PERIOD, HONEST_TOKENS, SUPPLY)

where = pytest.mark.parametrize(
    "before", [False, True], ids=["after the payment moves", "before the payment moves"]
)


# --------------------------------------------------------------------------- claim and claimFor


@where
def test_a_holder_reentering_claim_from_its_payment_is_refused_and_paid_exactly_once(
    h: Hostile, before: bool
) -> None:
    h.s.distribute(1, FIRST_PERIOD)
    h.arm_investor(h.s.token, "claim", before=before)
    receipt = h.chain.send(h.as_investor(h.s.token, "claim"))
    assert h.reentries(receipt) == [(False, REENTRANT_CALL)]
    assert h.claims(receipt) == [(h.investor.address.lower(), INVESTOR_OWED)]
    assert h.stable(h.investor) == INVESTOR_OWED
    assert h.s.claimable(h.investor.address) == 0
    assert h.stable(h.s.token.address) == FIRST_PERIOD - INVESTOR_OWED
    assert h.s.claimable(h.honest) == HONEST_OWED
    assert refused(h.chain, h.as_investor(h.s.token, "claim")) == "NothingToClaim"


@where
def test_a_refused_reentry_into_claim_that_bubbles_reverts_the_whole_claim(
    h: Hostile, before: bool
) -> None:
    h.s.distribute(1, FIRST_PERIOD)
    h.arm_investor(h.s.token, "claim", before=before, bubble=True)
    assert refused(h.chain, h.as_investor(h.s.token, "claim")) == "ReentrancyGuardReentrantCall"
    assert h.stable(h.investor) == 0
    assert h.s.claimable(h.investor.address) == INVESTOR_OWED
    assert h.stable(h.s.token.address) == FIRST_PERIOD


def test_claim_for_reentered_from_another_holders_payment_is_refused_and_pays_no_one_twice(
    h: Hostile,
) -> None:
    h.s.distribute(1, FIRST_PERIOD)
    both = [h.investor.address, h.honest.address]
    h.arm(h.s.token, h.calldata(h.s.token, "claimFor", both))
    receipt = h.chain.send(h.chain.tx(h.honest, h.s.token, "claim"))
    assert h.reentries(receipt) == [(False, REENTRANT_CALL)]
    assert h.claims(receipt) == [(h.honest.address.lower(), HONEST_OWED)]
    assert (h.stable(h.honest), h.stable(h.investor)) == (HONEST_OWED, 0)
    # The refused claimFor paid nobody: the investor's revenue is still there, once.
    receipt = h.chain.send(h.chain.tx(h.s.stranger, h.s.token, "claimFor", both))
    assert h.claims(receipt) == [(h.investor.address.lower(), INVESTOR_OWED)]
    assert h.stable(h.s.token.address) == FIRST_PERIOD - HONEST_OWED - INVESTOR_OWED


def test_claim_for_reentering_itself_through_a_contract_holder_is_refused(h: Hostile) -> None:
    h.s.distribute(1, FIRST_PERIOD)
    # claimFor pays the investor first; its payment calls back claimFor for both holders.
    both = [h.investor.address, h.honest.address]
    h.arm_investor(h.s.token, "claimFor", both)
    receipt = h.chain.send(h.chain.tx(h.s.stranger, h.s.token, "claimFor", both))
    assert h.reentries(receipt) == [(False, REENTRANT_CALL)]
    assert h.claims(receipt) == [
        (h.investor.address.lower(), INVESTOR_OWED),
        (h.honest.address.lower(), HONEST_OWED),
    ]
    assert (h.stable(h.investor), h.stable(h.honest)) == (INVESTOR_OWED, HONEST_OWED)


# --------------------------------------------------------------------------- distribute


@where
def test_a_claim_reentered_from_the_revenue_pull_is_refused_and_the_period_lands_whole(
    h: Hostile, before: bool
) -> None:
    h.s.distribute(1, FIRST_PERIOD)
    second = 500_001 * USD + 3
    c = h.chain
    c.send_many(
        [
            c.tx(h.s.admin, h.hostile, "mint", h.s.servicer.address, second),
            c.tx(h.s.servicer, h.hostile, "approve", h.s.token.address, second),
        ]
    )
    h.arm_investor(h.s.token, "claim", before=before)
    receipt = c.send(c.tx(h.s.servicer, h.s.token, "distribute", 2, second, REPORT))
    # distribute is guarded (since the token measures what the pull delivered): the claim
    # re-entered from the pull is refused, nothing is paid, and the period lands whole.
    assert h.reentries(receipt) == [(False, REENTRANT_CALL)]
    assert h.claims(receipt) == []
    per_share = FIRST_PERIOD * MAGNITUDE // SUPPLY
    remainder = FIRST_PERIOD * MAGNITUDE % SUPPLY
    per_share += (second * MAGNITUDE + remainder) // SUPPLY
    owed = per_share * INVESTOR_TOKENS // MAGNITUDE
    assert h.stable(h.investor) == 0
    assert h.s.claimable(h.investor.address) == owed
    honest = h.s.claimable(h.honest)
    assert honest == per_share * HONEST_TOKENS // MAGNITUDE
    dust = FIRST_PERIOD + second - owed - honest
    assert h.stable(h.s.token.address) == owed + honest + dust
    assert 0 <= dust <= 2


def test_a_claim_reentered_before_the_first_pull_is_refused_and_the_holder_keeps_its_due(
    h: Hostile,
) -> None:
    c = h.chain
    c.send_many(
        [
            c.tx(h.s.admin, h.hostile, "mint", h.s.servicer.address, FIRST_PERIOD),
            c.tx(h.s.servicer, h.hostile, "approve", h.s.token.address, FIRST_PERIOD),
        ]
    )
    h.arm_investor(h.s.token, "claim", before=True)
    receipt = c.send(c.tx(h.s.servicer, h.s.token, "distribute", 1, FIRST_PERIOD, REPORT))
    assert h.reentries(receipt) == [(False, REENTRANT_CALL)]  # distribute is guarded
    assert h.claims(receipt) == []
    assert h.s.claimable(h.investor.address) == INVESTOR_OWED
    assert h.stable(h.s.token.address) == FIRST_PERIOD


def test_the_settlement_token_cannot_distribute_a_period_itself(h: Hostile) -> None:
    h.s.distribute(1, FIRST_PERIOD)
    h.arm(h.s.token, h.calldata(h.s.token, "distribute", 2, 0, REPORT))
    receipt = h.chain.send(h.chain.tx(h.honest, h.s.token, "claim"))
    ((success, error),) = h.reentries(receipt)
    assert not success
    assert error[:4] == keccak(text="AccessControlUnauthorizedAccount(address,bytes32)")[:4]
    assert h.read(h.s.token, "lastPeriodId") == 1


# --------------------------------------------------------------------------- primary offering

PRICE = 2 * USD  # per whole token
PAYMENT = 100 * USD


@dataclass
class Sale:
    h: Hostile
    offering: Any
    end: int

    def buy(self, payment: int = PAYMENT) -> TxRequest:
        return self.h.as_investor(self.offering, "buy", payment)

    def read(self, fn: str, *args: Any) -> Any:
        return self.h.read(self.offering, fn, *args)


@pytest.fixture()
def sale(h: Hostile) -> Sale:
    c, s = h.chain, h.s
    start = c.timestamp() + 60
    end = start + 7 * SECONDS_PER_DAY
    terms = (PRICE, start, end, 1_000_000 * USD, 2_000_000 * USD, 10 * USD, 10_000 * USD)
    treasury = wallet("reentrancy-treasury").address
    deployed = c.deploy(
        "PrimaryOffering",
        [terms, s.admin.address, s.token.address, h.hostile.address, treasury, ADMIN_DELAY],
        s.admin,
    )
    offering = c.contract("PrimaryOffering", deployed.contract_address or "")
    c.send_many(
        [
            c.tx(s.admin, s.token, "grantRole", AGENT_ROLE, offering.address),
            c.tx(s.admin, h.hostile, "mint", h.investor.address, 1_000 * USD),
        ]
    )
    c.send(h.as_investor(h.hostile, "approve", offering.address, MAX_UINT))
    c.advance_to(start)
    return Sale(h, offering, end)


@pytest.mark.parametrize("bubble", [False, True], ids=["swallowed", "bubbled"])
def test_a_buyer_reentering_buy_from_its_payment_is_refused_and_buys_once(
    sale: Sale, bubble: bool
) -> None:
    h = sale.h
    h.arm_investor(sale.offering, "buy", PAYMENT, bubble=bubble)
    if bubble:
        assert refused(h.chain, sale.buy()) == "ReentrancyGuardReentrantCall"
        bought, paid = 0, 0
    else:
        receipt = h.chain.send(sale.buy())
        assert h.reentries(receipt) == [(False, REENTRANT_CALL)]
        assert len(events(receipt, sale.offering, "TokensPurchased")) == 1
        bought, paid = PAYMENT * UNIT // PRICE, PAYMENT
    assert h.tokens(h.investor) == INVESTOR_TOKENS + bought
    assert sale.read("tokensOf", h.investor.address) == bought
    assert sale.read("paidOf", h.investor.address) == paid
    assert sale.read("raised") == paid
    assert h.stable(sale.offering.address) == paid
    assert h.stable(h.investor) == 1_000 * USD - paid


@pytest.mark.parametrize("bubble", [False, True], ids=["swallowed", "bubbled"])
def test_a_buyer_reentering_refund_from_its_refund_is_refused_and_refunded_once(
    sale: Sale, bubble: bool
) -> None:
    h, c = sale.h, sale.h.chain
    c.send(sale.buy())
    c.advance_to(sale.end)
    c.send(c.tx(h.s.admin, sale.offering, "finalize"))
    assert sale.read("status") == 2  # failed: below the soft cap, refunds open
    h.arm_investor(sale.offering, "refund", bubble=bubble)
    refund = h.as_investor(sale.offering, "refund")
    if bubble:
        assert refused(c, refund) == "ReentrancyGuardReentrantCall"
        refunded = 0
    else:
        receipt = c.send(refund)
        assert h.reentries(receipt) == [(False, REENTRANT_CALL)]
        assert len(events(receipt, sale.offering, "Refunded")) == 1
        refunded = PAYMENT
        assert refused(c, refund) == "NothingToRefund"
    assert sale.read("totalRefunded") == refunded
    assert sale.read("paidOf", h.investor.address) == PAYMENT - refunded
    assert h.stable(h.investor) == 1_000 * USD - PAYMENT + refunded
    assert h.stable(sale.offering.address) == PAYMENT - refunded
    bought = PAYMENT * UNIT // PRICE
    assert h.tokens(h.investor) == INVESTOR_TOKENS + (0 if refunded else bought)


# --------------------------------------------------------------------------- market


def test_a_buyer_reentering_take_from_its_payment_is_refused_and_takes_one_offer(
    h: Hostile,
) -> None:
    c, s = h.chain, h.s
    deployed = c.deploy("DvPMarket", [s.token.address, h.hostile.address], s.admin)
    market = c.contract("DvPMarket", deployed.contract_address or "")
    c.send(c.tx(h.honest, s.token, "approve", market.address, MAX_UINT))
    c.send_many(
        [
            c.tx(h.honest, market, "offer", UNIT, 10 * USD, c.timestamp() + 3_600),
            c.tx(h.honest, market, "offer", UNIT, 10 * USD, c.timestamp() + 3_600),
            c.tx(s.admin, h.hostile, "mint", h.investor.address, 100 * USD),
        ]
    )
    c.send(h.as_investor(h.hostile, "approve", market.address, MAX_UINT))
    h.arm_investor(market, "take", 2)
    receipt = c.send(h.as_investor(market, "take", 1))
    assert h.reentries(receipt) == [(False, REENTRANT_CALL)]
    assert [e["offerId"] for e in events(receipt, market, "OfferTaken")] == [1]
    assert [tuple(h.read(market, "offerOf", i))[1] for i in (1, 2)] == [False, True]
    assert h.tokens(h.investor) == INVESTOR_TOKENS + UNIT
    assert (h.stable(h.investor), h.stable(h.honest)) == (90 * USD, 10 * USD)
