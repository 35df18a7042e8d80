"""``rwa risk``'s tables for people: one column per class, one row per figure."""

from __future__ import annotations

from collections.abc import Sequence

from tokenizer.reports.format import fmt_pct, fmt_units
from tokenizer.risk.analysis import RiskReport
from tokenizer.risk.tranches import ClassRisk

__all__ = ["risk_lines", "table"]


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A plain text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        first = f"{cells[0]:<{widths[0]}}"
        rest = [f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return [line(head), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _band(values: Sequence[float]) -> str:
    return " / ".join(fmt_pct(v, 1) for v in values)


def _money(r: RiskReport, values: Sequence[int]) -> str:
    return " / ".join(fmt_units(v, r.decimals, "", 0) for v in values)


def _years(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} y"


def class_rows(r: RiskReport, classes: Sequence[ClassRisk]) -> list[list[str]]:
    breakeven = {b.name: b for b in r.breakevens}
    rows: list[tuple[str, list[str]]] = [
        ("paid in", [fmt_units(c.invested, r.decimals, "", 0) for c in classes]),
        ("cash back P5 / P50 / P95", [_money(r, c.cash_back) for c in classes]),
        ("profit P5 / P50 / P95", [_money(r, c.profit) for c in classes]),
        ("chance of losing money", [fmt_pct(c.p_loss, 1) for c in classes]),
        ("expected loss", [fmt_units(c.expected_loss, r.decimals, "", 0) for c in classes]),
        ("loss P50 / P95 / P99", [_money(r, c.loss) for c in classes]),
        ("IRR P5 / P50 / P95 (dated)", [_band(c.irr) for c in classes]),
        (
            "weighted average life (P50)",
            [_years(c.wal_years) + (" principal" if c.rated else " cash") for c in classes],
        ),
        ("payback (P50)", [_years(c.payback_years) for c in classes]),
        ("paid back within the term", [fmt_pct(c.p_payback, 1) for c in classes]),
        (
            "breakeven revenue haircut",
            [
                "none loses"
                if breakeven[c.name].haircut is None
                else fmt_pct(breakeven[c.name].haircut, 2)
                for c in classes
            ],
        ),
    ]
    return [[label, *cells] for label, cells in rows]


def risk_lines(r: RiskReport) -> list[str]:
    """The whole ``rwa risk`` answer, as lines."""
    lines = [
        f"{r.name}: {r.paths:,} paths of the revenue model, seed {r.seed}, through the deal's "
        "exact waterfall.",
        f"Dates: {r.timing.describe()}. Amounts in {r.symbol}. A loss is money paid in and not "
        "got back (the tokens are worth nothing at maturity); profit is cash back minus what "
        "was paid: never counted as yield.",
        "",
    ]
    head = ["", *(c.name for c in r.classes)]
    lines += table(head, class_rows(r, r.classes))
    e = r.enhancement
    if e is not None:
        lines += ["", "Credit enhancement:"]
        dscr = " / ".join("n/a" if x is None else f"{x:.2f}x" for x in e.min_dscr)
        lines.append(
            f"  minimum DSCR P5 / P50 / P95: {dscr}; below 1.00x on "
            f"{fmt_pct(e.p_dscr_below_one, 1)} of paths"
        )
        for t in e.triggers:
            lines.append(
                f"  trigger {t.description}: fires on {fmt_pct(t.probability, 1)} of paths"
            )
        if e.has_reserve:
            lines.append(f"  reserve emptied on {fmt_pct(e.p_reserve_emptied, 1)} of paths")
        for g in e.guarantors:
            lines.append(
                f"  guarantor {g.name} (covers {g.covers}): drawn on {fmt_pct(g.probability, 1)} "
                f"of paths, expected draw {fmt_units(g.expected_draw, r.decimals, r.symbol, 0)}, "
                f"P95 {fmt_units(g.draw_p95, r.decimals, r.symbol, 0)} of a "
                f"{fmt_units(g.total_limit, r.decimals, r.symbol, 0)} limit"
            )
    lines += [
        "",
        "Breakeven: the uniform revenue haircut, every period, at which the class first loses "
        "money on the expected revenue path (bisection to 0.01 %).",
    ]
    if r.stresses:
        lines += [
            "",
            f"Stresses ({r.stress_paths:,} paths, the same draws as the base): chance of "
            "losing money / IRR P50",
        ]
        head = ["scenario", *(c.name for c in r.classes)]
        rows = [
            [s.label, *(f"{fmt_pct(c.p_loss, 1)} / {fmt_pct(c.irr[1], 1)}" for c in s.classes)]
            for s in r.stresses
        ]
        lines += table(head, rows)
    return lines
