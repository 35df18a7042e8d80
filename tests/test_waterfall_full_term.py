"""Two hundred random collection paths of a real deal's whole term, on Anvil and in the mirror.

The deal is Huanggang (``seeds/huanggang_receivables.yaml``), the structured seed with the
fewest periods: a three-year term of 36 monthly periods, deployed by the toolkit's own deployer
and sold to a simulated population. Its senior notes at 2.80 % pay interest only for two
revolving years and then amortise by the seed's table; a bank guarantee (2 M USD a month, 10 M
in all) and the provincial guarantee (5 M a month) cover the senior, both repaid from later
collections ahead of the junior; the reserve holds 1 % of the senior. The seed has no trigger,
so a second deployment of the same deal adds two DSCR triggers (an assumption of this test:
cash trapped below 1.10x for two periods, cured after three; accelerated senior amortisation
below 1.00x for three periods, cured after two), so that triggers switch on and cure.

Each path (Hypothesis: regimes of zero periods, sharp drops, long droughts, recoveries, around
the senior's scheduled debt service) is deposited whole after an Anvil snapshot, one period per
block (:meth:`Chain.send_one_per_block`), and compared with :func:`run` period by period: every
``Paid`` event (step, recipient, source, guarantor, amount), every tranche token's
``RevenueDistributed``, and at each period's block the reserve, the waterfall's stablecoin, the
senior's outstanding principal and interest owed, each fee's arrears, each guarantor's drawn and
owed amounts and its stablecoin, each tranche token's stablecoin and each trigger's state. The
snapshot is reverted for the next path. The vectorised mirror then runs the same paths at once
and equals the scalar one to the unit.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.test_waterfall_mirror import assert_path_equal
from tokenizer.chain import AnvilNode, BoundCall, Chain, Receipt, dev_accounts
from tokenizer.compiler import Artifacts
from tokenizer.deploy import Deal, deploy_deal
from tokenizer.deploy.structure import local_party
from tokenizer.finance.waterfall import PathResult, Terms, run, run_paths, terms_of
from tokenizer.operations import sale
from tokenizer.simulation.population import make_population
from tokenizer.simulation.runner import Simulation
from tokenizer.spec import DealSpec, load_spec
from tokenizer.spec.model import TriggerSpec
from tokenizer.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
HUANGGANG = ROOT / "seeds" / "huanggang_receivables.yaml"
PATHS = 200
DEPOSIT_GAS = 2_000_000  # a deposit uses 180,000 to 400,000 gas
REPORT = b"\x33" * 32
STEPS = ("fee", "interest", "principal", "reserve_fill", "guarantor_repayment", "residual", "trap")
SOURCES = ("collections", "reserve", "guarantor")
# Collections in a regime, in tenths of the senior's scheduled debt service of the period.
LEVELS = (0, 0, 2, 5, 9, 10, 11, 12, 15, 20, 40, 80)
# assumption (this test only): the two triggers the seed leaves out.
TRIGGERS = (
    TriggerSpec(metric="dscr", below_bps=11_000, periods=2, action="trap_cash", cure_periods=3),
    TriggerSpec(
        metric="dscr", below_bps=10_000, periods=3, action="accelerate_senior", cure_periods=2
    ),
)


@dataclass
class Deployed:
    chain: Chain
    spec: DealSpec
    deal: Deal
    terms: Terms
    guarantors: list[str]
    at_start: list[int]  # each guarantor's stablecoin before any period


def _deploy(chain: Chain, spec: DealSpec, records: Path) -> Deployed:
    with Workspace.current().with_records_in(records).use():
        deal = deploy_deal(chain, spec)
    sim = Simulation(chain, deal, spec, make_population(spec, 60), [])
    sim.onboard()
    sim.sell()
    assert spec.structure is not None
    for tranche, terms in zip(deal.tranches, spec.structure.tranches, strict=True):
        assert sale.offering_state(chain, tranche.offering).raised == terms.size  # placed in full
    servicer = deal.roles.servicer
    chain.send_many(
        [
            chain.tx(deal.roles.admin, deal.stablecoin, "mint", servicer.address, 10**20),
            chain.tx(servicer, deal.stablecoin, "approve", deal.waterfall.address, 2**256 - 1),  # type: ignore[union-attr]
        ]
    )
    guarantors = [
        local_party(spec.id, f"guarantor:{g.name}").address for g in spec.structure.guarantors
    ]
    at_start = chain.read_many(deal.stablecoin, "balanceOf", [[g] for g in guarantors])
    terms = terms_of(spec.structure, spec.periods, spec.revenue.periods_per_year)
    return Deployed(chain, spec, deal, terms, guarantors, [int(b) for b in at_start])


@pytest.fixture(scope="module")
def deals(
    artifacts: Artifacts, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Deployed]]:
    """Both deployments, on an Anvil of this module's own: the paths mine some 7,000 blocks
    (every AnvilNode keeps no past state on disk, and the reads here are of the latest block)."""
    records = tmp_path_factory.mktemp("full-term-deployments")
    seed = load_spec(HUANGGANG)
    assert seed.structure is not None and seed.periods == 36 and not seed.structure.triggers
    triggered = replace(
        seed,
        id=f"{seed.id}_triggers",
        structure=replace(seed.structure, triggers=TRIGGERS),
    )
    with AnvilNode(accounts=10) as node:
        chain = Chain(node.url, artifacts, dev_accounts())
        yield {
            "seed": _deploy(chain, seed, records),
            "triggers": _deploy(chain, triggered, records),
        }


def scheduled_service(terms: Terms) -> list[int]:
    """The senior's interest and principal due in each period if every period were paid."""
    senior = terms.tranches[0]
    out, outstanding = [], senior.principal
    for t in range(1, terms.periods + 1):
        interest = outstanding * senior.coupon_bps // (10_000 * terms.periods_per_year)
        principal = outstanding - (senior.principal - terms.scheduled_repaid(0, t))
        out.append(interest + principal)
        outstanding -= principal
    return out


