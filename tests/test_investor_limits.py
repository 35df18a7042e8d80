"""Limits per investor, not per wallet: the identity registry knows the investor behind several
wallets, and the sale's maximum purchase, the token's maximum balance and its maximum number of
holders count an investor once, with all its wallets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from eth_account.signers.local import LocalAccount
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.conftest import UNIT, USD, TokenSetup, events, wallet
from tests.test_primary_offering import MAX_PURCHASE, open_sale
from tokenizer.errors import TransactionReverted
from tokenizer.spec import ComplianceSpec


def read(s: TokenSetup, contract: Any, fn: str, *args: Any) -> Any:
    return s.chain.call(getattr(contract.functions, fn)(*args))


def add_wallet(s: TokenSetup, existing: LocalAccount, new: LocalAccount) -> Any:
    receipt = s.chain.send(
        s.chain.tx(s.agent, s.registry, "addWallet", existing.address, new.address)
    )
    s.chain.fund([new.address], 10**18)
    return receipt


def refused(s: TokenSetup, sender: LocalAccount, contract: Any, fn: str, *args: Any) -> Any:
    with pytest.raises(TransactionReverted) as info:
        s.chain.send(s.chain.tx(sender, contract, fn, *args))
    return info.value


def test_the_registry_knows_the_investor_behind_several_wallets(setup: TokenSetup) -> None:
    s = setup
    first, second, alone = wallet("inv-first"), wallet("inv-second"), wallet("inv-alone")
    s.verify(first, alone)
    receipt = add_wallet(s, first, second)
    assert events(receipt, s.registry, "WalletLinked") == [
        {"investor": first.address, "wallet": first.address},
        {"investor": first.address, "wallet": second.address},
    ]
    assert read(s, s.registry, "investorIdOf", second.address) == first.address
    assert read(s, s.registry, "investorIdOf", first.address) == first.address
    assert read(s, s.registry, "investorIdOf", alone.address) == alone.address
    assert read(s, s.registry, "isVerified", second.address) is True
    # The second wallet shares the first's country, class and KYC expiry.
    assert (
        tuple(read(s, s.registry, "investorOf", second.address))[:3]
        == tuple(read(s, s.registry, "investorOf", first.address))[:3]
    )


def test_an_investor_with_two_wallets_cannot_buy_twice_the_maximum_purchase(
    setup: TokenSetup,
) -> None:
    sale = open_sale(setup)
    first = sale.buyer("two-wallets-first")
    second = wallet("offering-two-wallets-second")
    add_wallet(setup, first, second)
    c = setup.chain
    c.send(c.tx(setup.admin, setup.stablecoin, "mint", second.address, MAX_PURCHASE))
    c.send(c.tx(second, setup.stablecoin, "approve", sale.offering.address, MAX_PURCHASE))
    sale.open()
    sale.buy(first, MAX_PURCHASE - 100 * USD)
    error = sale.refused(second, "buy", 200 * USD)
    assert error.error_name == "AboveMaximumPurchase"
    sale.buy(second, 100 * USD)  # up to the maximum, across both wallets
    assert sale.read("paidByInvestor", first.address) == MAX_PURCHASE


def test_the_maximum_balance_counts_every_wallet_of_an_investor(setup: TokenSetup) -> None:
    s = setup
    first, second, seller = wallet("bal-first"), wallet("bal-second"), wallet("bal-seller")
    s.verify(first, seller)
    s.apply_rules(ComplianceSpec(max_balance=150 * UNIT))
    s.mint(first, 100 * UNIT)
    s.mint(seller, 100 * UNIT)
    add_wallet(s, first, second)
    c = s.chain
    error = refused(s, seller, s.token, "transfer", second.address, 60 * UNIT)
    assert error.error_name == "MaxBalanceExceeded"
    c.send(c.tx(seller, s.token, "transfer", second.address, 50 * UNIT))
    assert read(s, s.token, "investorBalance", first.address) == 150 * UNIT
    # Moving tokens between one's own wallets is not a new holding.
    c.send(c.tx(first, s.token, "transfer", second.address, 100 * UNIT))
    c.send(c.tx(second, s.token, "transfer", first.address, 150 * UNIT))
    assert read(s, s.token, "investorBalance", first.address) == 150 * UNIT
    assert refused(s, seller, s.token, "transfer", first.address, UNIT).error_name == (
        "MaxBalanceExceeded"
    )
    # A burn lowers the investor's holding.
    c.send(c.tx(s.agent, s.token, "burn", first.address, 10 * UNIT))
    c.send(c.tx(seller, s.token, "transfer", second.address, 10 * UNIT))
    assert read(s, s.token, "investorBalance", first.address) == 150 * UNIT


def test_an_investor_with_two_wallets_counts_once_towards_the_maximum_holders(
    setup: TokenSetup,
) -> None:
    s = setup
    first, second, other, late = (
        wallet("hold-first"),
        wallet("hold-second"),
        wallet("hold-other"),
        wallet("hold-late"),
    )
    s.verify(first, other, late)
    s.apply_rules(ComplianceSpec(max_holders=2))
    s.mint(first, 10 * UNIT)
    s.mint(other, 10 * UNIT)
    add_wallet(s, first, second)
    c = s.chain
    c.send(c.tx(other, s.token, "transfer", second.address, UNIT))
    assert read(s, s.token, "holderCount") == 2  # the investor behind two wallets, and other
    assert refused(s, other, s.token, "transfer", late.address, UNIT).error_name == (
        "MaxHoldersReached"
    )
    # The investor empties both wallets: it leaves, and a new holder may join.
    c.send(c.tx(first, s.token, "transfer", other.address, 10 * UNIT))
    assert read(s, s.token, "holderCount") == 2
    c.send(c.tx(second, s.token, "transfer", other.address, UNIT))
    assert read(s, s.token, "holderCount") == 1
    c.send(c.tx(other, s.token, "transfer", late.address, UNIT))
    assert read(s, s.token, "holderCount") == 2


def test_a_recovered_wallet_of_a_several_wallet_investor_keeps_the_investors_holding(
    setup: TokenSetup,
) -> None:
    s = setup
    first, second, fresh = wallet("rec-first"), wallet("rec-second"), wallet("rec-fresh")
    s.verify(first)
    s.apply_rules(ComplianceSpec(max_balance=150 * UNIT, max_holders=10))
    s.mint(first, 100 * UNIT)
    add_wallet(s, first, second)
    s.mint(second, 40 * UNIT)
    c = s.chain
    c.send(c.tx(s.agent, s.registry, "recoverIdentity", second.address, fresh.address))
    c.send(c.tx(s.agent, s.token, "recoverWallet", second.address, fresh.address))
    assert read(s, s.registry, "investorIdOf", fresh.address) == first.address
    assert read(s, s.token, "investorBalance", first.address) == 140 * UNIT
    assert read(s, s.token, "holderCount") == 1
    with pytest.raises(TransactionReverted) as info:
        s.mint(fresh, 11 * UNIT)
    assert info.value.error_name == "MaxBalanceExceeded"


# --------------------------------------------------------------------------- state machine

LIMIT_EXAMPLES = 50
LIMIT_STEPS = 25
MAX_BALANCE = 100 * UNIT
MAX_HOLDERS = 2
# Five wallets of three investors: a0 and a1 are one investor, b0 and b1 another, c alone.
INVESTOR_OF = ("a", "a", "b", "b", "c")
amounts = st.integers(min_value=1, max_value=60).map(lambda n: n * UNIT)
indexes = st.integers(min_value=0, max_value=len(INVESTOR_OF) - 1)


@dataclass
class LimitEnv:
    setup: TokenSetup
    market: Any
    pool: list[LocalAccount]
    sequences: int = 0
    steps: int = 0
    rules: dict[str, int] = field(default_factory=dict)


@dataclass
class Offer:
    seller: int
    amount: int
    expiry: int
    epoch: int
    open: bool = True


class InvestorLimitsMachine(RuleBasedStateMachine):
    """Mints, transfers, burns and market trades between the wallets of three investors, two
    of them with two wallets each, with the maximum balance and the maximum holders on; offers
    expire and a seller may cancel all. A model predicts every refusal; after every step the
    token's holder count and investor balances equal the model's."""

    env: ClassVar[LimitEnv]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot = self.env.setup.chain.snapshot()
        self.balances = [0] * len(INVESTOR_OF)
        self.offers: list[Offer] = []
        self.epochs = [0] * len(INVESTOR_OF)
        self.env.sequences += 1

    def teardown(self) -> None:
        self.env.setup.chain.revert_to(self.snapshot)

    def step(self, name: str) -> None:
        self.env.steps += 1
        self.env.rules[name] = self.env.rules.get(name, 0) + 1

    def held(self, investor: str) -> int:
        return sum(b for b, i in zip(self.balances, INVESTOR_OF, strict=True) if i == investor)

    def holders(self) -> int:
        return sum(1 for i in set(INVESTOR_OF) if self.held(i) > 0)

    def refusals(self, sender: int | None, to: int, value: int) -> set[str]:
        if sender is not None and self.balances[sender] < value:
            return {"ERC20InsufficientBalance"}
        receiver = INVESTOR_OF[to]
        if sender is not None and INVESTOR_OF[sender] == receiver:
            return set()
        before = self.held(receiver)
        if before + value > MAX_BALANCE:
            return {"MaxBalanceExceeded"}
        sender_leaves = sender is not None and self.held(INVESTOR_OF[sender]) == value
        if before == 0 and not sender_leaves and self.holders() >= MAX_HOLDERS:
            return {"MaxHoldersReached"}
        return set()

    def send(self, refusals: set[str], req: Any) -> bool:
        c = self.env.setup.chain
        if refusals:
            with pytest.raises(TransactionReverted) as info:
                c.send(req)
            assert info.value.error_name in refusals, (req.action, info.value.reason)
            return False
        c.send(req)
        return True

    @initialize()
    def start(self) -> None:
        """Both several-wallet investors start with a holding, so that offers have tokens."""
        s = self.env.setup
        s.chain.send_many(
            [
                s.chain.tx(s.agent, s.token, "mint", self.env.pool[i].address, 50 * UNIT)
                for i in (0, 2)
            ]
        )
        self.balances[0] = self.balances[2] = 50 * UNIT

    @rule(to=indexes, value=amounts)
    def mint(self, to: int, value: int) -> None:
        self.step("mint")
        s = self.env.setup
        req = s.chain.tx(s.agent, s.token, "mint", self.env.pool[to].address, value)
        if self.send(self.refusals(None, to, value), req):
            self.balances[to] += value

    @rule(sender=indexes, to=indexes, value=amounts)
    def transfer(self, sender: int, to: int, value: int) -> None:
        if sender == to:
            return
        self.step("transfer")
        s, pool = self.env.setup, self.env.pool
        req = s.chain.tx(pool[sender], s.token, "transfer", pool[to].address, value)
        if self.send(self.refusals(sender, to, value), req):
            self.balances[sender] -= value
            self.balances[to] += value

    @rule(holder=indexes, value=amounts)
    def burn(self, holder: int, value: int) -> None:
        self.step("burn")
        s = self.env.setup
        req = s.chain.tx(s.agent, s.token, "burn", self.env.pool[holder].address, value)
        refusals = {"ERC20InsufficientBalance"} if self.balances[holder] < value else set()
        if self.send(refusals, req):
            self.balances[holder] -= value

    @rule(seller=indexes, value=amounts, lifetime=st.sampled_from([60, 3_600, 86_400]))
    def offer(self, seller: int, value: int, lifetime: int) -> None:
        self.step("offer")
        c, m = self.env.setup.chain, self.env.market
        expiry = c.timestamp() + lifetime
        req = c.tx(self.env.pool[seller], m, "offer", value, USD, expiry)
        refusals = {"OfferNotDeliverable"} if self.balances[seller] < value else set()
        if self.send(refusals, req):
            self.offers.append(Offer(seller, value, expiry, self.epochs[seller]))

    @precondition(lambda self: bool(self.offers))
    @rule(pick=st.integers(min_value=0), buyer=indexes)
    def take(self, pick: int, buyer: int) -> None:
        self.step("take")
        c, m = self.env.setup.chain, self.env.market
        offer_id = pick % len(self.offers) + 1
        o = self.offers[offer_id - 1]
        now = c.timestamp() + 1  # the block the take lands in
        if not o.open or o.epoch != self.epochs[o.seller]:
            refusals = {"OfferNotOpen"}
        elif now >= o.expiry:
            refusals = {"OfferExpired", "OfferNotOpen"}
        elif buyer == o.seller:
            refusals = {"SelfTrade"}
        else:
            refusals = self.refusals(o.seller, buyer, o.amount)
        if self.send(refusals, c.tx(self.env.pool[buyer], m, "take", offer_id)):
            o.open = False
            self.balances[o.seller] -= o.amount
            self.balances[buyer] += o.amount

    @rule(seller=indexes)
    def cancel_all(self, seller: int) -> None:
        self.step("cancel_all")
        c = self.env.setup.chain
        c.send(c.tx(self.env.pool[seller], self.env.market, "cancelAll"))
        self.epochs[seller] += 1

    @rule(seconds=st.sampled_from([30, 1_800, 7_200, 100_000]))
    def advance_time(self, seconds: int) -> None:
        self.step("advance_time")
        self.env.setup.chain.increase_time(seconds)

    @invariant()
    def the_token_counts_investors_as_the_model_does(self) -> None:
        s, pool = self.env.setup, self.env.pool
        token: Any = s.token
        assert s.chain.call(token.functions.holderCount()) == self.holders()
        for investor, first in (("a", 0), ("b", 2)):
            counted = s.chain.call(token.functions.investorBalance(pool[first].address))
            assert counted == self.held(investor), investor
        for index, wallet_ in enumerate(pool):
            assert s.chain.call(token.functions.balanceOf(wallet_.address)) == self.balances[index]


def test_random_sequences_keep_limits_per_investor_and_offers_expire(
    setup: TokenSetup, record_property: Any
) -> None:
    s, c = setup, setup.chain
    pool = [wallet(f"limits-{n}") for n in range(len(INVESTOR_OF))]
    s.verify(pool[0], pool[2], pool[4])
    add_wallet(s, pool[0], pool[1])
    add_wallet(s, pool[2], pool[3])
    s.apply_rules(ComplianceSpec(max_balance=MAX_BALANCE, max_holders=MAX_HOLDERS))
    token: Any = s.token
    stablecoin: Any = s.stablecoin
    deployed = c.deploy("DvPMarket", [token.address, stablecoin.address], s.admin)
    market = c.contract("DvPMarket", deployed.contract_address or "")
    c.send_many(
        [c.tx(s.admin, s.stablecoin, "mint", w.address, 10**6 * USD) for w in pool]
        + [c.tx(w, s.token, "approve", market.address, 2**256 - 1) for w in pool]
        + [c.tx(w, s.stablecoin, "approve", market.address, 2**256 - 1) for w in pool]
    )
    env = LimitEnv(setup=s, market=market, pool=pool)
    InvestorLimitsMachine.env = env
    run_state_machine_as_test(
        InvestorLimitsMachine,
        settings=settings(
            max_examples=LIMIT_EXAMPLES,
            stateful_step_count=LIMIT_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    summary = f"{env.sequences} sequences, {env.steps} steps; rules run: {env.rules}"
    print(f"\ninvestor limits machine: {summary}")
    record_property("investor_limits_machine", summary)
    assert env.sequences >= LIMIT_EXAMPLES
    assert env.rules.get("take", 0) > 0 and env.rules.get("transfer", 0) > 0
