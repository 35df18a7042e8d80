"""The ``revenue`` section: currency, periods, margin, volatility, shocks and the streams."""

from __future__ import annotations

from typing import Final

from tokenizer.assets.kind import StreamContext
from tokenizer.spec.fields import Section
from tokenizer.spec.model import RevenueSpec, StreamSpec, TokenSpec
from tokenizer.spec.reference import BPS, CURRENCY_DECIMALS
from tokenizer.spec.shocks import read_shocks
from tokenizer.spec.streams import read_stream

__all__ = ["PERIODS_PER_YEAR", "REVENUE_FIELDS", "read_revenue"]

#: Period lengths the revenue model supports (periods per year dividing 12 months evenly).
PERIODS_PER_YEAR: Final[tuple[int, ...]] = (1, 2, 3, 4, 6, 12)

#: What the holders' share is taken from (``revenue.pledged``).
PLEDGED: Final[tuple[str, ...]] = ("net_revenue", "gross_receipts")

REVENUE_FIELDS: Final = (
    "currency", "periods_per_year", "start_month", "pledged", "net_margin_bps", "volatility_bps",
    "annual_volatility_bps", "shocks", "streams",
)  # fmt: skip


def read_revenue(s: Section, token: TokenSpec) -> RevenueSpec:
    currency = s.text("currency")
    if currency not in CURRENCY_DECIMALS:
        s.fail("currency", f"unknown currency {currency!r} (known: {', '.join(CURRENCY_DECIMALS)})")
    ppy = s.integer("periods_per_year", 1, 12, default=12)
    if ppy not in PERIODS_PER_YEAR:
        s.fail(
            "periods_per_year",
            f"must be one of {', '.join(map(str, PERIODS_PER_YEAR))} "
            f"(whole months per period), got {ppy}",
        )
    streams_raw = s.items("streams")
    if not streams_raw:
        s.fail("streams", "must list at least one revenue stream")
    decimals = CURRENCY_DECIMALS[currency]
    pledged, margin = _pledged(s)
    ctx = StreamContext(currency=currency, decimals=decimals, term_years=token.term_years)
    streams: list[StreamSpec] = []
    for i, raw in enumerate(streams_raw):
        stream = read_stream(s.source, f"{s.where('streams')}[{i}]", raw, ctx)
        if any(other.name == stream.name for other in streams):
            s.fail(f"streams[{i}].name", f"{stream.name!r} is used by another stream")
        streams.append(stream)
    return RevenueSpec(
        currency=currency,
        currency_decimals=decimals,
        periods_per_year=ppy,
        start_month=s.integer("start_month", 1, 12, default=1),
        pledged=pledged,
        net_margin_bps=margin,
        volatility_bps=s.bps("volatility_bps", 0, BPS),
        annual_volatility_bps=s.bps("annual_volatility_bps", 0, 5_000, default=0),
        shocks=read_shocks(s, token.term_years),
        streams=tuple(streams),
    )


def _pledged(s: Section) -> tuple[str, int]:
    """``pledged`` and ``net_margin_bps``: what the holders' share is a share of.

    ``net_revenue`` (the default): gross revenue x ``net_margin_bps`` (1..10000), so the margin
    must be positive. ``gross_receipts``: the receipts themselves are pledged (ticket revenue,
    rents, collections), so the operator's own margin does not reduce them and may be negative
    (a loss-making operator); it is then optional and informational, and the operator's credit
    risk belongs in the stream's model.
    """
    pledged = s.text("pledged", default="net_revenue")
    if pledged not in PLEDGED:
        s.fail("pledged", f"must be one of: {', '.join(PLEDGED)}, got {pledged!r}")
    if pledged == "gross_receipts":
        return pledged, s.bps("net_margin_bps", -BPS, BPS, default=0)
    margin = s.bps("net_margin_bps", -BPS, BPS)
    if margin < 1:
        s.fail(
            "net_margin_bps",
            f"is {margin}: with pledged: net_revenue the holders' share is taken from net "
            "revenue, which needs a positive margin (1 to 10000); an operator that loses money "
            "but pledges its gross receipts (ticket revenue, rents) writes "
            "'pledged: gross_receipts'",
        )
    return pledged, margin
