"""A structured deal's waterfall for people: each year, what came in, who was paid, from where.

Built from the exact mirror of the collections the servicer deposited (the reconciliation has
checked that the chain paid exactly that, event by event). Money in settlement smallest units.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenizer.finance.waterfall import COLLECTIONS, GUARANTOR, RESERVE, PathResult
from tokenizer.reports.format import fmt_units
from tokenizer.spec import DealSpec


@dataclass(frozen=True)
class WaterfallYear:
    year: int
    collections: int  # deposited by the servicer
    fees: int
    interest: list[int]  # per rated tranche
    principal: list[int]
    residual: int  # to the junior tranche
    from_collections: int  # every payment out, by source
    from_reserve: int
    from_guarantors: int
    guarantor_repaid: int
    reserve_filled: int
    trapped: int
    interest_owed: int  # rated tranches' unpaid interest at the year's end, owed later
    reserve_end: int
    outstanding_end: list[int]  # per rated tranche


@dataclass(frozen=True)
class WaterfallSummary:
    tranches: list[str]  # most senior first, the residual last
    years: list[WaterfallYear]
    periods_with_trigger_on: int
    lowest_dscr_bps: int | None


def summarise(spec: DealSpec, mirror: PathResult) -> WaterfallSummary:
    """The deposited periods, added up by year of the term."""
    assert spec.structure is not None
    ppy = spec.revenue.periods_per_year
    names = [t.name for t in spec.structure.tranches]
    k = len(names) - 1
    years: list[WaterfallYear] = []
    periods = mirror.periods
    for y in range(0, len(periods), ppy):
        chunk = periods[y : y + ppy]
        by_source = {COLLECTIONS: 0, RESERVE: 0, GUARANTOR: 0}
        for p in chunk:
            for pay in p.payments:
                if pay.step not in ("reserve_fill", "trap"):
                    by_source[pay.source] += pay.amount
        last = chunk[-1]
        years.append(
            WaterfallYear(
                year=y // ppy + 1,
                collections=sum(p.collections for p in chunk),
                fees=sum(sum(p.fee_paid) for p in chunk),
                interest=[sum(p.interest_paid[i] for p in chunk) for i in range(k)],
                principal=[sum(p.principal_paid[i] for p in chunk) for i in range(k)],
                residual=sum(p.tranche_paid[k] for p in chunk),
                from_collections=by_source[COLLECTIONS],
                from_reserve=by_source[RESERVE],
                from_guarantors=by_source[GUARANTOR],
                guarantor_repaid=sum(sum(p.guarantor_repaid) for p in chunk),
                reserve_filled=sum(p.reserve_filled for p in chunk),
                trapped=sum(p.trapped for p in chunk),
                interest_owed=sum(last.interest_owed),
                reserve_end=last.reserve,
                outstanding_end=list(last.outstanding),
            )
        )
    dscrs = [p.dscr_bps for p in periods if p.dscr_bps is not None]
    return WaterfallSummary(
        tranches=names,
        years=years,
        periods_with_trigger_on=sum(1 for p in periods if any(p.triggers_on)),
        lowest_dscr_bps=min(dscrs) if dscrs else None,
    )


def table(summary: WaterfallSummary, spec: DealSpec, places: int = 0) -> list[str]:
    """The per-year waterfall as a Markdown table (whole settlement units by default)."""
    dec = spec.settlement.decimals
    rated = summary.tranches[:-1]

    def u(v: int) -> str:
        return fmt_units(v, dec, "", places)

    head = ["year", "collections", "fees"]
    for name in rated:
        head += [f"{name} interest", f"{name} principal"]
    head += [
        f"{summary.tranches[-1]} (residual)",
        "paid from reserve",
        "paid by guarantors",
        "guarantors repaid",
        "reserve filled",
        "cash trapped",
        "interest owed at year end",
        "reserve at year end",
    ]
    head += [f"{name} outstanding" for name in rated]
    rows = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for y in summary.years:
        cells = [str(y.year), u(y.collections), u(y.fees)]
        for i in range(len(rated)):
            cells += [u(y.interest[i]), u(y.principal[i])]
        cells += [
            u(y.residual),
            u(y.from_reserve),
            u(y.from_guarantors),
            u(y.guarantor_repaid),
            u(y.reserve_filled),
            u(y.trapped),
            u(y.interest_owed),
            u(y.reserve_end),
        ]
        cells += [u(v) for v in y.outstanding_end]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def story_lines(summary: WaterfallSummary, spec: DealSpec) -> str:
    """The waterfall told on the terminal: one line a year."""
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    rated = summary.tranches[:-1]
    lines = [f"Waterfall ({' > '.join(summary.tranches)}), per year of the term:"]
    for y in summary.years:
        paid = ", ".join(
            f"{n} {fmt_units(y.interest[i], dec, '', 0)} interest + "
            f"{fmt_units(y.principal[i], dec, '', 0)} principal"
            for i, n in enumerate(rated)
        )
        extra = []
        if y.from_reserve:
            extra.append(f"{fmt_units(y.from_reserve, dec, '', 0)} paid from the reserve")
        if y.from_guarantors:
            extra.append(f"{fmt_units(y.from_guarantors, dec, '', 0)} paid by guarantors")
        if y.guarantor_repaid:
            extra.append(f"guarantors repaid {fmt_units(y.guarantor_repaid, dec, '', 0)}")
        if y.trapped:
            extra.append(f"{fmt_units(y.trapped, dec, '', 0)} trapped")
        if y.interest_owed:
            extra.append(f"{fmt_units(y.interest_owed, dec, '', 0)} interest owed")
        lines.append(
            f"  year {y.year}: in {fmt_units(y.collections, dec, sym, 0)}; fees "
            f"{fmt_units(y.fees, dec, '', 0)}; {paid}; {summary.tranches[-1]} "
            f"{fmt_units(y.residual, dec, '', 0)}"
            + (f"; {'; '.join(extra)}" if extra else "")
            + f"; reserve {fmt_units(y.reserve_end, dec, '', 0)}."
        )
    return "\n".join(lines)
