"""Revenue distribution on the real token: pro rata, time-held, pull-based, exact to the unit.

Expectations are exact integers: `amount * balance // supply` for a single distribution, and a
Python mirror of the contract's magnified accumulator (MAGNITUDE = 2**128, remainder carried)
for sequences of distributions, mints and transfers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from tests.conftest import UNIT, USD, TokenSetup, events, wallet
from tokenizer.chain import Chain, Receipt
from tokenizer.errors import TransactionReverted

MAGNITUDE = 2**128
REPORT = b"\x11" * 32


@dataclass
class Ledger:
    """An independent Python recomputation of the contract's magnified revenue accounting."""

    per_share: int = 0
    remainder: int = 0
    total_distributed: int = 0
    balances: dict[str, int] = field(default_factory=dict)
    corrections: dict[str, int] = field(default_factory=dict)
    claimed: dict[str, int] = field(default_factory=dict)

    def _move(self, holder: str, value: int) -> None:
        self.balances[holder] = self.balances.get(holder, 0) + value
        self.corrections[holder] = self.corrections.get(holder, 0) - self.per_share * value

    def mint(self, to: str, value: int) -> None:
        self._move(to, value)

    def transfer(self, sender: str, to: str, value: int) -> None:
        self._move(sender, -value)
        self._move(to, value)

    def supply(self) -> int:
        return sum(self.balances.values())

    def distribute(self, amount: int) -> tuple[int, int]:
        total = amount * MAGNITUDE + self.remainder
        delta, self.remainder = divmod(total, self.supply())
        self.per_share += delta
        self.total_distributed += amount
        return delta, self.remainder

    def earned(self, holder: str) -> int:
        magnified = self.per_share * self.balances.get(holder, 0) + self.corrections.get(holder, 0)
        return magnified // MAGNITUDE

    def claimable(self, holder: str) -> int:
        return self.earned(holder) - self.claimed.get(holder, 0)

    def claim(self, holder: str) -> int:
        amount = self.claimable(holder)
        self.claimed[holder] = self.claimed.get(holder, 0) + amount
        return amount


# --------------------------------------------------------------------------- helpers


def call(s: TokenSetup, contract: Any, fn: str, *args: Any) -> Any:
    return s.chain.call(getattr(contract.functions, fn)(*args))


def token_balance(s: TokenSetup, who: LocalAccount | str) -> int:
    address = who if isinstance(who, str) else who.address
    return int(call(s, s.token, "balanceOf", address))


def fund_servicer(s: TokenSetup, amount: int) -> None:
    """Mint `amount` stablecoin to the servicer and approve the token to pull it."""
    c = s.chain
    c.send(c.tx(s.admin, s.stablecoin, "mint", s.servicer.address, amount))
    c.send(c.tx(s.servicer, s.stablecoin, "approve", s.token.address, amount))


def distribute(s: TokenSetup, period: int, amount: int) -> Receipt:
    """Like `setup.distribute`, but returns the receipt of the `distribute` transaction."""
    fund_servicer(s, amount)
    return s.chain.send(s.chain.tx(s.servicer, s.token, "distribute", period, amount, REPORT))


def transfer(s: TokenSetup, sender: LocalAccount, to: LocalAccount, amount: int) -> None:
    s.chain.send(s.chain.tx(sender, s.token, "transfer", to.address, amount))


def claim(s: TokenSetup, holder: LocalAccount) -> Receipt:
    return s.chain.send(s.chain.tx(holder, s.token, "claim"))


def holders(s: TokenSetup, balances: list[int], prefix: str = "holder") -> list[LocalAccount]:
    """Fresh verified wallets, minted the given balances."""
    accounts = [wallet(f"{prefix}-{n}") for n in range(len(balances))]
    s.verify(*accounts)
    s.chain.send_many(
        [
            s.chain.tx(s.agent, s.token, "mint", a.address, b)
            for a, b in zip(accounts, balances, strict=True)
        ]
    )
    return accounts


def refused(s: TokenSetup, period: int, amount: int) -> TransactionReverted:
    with pytest.raises(TransactionReverted) as info:
        s.chain.send(s.chain.tx(s.servicer, s.token, "distribute", period, amount, REPORT))
    return info.value


# --------------------------------------------------------------------------- distribution math


