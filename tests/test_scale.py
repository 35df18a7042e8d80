"""A retail-sized deal: the retail Xiaoping seed run end to end at a reduced size (2,000 holders x
24 periods) on its own Anvil, reconciled to the unit; the replay's running sums against the
plain sum over holders and periods. The full size (10,000 x 240) is measured by ``rwa bench``."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tokenizer.chain import AnvilNode, Chain, dev_accounts
from tokenizer.chain.node import RECENT_STATES_ONLY
from tokenizer.compiler import Artifacts
from tokenizer.reconcile.replay import MAGNITUDE, replay
from tokenizer.reports.model import RunReport
from tokenizer.simulation.pipeline import RunSettings, run_deal
from tokenizer.spec import DealSpec, load_spec
from tokenizer.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
RETAIL = ROOT / "seeds" / "xiaoping_island_retail.yaml"
HOLDERS, PERIODS = 2_000, 24


@pytest.fixture(scope="module")
def retail() -> DealSpec:
    return load_spec(RETAIL)


@pytest.fixture(scope="module")
def run(
    retail: DealSpec, artifacts: Artifacts, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunReport]:
    tmp = tmp_path_factory.mktemp("scale")
    with (
        Workspace.current().with_records_in(tmp).use(),
        AnvilNode(accounts=10, extra_args=RECENT_STATES_ONLY) as node,
    ):
        chain = Chain(node.url, artifacts, dev_accounts(), node=node)
        settings = RunSettings(
            investors=HOLDERS, periods=PERIODS, out_dir=tmp / "report", quiet=True
        )
        yield run_deal(chain, retail, settings)


def test_the_retail_seed_lets_every_one_of_its_investors_buy(retail: DealSpec) -> None:
    from tokenizer.simulation.population import make_population, plan_purchases

    population = make_population(retail)
    plan = plan_purchases(retail, population)
    assert len(population) == 10_000
    assert all(pay >= retail.offering.min_purchase for pay in plan)
    assert sum(plan) <= retail.offering.hard_cap


def test_a_retail_deal_of_2000_holders_runs_24_periods_and_reconciles_to_the_unit(
    run: RunReport,
) -> None:
    assert run.sale.status == "succeeded"
    assert run.sale.buyers == HOLDERS
    assert run.revenue.periods_distributed == PERIODS
    rec = run.reconciliation
    assert rec.mismatches == 0, rec.problems[:3]
    assert rec.holders >= HOLDERS - run.activity.trades  # a trade may empty a seller
    assert rec.claimed + rec.claimable + rec.dust + rec.swept == rec.distributed
    assert run.activity.trades > 0 and run.activity.claims > 0


def test_a_year_ends_claims_do_not_grow_with_the_number_of_holders(run: RunReport) -> None:
    # One year end inside the 24 periods, capped at 100 claims; the rest are the final claims,
    # made for 90 % of the holders owed something.
    final = run.activity.claims - 100
    assert 0 < final <= HOLDERS
    assert run.activity.claims <= 100 + HOLDERS


def _plain_earnings(events: list[tuple[str, dict[str, Any]]]) -> dict[str, int]:
    """Every holder's magnified earnings as the plain sum over holders at each period."""
    balances: dict[str, int] = {}
    earned: dict[str, int] = {}
    supply = remainder = 0
    for name, f in events:
        if name == "Transfer":
            for who, sign in ((f["from"], -1), (f["to"], 1)):
                if who != "0x" + "00" * 20:
                    balances[who] = balances.get(who, 0) + sign * f["value"]
            supply += f["value"] if f["from"] == "0x" + "00" * 20 else 0
        else:
            delta, remainder = divmod(f["amount"] * MAGNITUDE + remainder, supply)
            for who, balance in balances.items():
                earned[who] = earned.get(who, 0) + balance * delta
    return earned


def test_the_replays_running_sums_equal_the_sum_over_holders_at_every_period() -> None:
    rng = random.Random(17)
    wallets = [f"0x{n:040x}" for n in range(1, 40)]
    zero = "0x" + "00" * 20
    events: list[tuple[str, dict[str, Any]]] = [
        ("Transfer", {"from": zero, "to": w, "value": rng.randint(1, 10**20)}) for w in wallets
    ]
    balances = {e[1]["to"]: e[1]["value"] for e in events}
    supply, remainder = sum(balances.values()), 0
    for period in range(1, 60):
        amount = rng.randint(0, 10**12)
        delta, remainder = divmod(amount * MAGNITUDE + remainder, supply)
        events.append(
            (
                "RevenueDistributed",
                {
                    "periodId": period,
                    "amount": amount,
                    "magnifiedPerShareDelta": delta,
                    "magnifiedRemainder": remainder,
                },
            )
        )
        for _ in range(rng.randint(0, 5)):
            a, b = rng.sample(wallets, 2)
            value = rng.randint(0, balances[a])
            balances[a] -= value
            balances[b] += value
            events.append(("Transfer", {"from": a, "to": b, "value": value}))
    ledger = replay(events)
    assert not ledger.problems
    plain = _plain_earnings(events)
    for w in wallets:
        assert ledger.claimable(w) == divmod(plain.get(w, 0), MAGNITUDE)


def test_a_sale_that_leaves_investors_out_says_how_many_bought_and_names_the_cap() -> None:
    from tokenizer.reports.story import left_out as left_out_line
    from tokenizer.simulation.population import left_out, make_population, plan_purchases

    xiaoping = load_spec(ROOT / "seeds" / "xiaoping_island.yaml")
    population = make_population(xiaoping, 2_000)
    buyers = sum(1 for pay in plan_purchases(xiaoping, population) if pay)
    reasons = left_out(xiaoping, population)
    assert buyers < 200 and reasons == {"offering.hard_cap": 2_000 - buyers}
    line = left_out_line(xiaoping, buyers, 2_000, reasons)
    assert f"{buyers:,} of 2,000 simulated investors" in line
    assert "offering.hard_cap, 40,000,000.00 USDC" in line


def test_investors_left_out_by_a_small_budget_or_the_holder_limit_are_named_so(
    retail: DealSpec,
) -> None:
    import dataclasses

    from tokenizer.simulation.population import left_out, make_population

    rules = dataclasses.replace(retail.compliance, max_holders=500)
    offering = dataclasses.replace(retail.offering, min_purchase=2_000 * 10**6)
    spec = dataclasses.replace(retail, compliance=rules, offering=offering)
    reasons = left_out(spec, make_population(spec, 3_000))
    assert set(reasons) == {"compliance.max_holders", "offering.min_purchase"}
    assert sum(reasons.values()) == 3_000 - 500
