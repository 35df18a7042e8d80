"""The report's charts, drawn as PNG files with matplotlib (imported only when drawing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tokenizer.metrics import yearly
from tokenizer.reports.model import RunReport
from tokenizer.spec import DealSpec


def stream_chart_title(spec: DealSpec) -> str:
    """The stream chart's title, in the words of the deal's kinds ("Transit fares", ...)."""
    from tokenizer.assets import kind_of

    titles = list(dict.fromkeys(kind_of(stream).labels.title for stream in spec.revenue.streams))
    return f"Gross revenue by stream: {', '.join(titles)}"


def draw_charts(report: RunReport, spec: DealSpec, folder: Path) -> list[tuple[str, str]]:
    """Draw the charts as PNG files; return (title, file name) pairs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    amounts = report.revenue.per_period
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

    streams = report.revenue.gross_by_stream_per_year
    if streams:
        fig, ax = plt.subplots(figsize=(8, 4))
        bottom = [0.0] * len(years)
        for name, values in streams.items():
            heights = [v / 1e6 for v in values[: len(years)]]
            ax.bar(years[: len(heights)], heights, bottom=bottom[: len(heights)], label=name)
            bottom = [b + h for b, h in zip(bottom, heights + [0.0] * len(bottom), strict=False)]
        ax.set_xlabel("term year")
        ax.set_ylabel(f"gross revenue (million {spec.revenue.currency})")
        ax.set_title(stream_chart_title(spec))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        save(fig, "Gross revenue by stream", "gross_by_stream.png")

    raised = report.sale.raised
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

    mix = report.investors.buyers_by_country
    if mix:
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.bar(list(mix), list(mix.values()), color="#6b46c1")
        ax.set_ylabel("buyers")
        ax.set_title("Buyers in the primary sale, by country")
        save(fig, "Buyers by country", "buyers_by_country.png")
    return charts