def test_one_distribution_is_split_pro_rata_to_balances(setup: TokenSetup) -> None:
    balances = [1 * UNIT + 1, 2 * UNIT + 3, 7 * UNIT + 11]
    accounts = holders(setup, balances)
    amount = 1_000_007 * USD + 13
    setup.distribute(1, amount)
    supply = sum(balances)
    for account, balance in zip(accounts, balances, strict=True):
        assert setup.claimable(account) == amount * balance // supply


def test_claim_pays_the_claimable_amount_in_stablecoin(setup: TokenSetup) -> None:
    a, b = holders(setup, [3 * UNIT, 5 * UNIT + 1])
    amount = 999 * USD + 7
    setup.distribute(1, amount)
    owed = setup.claimable(b)
    assert owed == amount * (5 * UNIT + 1) // (8 * UNIT + 1)
    receipt = claim(setup, b)
    assert setup.balance(b) == owed
    assert setup.claimable(b) == 0
    assert [
        (e["holder"].lower(), e["amount"]) for e in events(receipt, setup.token, "RevenueClaimed")
    ] == [(b.address.lower(), owed)]
    assert setup.claimable(a) == amount * 3 * UNIT // (8 * UNIT + 1)


def test_holder_minted_after_the_first_period_earns_only_later_revenue(
    setup: TokenSetup,
) -> None:
    ledger = Ledger()
    (early,) = holders(setup, [4 * UNIT + 1], "early")
    ledger.mint(early.address, 4 * UNIT + 1)
    first = 800 * USD + 3
    setup.distribute(1, first)
    ledger.distribute(first)

    (late,) = holders(setup, [6 * UNIT + 5], "late")
    ledger.mint(late.address, 6 * UNIT + 5)
    assert setup.claimable(late) == 0

    second = 1_200 * USD + 9
    setup.distribute(2, second)
    ledger.distribute(second)

    assert setup.claimable(late) == ledger.claimable(late.address)
    # Nothing of the first period: at most its share of the second (plus one carried unit).
    share_of_second = second * (6 * UNIT + 5) // (10 * UNIT + 6)
    assert share_of_second <= setup.claimable(late) <= share_of_second + 1
    assert setup.claimable(early) == ledger.claimable(early.address)
    assert setup.claimable(early) >= first


def test_holder_who_buys_half_way_by_transfer_earns_only_later_revenue(
    setup: TokenSetup,
) -> None:
    ledger = Ledger()
    seller, buyer = holders(setup, [10 * UNIT + 1, 0], "half-way")
    ledger.mint(seller.address, 10 * UNIT + 1)
    first = 500 * USD + 1
    setup.distribute(1, first)
    ledger.distribute(first)

    transfer(setup, seller, buyer, 5 * UNIT)
    ledger.transfer(seller.address, buyer.address, 5 * UNIT)
    assert setup.claimable(buyer) == 0
    # Sole holder for period 1: all of it, less at most one unit of floored dust.
    assert setup.claimable(seller) == ledger.claimable(seller.address)
    assert first - 1 <= setup.claimable(seller) <= first

    second = 700 * USD + 3
    setup.distribute(2, second)
    ledger.distribute(second)

    assert setup.claimable(buyer) == ledger.claimable(buyer.address)
    assert setup.claimable(seller) == ledger.claimable(seller.address)
    assert setup.claimable(buyer) < second // 2 + 1


def test_transfer_between_periods_moves_future_revenue_but_not_past_revenue(
    setup: TokenSetup,
) -> None:
    ledger = Ledger()
    a, b = holders(setup, [3 * UNIT, 1 * UNIT + 7], "mover")
    ledger.mint(a.address, 3 * UNIT)
    ledger.mint(b.address, 1 * UNIT + 7)
    first = 400 * USD + 9
    setup.distribute(1, first)
    ledger.distribute(first)
    a_past = setup.claimable(a)
    b_past = setup.claimable(b)
    assert a_past == first * 3 * UNIT // (4 * UNIT + 7)

    transfer(setup, a, b, 3 * UNIT)  # a leaves entirely
    ledger.transfer(a.address, b.address, 3 * UNIT)
    assert setup.claimable(a) == a_past
    assert setup.claimable(b) == b_past

    second = 900 * USD + 1
    setup.distribute(2, second)
    ledger.distribute(second)
    assert setup.claimable(a) == a_past  # no future revenue for a token a no longer holds
    assert setup.claimable(b) == ledger.claimable(b.address)
    assert setup.claimable(b) >= b_past + second - 1


