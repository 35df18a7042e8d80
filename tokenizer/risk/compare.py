"""``rwa compare``: deals side by side, one table per metric across deals and tranches, one chart.

Each deal is run as ``rwa risk`` runs it (same paths, seed and dates), without the stresses.
The chart (matplotlib, Agg backend: no display needed) shows each class's IRR band (P5-P95,
the median marked) and its chance of losing money.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tokenizer.reports.format import fmt_pct, fmt_units
from tokenizer.risk.analysis import RiskReport
from tokenizer.risk.text import table
from tokenizer.risk.tranches import ClassRisk

__all__ = ["METRICS", "Metric", "compare_tables", "draw_compare_chart"]


@dataclass(frozen=True)
class Metric:
    title: str
    head: tuple[str, ...]
    cells: Callable[[RiskReport, ClassRisk], list[str]]


def _m(r: RiskReport, v: int) -> str:
    return fmt_units(v, r.decimals, r.symbol, 0)


def _years(v: float | None) -> str:
    return "never" if v is None else f"{v:.1f}"


def _breakeven(r: RiskReport, c: ClassRisk) -> list[str]:
    b = next(x for x in r.breakevens if x.name == c.name)
    return ["none loses" if b.haircut is None else fmt_pct(b.haircut, 2)]


METRICS: tuple[Metric, ...] = (
    Metric(
        "IRR from dated cash flows",
        ("P5", "P50", "P95"),
        lambda r, c: [fmt_pct(x, 2) for x in c.irr],
    ),
    Metric(
        "Chance of losing money and expected loss",
        ("chance", "expected loss", "of paid in"),
        lambda r, c: [
            fmt_pct(c.p_loss, 1),
            _m(r, c.expected_loss),
            fmt_pct(c.expected_loss / c.invested, 2),
        ],
    ),
    Metric(
        "Loss distribution",
        ("P50", "P95", "P99"),
        lambda r, c: [_m(r, x) for x in c.loss],
    ),
    Metric(
        "Cash back and profit per unit paid in (median)",
        ("cash back", "profit"),
        lambda r, c: [f"{c.cash_back[1] / c.invested:.2f}x", f"{c.profit[1] / c.invested:+.2f}x"],
    ),
    Metric(
        "Weighted average life and payback (years, median)",
        ("WAL", "payback", "paid back"),
        lambda r, c: [_years(c.wal_years), _years(c.payback_years), fmt_pct(c.p_payback, 1)],
    ),
    Metric("Breakeven revenue haircut (expected path)", ("haircut",), _breakeven),
)


def compare_tables(reports: Sequence[RiskReport]) -> list[tuple[str, list[str]]]:
    """One (title, lines) table per metric; a row per deal and class."""
    out = []
    for metric in METRICS:
        rows = [[f"{r.deal} / {c.name}", *metric.cells(r, c)] for r in reports for c in r.classes]
        out.append((metric.title, table(["deal / class", *metric.head], rows)))
    return out


def draw_compare_chart(reports: Sequence[RiskReport], path: Path) -> Path:
    """The IRR bands and the chances of loss of every class, as one PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r.deal}\n{c.name}" for r in reports for c in r.classes]
    classes = [c for r in reports for c in r.classes]
    fig, (ax1, ax2) = plt.subplots(
        1, 2, figsize=(12, max(3.0, 0.45 * len(labels) + 1.5)), sharey=True
    )
    ys = list(range(len(labels)))
    for y, c in zip(ys, classes, strict=True):
        lo, mid, hi = (x * 100 for x in c.irr)
        ax1.plot([lo, hi], [y, y], color="tab:blue", linewidth=6, alpha=0.4)
        ax1.plot([mid], [y], marker="|", color="tab:blue", markersize=14, markeredgewidth=2)
    ax1.axvline(0, color="grey", linewidth=0.8)
    ax1.set_xlabel("IRR, % a year (bar: P5-P95, tick: median)")
    ax1.set_yticks(ys, labels, fontsize=7)
    ax1.invert_yaxis()
    ax2.barh(ys, [c.p_loss * 100 for c in classes], color="tab:red", alpha=0.6)
    ax2.set_xlabel("chance of losing money, %")
    paths = reports[0].paths if reports else 0
    fig.suptitle(f"Deals side by side ({paths:,} paths each; dated cash flows)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
