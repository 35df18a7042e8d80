"""Reports: ``report.json`` for machines, ``report.md`` with charts for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenizer.metrics import yearly
from tokenizer.spec import DealSpec


def fmt_units(units: int, decimals: int, symbol: str = "", places: int = 2) -> str:
    """``1234567891, 6, "USD"`` -> ``"1,234.57 USD"``; exact decimal, rounded for display only."""
    value = Decimal(units).scaleb(-decimals).quantize(Decimal(1).scaleb(-places))
    text = f"{value:,.{places}f}"
    return f"{text} {symbol}".strip()


def fmt_pct(ratio: float | None, places: int = 2) -> str:
    return "n/a" if ratio is None else f"{ratio * 100:.{places}f} %"


def write_json(report: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, sort_keys=False) + "\n")
    tmp.replace(path)
    return path


def _charts(
    report: dict[str, Any], spec: DealSpec, amounts: Sequence[int], folder: Path
) -> list[tuple[str, str]]:
    """Draw the charts as PNG files; return (title, file name) pairs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    sym = spec.settlement.symbol
    dec = spec.settlement.decimals
    scale = 10**dec
    per_year = yearly(amounts, spec.revenue.periods_per_year)
    years = list(range(1, len(per_year) + 1))
    charts: list[tuple[str, str]] = []

    def save(fig: Any, title: str, name: str) -> None:
        fig.tight_layout()
        fig.savefig(folder / name, dpi=110)
        plt.close(fig)
        charts.append((title, name))

    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(years, [a / scale / 1e6 for a in per_year], color="#2b6cb0")
    ax.set_xlabel("term year")
    ax.set_ylabel(f"paid to holders (million {sym})")
    ax.set_title("Revenue paid to token holders per year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", alpha=0.3)
    save(fig, "Revenue paid to holders per year", "payouts_per_year.png")

    streams = report["revenue"].get("gross_by_stream_per_year") or {}
    if streams:
        fig, ax = plt.subplots(figsize=(8, 4))
        bottom = [0.0] * len(years)
        for name, values in streams.items():
            heights = [v / 1e6 for v in values[: len(years)]]
            ax.bar(years[: len(heights)], heights, bottom=bottom[: len(heights)], label=name)
            bottom = [b + h for b, h in zip(bottom, heights + [0.0] * len(bottom), strict=False)]
        ax.set_xlabel("term year")
        ax.set_ylabel(f"gross revenue (million {spec.revenue.currency})")
        ax.set_title("Gross revenue of the underlying venues, by stream")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        save(fig, "Gross revenue by stream", "gross_by_stream.png")

    raised = report["sale"]["raised"]
    if raised:
        running, cumulative = 0, []
        for a in amounts:
            running += a
            cumulative.append(running / raised)
        fig, ax = plt.subplots(figsize=(8, 4))
        months = [m / spec.revenue.periods_per_year for m in range(1, len(amounts) + 1)]
        ax.plot(months, cumulative, color="#2f855a")
        ax.axhline(1.0, color="#c53030", linestyle="--", label="money paid in")
        ax.set_xlabel("years after the sale")
        ax.set_ylabel("cumulative payouts / raise")
        ax.set_title("Cumulative payouts against the money raised")
        ax.legend()
        ax.grid(alpha=0.3)
        save(fig, "Cumulative payouts against the raise", "cumulative_payouts.png")

    mix = report["investors"]["buyers_by_country"]
    if mix:
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.bar(list(mix), list(mix.values()), color="#6b46c1")
        ax.set_ylabel("buyers")
        ax.set_title("Buyers in the primary sale, by country")
        save(fig, "Buyers by country", "buyers_by_country.png")
    return charts


def _refused(activity: dict[str, Any]) -> str:
    by_rule: dict[str, int] = activity.get("trades_refused") or {}
    if not by_rule:
        return "0"
    detail = ", ".join(f"{rule}: {n}" for rule, n in sorted(by_rule.items(), key=lambda r: -r[1]))
    return f"{sum(by_rule.values())} ({detail})"


def write_markdown(
    report: dict[str, Any], spec: DealSpec, amounts: Sequence[int], folder: Path
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    sale, rec, ret = report["sale"], report["reconciliation"], report["returns"]
    lines = [
        f"# {spec.name}",
        "",
        spec.summary.strip(),
        "",
        "## Deployment",
        "",
        f"Chain id {report['chain']['chain_id']} ({report['chain']['client']}).",
        "",
        "| contract | address | deploy gas |",
        "|---|---|---:|",
    ]
    for key, c in report["contracts"].items():
        lines.append(f"| {c['name']} ({key}) | `{c['address']}` | {c.get('gas', 0):,} |")
    lines += [
        "",
        "## Primary sale",
        "",
        "| | |",
        "|---|---|",
        f"| price per token | {fmt_units(sale['price'], dec, sym, 4)} |",
        f"| soft cap / hard cap | {fmt_units(sale['soft_cap'], dec, sym)} / "
        f"{fmt_units(sale['hard_cap'], dec, sym)} |",
        f"| raised | {fmt_units(sale['raised'], dec, sym)} |",
        f"| buyers | {sale['buyers']} of {report['investors']['registered']} registered |",
        f"| outcome | {sale['status']} |",
        "",
        "## Revenue and returns",
        "",
        "| | |",
        "|---|---|",
        f"| periods distributed | {report['revenue']['periods_distributed']} "
        f"of {report['revenue']['periods']} |",
        f"| paid to holders | {fmt_units(report['revenue']['paid_to_holders'], dec, sym)} |",
        f"| IRR per token (bought at the sale price) | {fmt_pct(ret['irr'])} |",
        f"| average cash yield per year | {fmt_pct(ret['average_yield'])} |",
        f"| payback | {ret['payback_years'] or 'not within the term'} years |",
        f"| secondary trades settled (delivery versus payment) | {report['activity']['trades']} |",
        f"| secondary trades refused by compliance | {_refused(report['activity'])} |",
        f"| claims | {report['activity']['claims']} |",
        "",
        "## Reconciliation (stablecoin smallest units)",
        "",
        "Every holder's entitlement was recomputed from the token's event history and compared "
        "with the chain.",
        "",
        "| distributed | claimed | claimable | dust | held by token | mismatches |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {rec['distributed']} | {rec['claimed']} | {rec['claimable']} | {rec['dust']} "
        f"| {rec['held_by_token']} | {rec['mismatches']} |",
        "",
    ]
    try:
        charts = _charts(report, spec, amounts, folder)
    except ImportError:
        charts = []
    if charts:
        lines += ["## Charts", ""]
        for title, name in charts:
            lines += [f"![{title}]({name})", ""]
    if spec.sources:
        lines += ["## Sources", ""] + [f"- {s}" for s in spec.sources] + [""]
    path = folder / "report.md"
    path.write_text("\n".join(lines))
    return path