def test_claiming_twice_pays_once(setup: TokenSetup) -> None:
    a, _other = holders(setup, [2 * UNIT + 1, 3 * UNIT], "twice")
    amount = 321 * USD + 5
    setup.distribute(1, amount)
    owed = setup.claimable(a)
    assert owed == amount * (2 * UNIT + 1) // (5 * UNIT + 1)
    claim(setup, a)
    assert setup.balance(a) == owed
    with pytest.raises(TransactionReverted) as info:
        claim(setup, a)
    assert info.value.error_name == "NothingToClaim"
    assert setup.balance(a) == owed


def test_claim_for_skips_a_holder_who_has_already_claimed(setup: TokenSetup) -> None:
    a, _other = holders(setup, [2 * UNIT + 1, 3 * UNIT], "skip")
    setup.distribute(1, 321 * USD + 5)
    owed = setup.claimable(a)
    claim(setup, a)
    token_holdings = setup.balance(setup.token.address)
    receipt = setup.chain.send(setup.chain.tx(setup.stranger, setup.token, "claimFor", [a.address]))
    assert events(receipt, setup.token, "RevenueClaimed") == []
    assert setup.balance(a) == owed
    assert setup.balance(setup.token.address) == token_holdings


def test_claim_for_pays_each_holder_to_their_own_address(setup: TokenSetup) -> None:
    balances = [1 * UNIT + 1, 2 * UNIT + 2, 4 * UNIT + 3]
    accounts = holders(setup, balances, "claimfor")
    amount = 77_777 * USD + 7
    setup.distribute(1, amount)
    owed = [setup.claimable(a) for a in accounts]
    assert owed == [amount * b // sum(balances) for b in balances]

    receipt = setup.chain.send(
        setup.chain.tx(setup.stranger, setup.token, "claimFor", [a.address for a in accounts])
    )
    assert [setup.balance(a) for a in accounts] == owed
    assert setup.balance(setup.stranger) == 0
    assert [setup.claimable(a) for a in accounts] == [0, 0, 0]
    paid = {
        e["holder"].lower(): e["amount"] for e in events(receipt, setup.token, "RevenueClaimed")
    }
    assert paid == {a.address.lower(): o for a, o in zip(accounts, owed, strict=True)}


def test_nothing_is_lost_or_created_across_awkward_distributions(setup: TokenSetup) -> None:
    ledger = Ledger()
    balances = [1 * UNIT + 1, 2 * UNIT + 3, 7 * UNIT]
    accounts = holders(setup, balances, "dust")
    for a, b in zip(accounts, balances, strict=True):
        ledger.mint(a.address, b)
    h1, h2, h3 = accounts

    for period, amount in enumerate([1, 7, 1_000_001], start=1):
        setup.distribute(period, amount)
        ledger.distribute(amount)
        if period == 2:
            claim(setup, h3)
            ledger.claim(h3.address)
    transfer(setup, h2, h1, UNIT + 1)
    ledger.transfer(h2.address, h1.address, UNIT + 1)
    setup.distribute(4, 13)
    ledger.distribute(13)
    setup.chain.send(setup.chain.tx(setup.stranger, setup.token, "claimFor", [h1.address]))
    ledger.claim(h1.address)
    setup.distribute(5, 5)
    ledger.distribute(5)

    total = call(setup, setup.token, "totalDistributed")
    assert total == 1 + 7 + 1_000_001 + 13 + 5
    claimed = sum(setup.balance(a) for a in accounts)  # holders received only claims
    claimable = [setup.claimable(a) for a in accounts]
    assert claimable == [ledger.claimable(a.address) for a in accounts]
    dust = setup.balance(setup.token.address) - sum(claimable)
    assert claimed + sum(claimable) + dust == total
    assert claimed > 0
    assert 0 <= dust < len(accounts)
    assert dust == ledger.total_distributed - sum(ledger.earned(a.address) for a in accounts)


def test_division_remainder_is_carried_into_the_next_distribution(setup: TokenSetup) -> None:
    ledger = Ledger()
    balances = [1 * UNIT, 2 * UNIT + 1]  # supply 3e18 + 1: 2**128 does not divide evenly
    accounts = holders(setup, balances, "carry")
    for a, b in zip(accounts, balances, strict=True):
        ledger.mint(a.address, b)

    carried_made_a_difference = False
    for period, amount in enumerate([1, 7, 1_000_001, 13, 5], start=1):
        supply = ledger.supply()
        carried = ledger.remainder
        delta, remainder = ledger.distribute(amount)
        carried_made_a_difference |= delta != amount * MAGNITUDE // supply
        receipt = distribute(setup, period, amount)
        (event,) = events(receipt, setup.token, "RevenueDistributed")
        assert event["periodId"] == period
        assert event["amount"] == amount
        assert event["magnifiedPerShareDelta"] == delta
        assert event["magnifiedRemainder"] == remainder
        assert call(setup, setup.token, "magnifiedRemainder") == remainder
        assert call(setup, setup.token, "magnifiedRevenuePerShare") == ledger.per_share
        assert (delta * supply + remainder) == amount * MAGNITUDE + carried
    # The sequence was chosen so that dropping the remainder would give a different result.
    assert carried_made_a_difference
    for a in accounts:
        assert setup.claimable(a) == ledger.claimable(a.address)


def test_zero_amount_period_is_recorded_without_a_transfer(setup: TokenSetup) -> None:
    a, b = holders(setup, [UNIT, 2 * UNIT + 1], "zero")
    setup.distribute(1, 100 * USD + 1)
    before = [setup.claimable(a), setup.claimable(b)]
    servicer_before = setup.balance(setup.servicer)
    token_before = setup.balance(setup.token.address)
    report = b"\x42" * 32

    receipt = setup.chain.send(
        setup.chain.tx(setup.servicer, setup.token, "distribute", 2, 0, report)
    )

    assert call(setup, setup.token, "lastPeriodId") == 2
    assert call(setup, setup.token, "totalDistributed") == 100 * USD + 1
    assert setup.balance(setup.servicer) == servicer_before
    assert setup.balance(setup.token.address) == token_before
    assert [setup.claimable(a), setup.claimable(b)] == before
    assert events(receipt, setup.stablecoin, "Transfer") == []
    recorded = events(receipt, setup.token, "RevenueDistributed")
    assert [(e["periodId"], e["amount"], e["reportHash"]) for e in recorded] == [(2, 0, report)]


def test_distribute_with_no_tokens_in_circulation_reverts_no_holders(setup: TokenSetup) -> None:
    fund_servicer(setup, 50 * USD)
    error = refused(setup, 1, 50 * USD)
    assert error.error_name == "NoHolders"
    assert setup.balance(setup.servicer) == 50 * USD
    assert call(setup, setup.token, "lastPeriodId") == 0


def test_distribute_after_every_token_is_burned_reverts_but_earned_revenue_stays(
    setup: TokenSetup,
) -> None:
    supply, amount = 5 * UNIT, 60 * USD + 1
    (a,) = holders(setup, [supply], "burned")
    setup.distribute(1, amount)
    earned = (amount * MAGNITUDE // supply) * supply // MAGNITUDE  # sole holder, floored
    assert setup.claimable(a) == earned
    setup.chain.send(setup.chain.tx(setup.agent, setup.token, "burn", a.address, supply))
    fund_servicer(setup, 10 * USD)
    assert refused(setup, 2, 10 * USD).error_name == "NoHolders"
    assert setup.claimable(a) == earned
    claim(setup, a)
    assert setup.balance(a) == earned


def test_distribute_costs_the_same_gas_for_2_holders_as_for_50(setup: TokenSetup) -> None:
    holders(setup, [UNIT + 1, 2 * UNIT + 3], "gas")
    distribute(setup, 1, 1_000 * USD + 1)  # warm the accumulator, remainder and totals
    with_2 = distribute(setup, 2, 1_000 * USD + 3).gas_used

    holders(setup, [UNIT + n for n in range(48)], "gas-more")
    assert call(setup, setup.token, "totalSupply") == 3 * UNIT + 4 + 48 * UNIT + sum(range(48))
    with_50 = distribute(setup, 3, 1_000 * USD + 7).gas_used

    assert abs(with_50 - with_2) < with_2 / 100


# --------------------------------------------------------------------------- period ids


@pytest.mark.parametrize("period", [0, 2], ids=["zero", "two"])
def test_first_period_id_must_be_one(setup: TokenSetup, period: int) -> None:
    holders(setup, [UNIT], "first")
    fund_servicer(setup, 10 * USD)
    error = refused(setup, period, 10 * USD)
    assert error.error_name == "PeriodOutOfSequence"
    assert f"expected=1, given={period}" in error.user_message
    setup.chain.send(setup.chain.tx(setup.servicer, setup.token, "distribute", 1, 10 * USD, REPORT))
    assert call(setup, setup.token, "lastPeriodId") == 1


@pytest.mark.parametrize(
    ("period", "why"), [(1, "repeated"), (3, "skipped")], ids=["repeated", "skipped"]
)
def test_out_of_sequence_period_is_refused_and_moves_no_money(
    setup: TokenSetup, period: int, why: str
) -> None:
    a, b = holders(setup, [UNIT, 3 * UNIT], f"sequence-{why}")
    setup.distribute(1, 40 * USD)
    fund_servicer(setup, 25 * USD)
    chain: Chain = setup.chain
    watched = [setup.servicer.address, setup.token.address, a.address, b.address]
    balances = [setup.balance(w) for w in watched]
    claimable = [setup.claimable(a), setup.claimable(b)]

    error = refused(setup, period, 25 * USD)

    assert error.error_name == "PeriodOutOfSequence"
    assert f"expected=2, given={period}" in error.user_message
    assert [setup.balance(w) for w in watched] == balances
    assert [setup.claimable(a), setup.claimable(b)] == claimable
    assert call(setup, setup.token, "lastPeriodId") == 1
    assert call(setup, setup.token, "totalDistributed") == 40 * USD
    # The approval was in place: the right id goes through.
    chain.send(chain.tx(setup.servicer, setup.token, "distribute", 2, 25 * USD, REPORT))
    assert setup.balance(setup.token.address) == balances[1] + 25 * USD


# --------------------------------------------------------------------------- supply cap


def test_a_distribution_that_would_overflow_the_books_at_the_supply_cap_is_refused(
    setup: TokenSetup,
) -> None:
    s = setup
    a, b = wallet("cap-a"), wallet("cap-b")
    s.verify(a, b)
    s.mint(a, 1)  # a supply of one base unit
    big = 10 * 10**18  # "10 DAI" in an 18-decimal settlement token
    c = s.chain
    c.send(c.tx(s.admin, s.stablecoin, "mint", s.servicer.address, big))
    c.send(c.tx(s.servicer, s.stablecoin, "approve", s.token.address, big))  # type: ignore[attr-defined]
    with pytest.raises(TransactionReverted) as info:
        c.send(c.tx(s.servicer, s.token, "distribute", 1, big, REPORT))
    assert info.value.error_name == "DistributionTooLarge"
    # Normal sizes keep working: mints, transfers and a distribution of normal size.
    s.mint(b, 18 * UNIT)
    c.send(c.tx(b, s.token, "transfer", a.address, UNIT))
    s.distribute(1, 10 * USD)
    assert s.claimable(b) > 0


def test_minting_beyond_the_supply_cap_is_refused(setup: TokenSetup) -> None:
    from tests.conftest import SUPPLY_CAP

    s = setup
    a = wallet("cap-mint")
    s.verify(a)
    assert s.chain.call(s.token.functions.supplyCap()) == SUPPLY_CAP  # type: ignore[attr-defined]
    s.mint(a, SUPPLY_CAP - 1)
    s.mint(a, 1)
    with pytest.raises(TransactionReverted) as info:
        s.mint(a, 1)
    assert info.value.error_name == "SupplyCapExceeded"
    assert s.chain.call(s.token.functions.totalSupply()) == SUPPLY_CAP  # type: ignore[attr-defined]


def test_the_deployed_token_is_capped_at_the_specs_supply(
    chain: Chain, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import SEED
    from tokenizer.deploy import deploy_deal
    from tokenizer.spec import load_spec

    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    spec = load_spec(SEED)
    deal = deploy_deal(chain, spec)
    assert chain.call(deal.token.functions.supplyCap()) == spec.token.supply


# --------------------------------------------------------------------------- the term's end


@pytest.fixture()
def short_term(chain: Chain) -> TokenSetup:
    """A token whose term has three revenue periods."""
    from tests.conftest import deploy_setup

    return deploy_setup(chain, final_period=3)


def test_no_period_after_the_final_one_is_distributed(short_term: TokenSetup) -> None:
    s = short_term
    holders(s, [UNIT])
    for period in (1, 2, 3):
        distribute(s, period, 100 * USD)
    fund_servicer(s, 100 * USD)
    before = s.balance(s.servicer)
    error = refused(s, 4, 100 * USD)
    assert error.error_name == "PeriodAfterTerm"
    assert "final period 3, given 4" in str(error)
    assert s.balance(s.servicer) == before
    assert call(s, s.token, "lastPeriodId") == 3 == call(s, s.token, "finalPeriod")


def test_the_terms_rounding_dust_goes_back_to_the_servicer_with_an_event(
    short_term: TokenSetup,
) -> None:
    s, c = short_term, short_term.chain
    accounts = holders(s, [UNIT, UNIT, UNIT])
    model = Ledger()
    for a in accounts:
        model.mint(a.address, UNIT)
    for period in (1, 2):
        distribute(s, period, 100)
        model.distribute(100)
    with pytest.raises(TransactionReverted) as early:
        c.send(c.tx(s.servicer, s.token, "sweepDust"))
    assert early.value.error_name == "TermNotEnded"
    distribute(s, 3, 100)
    model.distribute(100)
    c.send(c.tx(s.stranger, s.token, "claimFor", [a.address for a in accounts]))
    paid = sum(model.claim(a.address) for a in accounts)
    dust = 300 - paid
    assert dust > 0  # 100 units split three ways, three times: fractions are left over
    assert call(s, s.token, "sweepableDust") == dust
    before = s.balance(s.servicer)
    receipt = c.send(c.tx(s.servicer, s.token, "sweepDust"))
    assert events(receipt, s.token, "DustSwept") == [{"to": s.servicer.address, "amount": dust}]
    assert s.balance(s.servicer) == before + dust
    assert s.balance(s.token.address) == 0  # type: ignore[attr-defined]
    assert call(s, s.token, "dustSwept") == dust
    with pytest.raises(TransactionReverted) as again:
        c.send(c.tx(s.servicer, s.token, "sweepDust"))
    assert again.value.error_name == "NoDust"


def test_sweeping_the_dust_never_takes_revenue_a_holder_has_not_claimed(
    short_term: TokenSetup,
) -> None:
    s, c = short_term, short_term.chain
    a, b, late = holders(s, [UNIT, UNIT, UNIT])
    for period in (1, 2, 3):
        distribute(s, period, 100)
    owed_late = s.claimable(late)
    c.send(c.tx(s.stranger, s.token, "claimFor", [a.address, b.address]))
    swept = call(s, s.token, "sweepableDust")
    c.send(c.tx(s.servicer, s.token, "sweepDust"))
    assert s.claimable(late) == owed_late
    assert s.balance(s.token.address) >= owed_late  # type: ignore[attr-defined]
    claim(s, late)
    assert s.balance(late) == owed_late
    assert swept == call(s, s.token, "dustSwept")
    # The late claim released its own fraction: the token still holds exactly that dust.
    assert s.balance(s.token.address) == call(s, s.token, "sweepableDust")  # type: ignore[attr-defined]


def test_the_reconciliation_counts_the_swept_dust(chain: Chain, tmp_path: Any) -> None:
    """The seed deal with a term of three yearly periods, deployed by the toolkit: the
    reconciliation of the real :class:`~tokenizer.deploy.Deal` counts the dust swept."""
    from dataclasses import replace

    from tests.conftest import SEED
    from tokenizer.deploy import deploy_deal
    from tokenizer.reconcile import reconcile
    from tokenizer.spec import load_spec
    from tokenizer.workspace import Workspace

    spec = load_spec(SEED)
    spec = replace(
        spec,
        token=replace(spec.token, term_years=3),
        revenue=replace(spec.revenue, periods_per_year=1),
    )
    with Workspace.current().with_records_in(tmp_path / "deployments").use():
        deal = deploy_deal(chain, spec)
    r = deal.roles
    s = TokenSetup(
        chain=chain,
        admin=r.admin,
        agent=r.agent,
        servicer=r.servicer,
        stranger=chain.accounts[5],
        stablecoin=deal.stablecoin,
        registry=deal.registry,
        token=deal.token,
        maturity=int(chain.call(deal.token.functions.maturity())),
    )
    assert chain.call(deal.token.functions.finalPeriod()) == 3
    c = chain
    accounts = holders(s, [UNIT, 2 * UNIT, 4 * UNIT])
    for period in (1, 2, 3):
        distribute(s, period, 1_000)
    c.send(c.tx(s.stranger, s.token, "claimFor", [a.address for a in accounts]))
    c.send(c.tx(s.servicer, s.token, "sweepDust"))
    rec = reconcile(c, deal)
    assert rec.mismatches == 0, rec.problems
    assert rec.swept > 0
    assert rec.claimed + rec.claimable + rec.dust + rec.swept == rec.distributed == 3_000


def test_the_deployed_token_ends_at_the_specs_last_period(
    chain: Chain, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import SEED
    from tokenizer.deploy import deploy_deal
    from tokenizer.spec import load_spec

    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    spec = load_spec(SEED)
    deal = deploy_deal(chain, spec)
    assert chain.call(deal.token.functions.finalPeriod()) == spec.periods


# --------------------------------------------------------------------------- settlement token


@pytest.fixture()
def quirky(chain: Chain) -> TokenSetup:
    """A token settled in a stablecoin with a transfer fee and a blacklist (both off)."""
    from tests.conftest import deploy_setup

    return deploy_setup(chain, settlement="QuirkyStablecoin")


def test_a_fee_on_transfer_settlement_token_is_refused_and_the_token_owes_nothing(
    quirky: TokenSetup,
) -> None:
    s, c = quirky, quirky.chain
    holders(s, [UNIT])
    c.send(c.tx(s.admin, s.stablecoin, "setFee", 50))  # 0.5 % of every transfer
    fund_servicer(s, 100 * USD)
    error = refused(s, 1, 100 * USD)
    assert error.error_name == "SettlementShortfall"
    assert call(s, s.token, "lastPeriodId") == 0
    assert call(s, s.token, "totalDistributed") == 0
    assert s.balance(s.token.address) == 0  # type: ignore[attr-defined]


def test_one_holder_the_stablecoin_cannot_pay_does_not_stop_a_claim_for_batch(
    quirky: TokenSetup,
) -> None:
    s, c = quirky, quirky.chain
    a, blocked, b = holders(s, [UNIT, UNIT, UNIT])
    distribute(s, 1, 300 * USD)
    c.send(c.tx(s.admin, s.stablecoin, "setBlacklisted", blocked.address, True))
    owed = s.claimable(blocked)
    each = s.claimable(a)
    receipt = c.send(c.tx(s.stranger, s.token, "claimFor", [a.address, blocked.address, b.address]))
    assert s.balance(a) == s.balance(b) == each > 0
    assert s.balance(blocked) == 0
    assert s.claimable(blocked) == owed > 0
    assert events(receipt, s.token, "ClaimFailed") == [{"holder": blocked.address, "amount": owed}]
    assert [e["holder"] for e in events(receipt, s.token, "RevenueClaimed")] == [
        a.address,
        b.address,
    ]
    assert s.balance(s.token.address) == 300 * USD - 2 * each  # type: ignore[attr-defined]
    c.send(c.tx(s.admin, s.stablecoin, "setBlacklisted", blocked.address, False))
    claim(s, blocked)
    assert s.balance(blocked) == owed


# --------------------------------------------------------------------------- record date


def test_a_periods_revenue_goes_to_whoever_holds_at_the_distribution_block(
    setup: TokenSetup,
) -> None:
    s = setup
    early, late = holders(s, [UNIT, 0], prefix="record")
    model = Ledger()
    model.mint(early.address, UNIT)
    distribute(s, 1, 100 * USD)
    model.distribute(100 * USD)
    transfer(s, early, late, UNIT)  # one block before the next distribution
    model.transfer(early.address, late.address, UNIT)
    distribute(s, 2, 100 * USD)
    model.distribute(100 * USD)
    assert s.claimable(early) == model.claimable(early.address)  # period 1 only
    assert s.claimable(late) == model.claimable(late.address)  # the whole of period 2
    assert 100 * USD - 1 <= s.claimable(early) <= 100 * USD
    assert 100 * USD - 1 <= s.claimable(late) <= 100 * USD


def test_the_readme_states_the_record_date_rule_not_a_time_weighted_one() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    assert "record date" in readme
    assert "time held" not in readme
    assert "at the distribution block" in readme