def paths(periods: int) -> st.SearchStrategy[tuple[list[int], list[int]]]:
    """Regimes (a level and a length: droughts, drops, recoveries) and per-period noise."""
    regime = st.tuples(st.sampled_from(LEVELS), st.integers(min_value=1, max_value=14))
    regimes = st.lists(regime, min_size=1, max_size=10).map(
        lambda rs: ([level for level, n in rs for _ in range(n)] * periods)[:periods]
    )
    noise = st.lists(
        st.integers(min_value=0, max_value=999_999_999), min_size=periods, max_size=periods
    )
    return st.tuples(regimes, noise)


def collections_of(terms: Terms, levels: list[int], noise: list[int]) -> list[int]:
    service = scheduled_service(terms)
    return [
        (s * level // 10 + n if level else 0)
        for s, level, n in zip(service, levels, noise, strict=True)
    ]


def _events(receipt: Receipt, contract: Any, name: str) -> list[dict[str, Any]]:
    event = contract.interface.event(name)
    return [
        event.decode(log)
        for log in receipt.logs
        if log["address"].lower() == contract.address.lower() and log["topics"][0] == event.topic
    ]


def _state_calls(d: Deployed) -> list[BoundCall]:
    """The views read at each period's block, in the order :func:`_books` lays them out."""
    w, coin, t = d.deal.waterfall, d.deal.stablecoin, d.terms
    assert w is not None
    calls = [w.functions.reserveBalance(), coin.functions.balanceOf(w.address)]
    calls += [w.functions.trancheState(i) for i in range(t.rated)]
    calls += [w.functions.fee(f) for f in range(len(t.fee_bps))]
    calls += [w.functions.guarantor(g) for g in range(len(t.guarantor_covers))]
    calls += [coin.functions.balanceOf(g) for g in d.guarantors]
    calls += [coin.functions.balanceOf(tr.token.address) for tr in d.deal.tranches]
    calls += [w.functions.trigger(j) for j in range(len(t.trigger_below_bps))]
    return calls


def _books(d: Deployed, mirror: PathResult, t: int, held: list[int]) -> list[Any]:
    """What the views of :func:`_state_calls` must answer after period ``t`` (1-based)."""
    p = mirror.periods[t - 1]
    done = mirror.periods[:t]
    terms = d.terms
    ng = len(terms.guarantor_covers)
    drawn = [sum(q.guarantor_drawn[g] for q in done) for g in range(ng)]
    repaid = [sum(q.guarantor_repaid[g] for q in done) for g in range(ng)]
    books: list[Any] = [p.reserve, p.reserve]
    books += [[p.outstanding[i], p.interest_owed[i]] for i in range(terms.rated)]
    books += [("fee owed", p.fee_owed[f]) for f in range(len(terms.fee_bps))]
    books += [("drawn, owed", drawn[g], p.guarantor_owed[g]) for g in range(ng)]
    books += [d.at_start[g] - drawn[g] + repaid[g] for g in range(ng)]
    books += [held[k] + sum(q.tranche_paid[k] for q in done) for k in range(terms.rated + 1)]
    books += [("on", on) for on in p.triggers_on]
    return books


def _chain_view(d: Deployed, calls: list[BoundCall], answers: list[Any]) -> list[Any]:
    """The answers of :func:`_state_calls`, shaped as :func:`_books` writes them."""
    out: list[Any] = []
    for bound, answer in zip(calls, answers, strict=True):
        name = bound.function.name
        outputs = bound.function.outputs
        # A struct's fields by name (whatever their order in the contract).
        fields = (
            dict(zip((c["name"] for c in outputs[0]["components"]), answer, strict=True))
            if outputs[0]["type"] == "tuple"
            else {}
        )
        if name == "trancheState":
            out.append([int(v) for v in answer])
        elif name == "fee":
            out.append(("fee owed", int(fields["owed"])))
        elif name == "guarantor":
            out.append(("drawn, owed", int(fields["drawn"]), int(fields["owed"])))
        elif name == "trigger":
            out.append(("on", bool(fields["on"])))
        else:
            out.append(int(answer))
    return out


def check_path(d: Deployed, collections: list[int]) -> PathResult:
    """Deposit ``collections`` (the whole term) and hold every period against the mirror."""
    c, w, deal = d.chain, d.deal.waterfall, d.deal
    assert w is not None
    mirror = run(d.terms, collections)
    calls = _state_calls(d)
    held = c.read_many(deal.stablecoin, "balanceOf", [[tr.token.address] for tr in deal.tranches])
    receipts, answers = c.send_one_per_block(
        [
            c.tx(deal.roles.servicer, w, "deposit", t, amount, REPORT)
            for t, amount in enumerate(collections, start=1)
        ],
        DEPOSIT_GAS,
        calls,
    )
    for t, (receipt, p) in enumerate(zip(receipts, mirror.periods, strict=True), start=1):
        chain_paid = sorted(
            (
                STEPS[e["step"]],
                e["to"],
                SOURCES[e["source"]],
                e["guarantor"] if e["source"] == 2 else -1,
                e["amount"],
            )
            for e in _events(receipt, w, "Paid")
        )
        mirror_paid = sorted((x.step, x.to, x.source, x.guarantor, x.amount) for x in p.payments)
        assert chain_paid == mirror_paid, f"period {t}: the payments differ"
        distributed = [
            [(e["periodId"], e["amount"]) for e in _events(receipt, tr.token, "RevenueDistributed")]
            for tr in deal.tranches
        ]
        assert distributed == [[(t, paid)] for paid in p.tranche_paid], f"period {t}"
        got = _chain_view(d, calls, answers[t - 1])
        assert got == _books(d, mirror, t, held), f"period {t}: the balances differ"
    return mirror


def situations(d: Deployed, collections: list[int], mirror: PathResult) -> set[str]:
    """What a path went through (to show that the paths reach every corner of the waterfall)."""
    terms, seen = d.terms, set()
    senior = terms.tranches[0]
    if 0 in collections:
        seen.add("a period without collections")
    for p in mirror.periods:
        if any(i > 0 for i in p.interest_owed):  # the guarantees keep the coupon paid
            seen.add("senior interest owed from an earlier period")
        if p.outstanding[0] > senior.principal - terms.scheduled_repaid(0, p.period):
            seen.add("senior principal behind its schedule")
        if p.reserve_drawn:
            seen.add("the reserve drawn")
        for g, drawn in enumerate(p.guarantor_drawn):
            if drawn == terms.guarantor_per_period[g]:
                seen.add(f"guarantor {g} at its per-period limit")
        if any(p.guarantor_repaid):
            seen.add("a guarantor repaid")
        if p.trapped:
            seen.add("cash trapped")
    for g in range(len(terms.guarantor_covers)):
        if sum(p.guarantor_drawn[g] for p in mirror.periods) == terms.guarantor_total[g]:
            seen.add(f"guarantor {g} at its total limit")
    for j in range(len(terms.trigger_below_bps)):
        states = [p.triggers_on[j] for p in mirror.periods]
        if any(states):
            seen.add(f"trigger {j} on")
        if any(a and not b for a, b in itertools.pairwise(states)):
            seen.add(f"trigger {j} cured")
    if mirror.periods[-1].outstanding[0]:
        seen.add("senior principal lost at the legal final")
    if any(0 < b < a // 4 for a, b in itertools.pairwise(collections)):
        seen.add("a sharp drop")  # to under a quarter of the period before, not to zero
    return seen


DROUGHT = ([10] * 24 + [0] * 12, [0] * 36)  # no collections in the run-off year
ON_AND_CURED = ([15] * 6 + [9] * 4 + [15] * 8 + [5] * 5 + [20] * 13, [7] * 36)
RECOVERY = ([0] * 6 + [40] * 6 + [10] * 24, [123_456_789] * 36)


def test_two_hundred_full_term_paths_pay_on_chain_what_the_mirror_pays_to_the_unit(
    deals: dict[str, Deployed],
) -> None:
    run_paths_of: dict[str, list[list[int]]] = defaultdict(list)
    seen: Counter[str] = Counter()

    @settings(
        max_examples=PATHS,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.sampled_from(["seed", "triggers"]), paths(36))
    @example("seed", DROUGHT)
    @example("triggers", DROUGHT)
    @example("triggers", ON_AND_CURED)
    @example("seed", RECOVERY)
    def one(which: str, path: tuple[list[int], list[int]]) -> None:
        d = deals[which]
        collections = collections_of(d.terms, *path)
        c = d.chain
        snapshot = c.snapshot()
        try:
            mirror = check_path(d, collections)
        finally:
            c.revert_to(snapshot)
        run_paths_of[which].append(collections)
        seen.update(situations(d, collections, mirror) | {f"{which} paths"})

    one()
    total = sum(len(v) for v in run_paths_of.values())
    assert total >= PATHS
    for name in (
        "a period without collections",
        "a sharp drop",
        "senior principal behind its schedule",
        "senior principal lost at the legal final",
        "the reserve drawn",
        "guarantor 0 at its per-period limit",
        "guarantor 1 at its per-period limit",
        "guarantor 0 at its total limit",
        "a guarantor repaid",
        "trigger 0 on",
        "trigger 0 cured",
        "trigger 1 on",
        "trigger 1 cured",
        "cash trapped",
    ):
        assert seen[name] > 0, f"no path reached: {name} ({dict(seen)})"
    print(f"{total} paths of 36 periods: {dict(sorted(seen.items()))}")
    # The vectorised mirror, over the same paths at once, equals the scalar one to the unit.
    for which, collected in run_paths_of.items():
        terms = deals[which].terms
        many = run_paths(terms, np.array(collected, dtype=np.int64))
        for m, collections in enumerate(collected):
            assert_path_equal(many, m, run(terms, collections))
