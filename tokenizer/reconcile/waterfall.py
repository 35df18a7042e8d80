"""A structured deal's waterfall held against the exact mirror, to the unit, at one block.

The collections the servicer deposited are read from the waterfall's ``CollectionsDeposited``
events and run through :func:`tokenizer.finance.waterfall.run` with the spec's terms (periods
not deposited yet count as zero: the mirror is causal, a period depends on the earlier ones
only). Then, period by period, every ``Paid`` event (step, recipient, source, amount) equals a
payment of the mirror and every tranche token's ``RevenueDistributed`` equals what the mirror
paid the tranche; and at the block: the reserve balance and the stablecoin the waterfall holds
equal the mirror's reserve, each rated tranche's outstanding principal and interest owed, each
guarantor's drawn and owed amounts and its stablecoin balance (what it was funded with, less
its draws, plus its repayments), and each trigger's state.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from tokenizer.chain import Chain
from tokenizer.deploy import Deal
from tokenizer.finance.waterfall import PathResult, run, terms_of
from tokenizer.spec import DealSpec

if TYPE_CHECKING:
    from tokenizer.reconcile.compare import Reconciliation

STEPS = ("fee", "interest", "principal", "reserve_fill", "guarantor_repayment", "residual", "trap")
SOURCES = ("collections", "reserve", "guarantor")


def deposited(chain: Chain, deal: Deal, at: int) -> list[int]:
    """The collections deposited, period by period, up to block ``at``."""
    w = deal.waterfall
    assert w is not None
    start = int(deal.deployment.contracts["waterfall"]["block"])
    event = w.events.CollectionsDeposited
    rows = [event.decode(log) for log in chain.logs(w.address, start, at, topics=[event.topic])]
    return [int(r["collections"]) for r in sorted(rows, key=lambda r: int(r["periodId"]))]


def mirror_of(spec: DealSpec, collections: list[int]) -> PathResult:
    """The mirror's periods for the collections deposited so far (later periods: zero)."""
    assert spec.structure is not None
    terms = terms_of(spec.structure, spec.periods, spec.revenue.periods_per_year)
    path = list(collections) + [0] * (terms.periods - len(collections))
    result = run(terms, path)
    return PathResult(periods=result.periods[: len(collections)])


def check_waterfall(chain: Chain, deal: Deal, spec: DealSpec, at: int, rec: Reconciliation) -> None:
    """Add the waterfall's mismatches to ``rec`` and its summary to ``rec.waterfall``."""
    w = deal.waterfall
    assert w is not None and spec.structure is not None
    start = int(deal.deployment.contracts["waterfall"]["block"])
    collections = deposited(chain, deal, at)
    mirror = mirror_of(spec, collections)
    periods = mirror.periods
    paid_event = w.events.Paid
    on_chain: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for log in chain.logs(w.address, start, at, topics=[paid_event.topic]):
        e = paid_event.decode(log)
        source = SOURCES[int(e["source"])]
        on_chain[int(e["periodId"])].append(
            (
                STEPS[int(e["step"])],
                int(e["to"]),
                source,
                int(e["guarantor"]) if source == "guarantor" else -1,
                int(e["amount"]),
            )
        )
    for p in periods:
        mine = sorted((x.step, x.to, x.source, x.guarantor, x.amount) for x in p.payments)
        if sorted(on_chain.get(p.period, [])) != mine:
            rec.problem(f"waterfall period {p.period}: the Paid events differ from the mirror")
    for i, tranche in enumerate(deal.tranches):
        event = tranche.token.events.RevenueDistributed
        begin = int(deal.deployment.contracts[f"tranche_{tranche.name}"]["block"])
        got: dict[int, int] = defaultdict(int)
        for log in chain.logs(tranche.token.address, begin, at, topics=[event.topic]):
            e = event.decode(log)
            got[int(e["periodId"])] += int(e["amount"])
        for p in periods:
            if got.get(p.period, 0) != p.tranche_paid[i]:
                rec.problem(
                    f"{tranche.name} period {p.period}: distributed {got.get(p.period, 0)}, "
                    f"the mirror pays {p.tranche_paid[i]}"
                )
    terms = terms_of(spec.structure, spec.periods, spec.revenue.periods_per_year)
    last = periods[-1] if periods else None
    reserve = last.reserve if last else terms.reserve_initial
    for name, value in (
        ("reserveBalance", int(chain.call(w.functions.reserveBalance(), block=at))),
        (
            "the waterfall's stablecoin",
            int(chain.call(deal.stablecoin.functions.balanceOf(w.address), block=at)),
        ),
    ):
        if value != reserve:
            rec.problem(f"waterfall {name}: chain {value}, mirror reserve {reserve}")
    for i in range(terms.rated):
        state = [int(v) for v in chain.call(w.functions.trancheState(i), block=at)]
        books = (
            [last.outstanding[i], last.interest_owed[i]]
            if last
            else [terms.tranches[i].principal, 0]
        )
        if state != books:
            rec.problem(f"tranche {i} (outstanding, interest owed): chain {state}, mirror {books}")
    drawn_all = [
        sum(p.guarantor_drawn[g] for p in periods) for g in range(len(terms.guarantor_covers))
    ]
    repaid_all = [
        sum(p.guarantor_repaid[g] for p in periods) for g in range(len(terms.guarantor_covers))
    ]
    for g in range(len(terms.guarantor_covers)):
        facility = chain.call(w.functions.guarantor(g), block=at)
        owed = last.guarantor_owed[g] if last else 0
        if (int(facility[5]), int(facility[6])) != (drawn_all[g], owed):
            rec.problem(
                f"guarantor {g} (drawn, owed): chain {(int(facility[5]), int(facility[6]))}, "
                f"mirror {(drawn_all[g], owed)}"
            )
        if not spec.settlement.address:  # funded with the mock up to its total limit
            balance = int(chain.call(deal.stablecoin.functions.balanceOf(facility[0]), block=at))
            expected = terms.guarantor_total[g] - drawn_all[g] + repaid_all[g]
            if balance != expected:
                rec.problem(f"guarantor {g} holds {balance}, the mirror says {expected}")
    for j in range(len(terms.trigger_below_bps)):
        state_on = bool(chain.call(w.functions.trigger(j), block=at)[-1])
        mine_on = last.triggers_on[j] if last else False
        if state_on != mine_on:
            rec.problem(f"trigger {j}: on {state_on} on chain, {mine_on} in the mirror")
    rec.waterfall = {
        "periods": len(periods),
        "collections": sum(collections),
        "paid_per_tranche": [
            sum(p.tranche_paid[i] for p in periods) for i in range(terms.rated + 1)
        ],
        "fees": sum(sum(p.fee_paid) for p in periods),
        "reserve": reserve,
        "reserve_drawn": sum(p.reserve_drawn for p in periods),
        "guarantor_drawn": drawn_all,
        "guarantor_repaid": repaid_all,
        "paid_events": sum(len(v) for v in on_chain.values()),
    }
