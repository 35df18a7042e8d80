"""The story of a run, one sentence per stage, as ``rwa demo`` and ``rwa simulate`` tell it."""

from __future__ import annotations

import sys
from typing import TextIO

from tokenizer.reports.format import fmt_pct, fmt_units, refusals
from tokenizer.reports.model import Activity, InvestorMix, Returns, RunReport, SaleResult
from tokenizer.spec import DealSpec


class Progress:
    """A one-line progress bar on a terminal; quiet lines elsewhere (CI logs stay readable)."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last_pct = -1

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        pct = self.done * 100 // self.total
        if self.tty:
            bar = "#" * (pct // 4)
            self.stream.write(f"\r  {self.label} [{bar:<25}] {self.done}/{self.total}")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()
        elif pct // 25 != self._last_pct // 25 or self.done == self.total:
            self.stream.write(f"  {self.label}: {self.done}/{self.total}\n")
        self._last_pct = pct


def deployed(spec: DealSpec, chain_id: int, reused: bool, token: str, offering: str) -> str:
    return (
        f"Deployed {spec.name} on chain {chain_id}"
        + (" (reusing the recorded contracts)" if reused else "")
        + f": token {spec.token.symbol} at {token}, sale at {offering}."
    )


def onboarded(mix: InvestorMix) -> str:
    countries = list(mix.by_country.items())
    return (
        f"KYC: {mix.registered} investors registered in the identity registry "
        f"({', '.join(f'{c} {n}' for c, n in countries[:6])}{', …' if len(countries) > 6 else ''})."
    )


def sold(spec: DealSpec, sale: SaleResult) -> str:
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    return (
        f"Primary sale {sale.status}: {sale.buyers} buyers paid "
        f"{fmt_units(sale.raised, dec, sym)} at {fmt_units(sale.price, dec, sym, 4)} "
        f"per token (soft cap {fmt_units(sale.soft_cap, dec, sym)}, hard cap "
        f"{fmt_units(sale.hard_cap, dec, sym)})."
    )


def left_out(spec: DealSpec, buyers: int, investors: int, reasons: dict[str, int]) -> str:
    """Why fewer investors bought than were simulated: one line naming each limit."""
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    limits = {
        "offering.hard_cap": f"the hard cap (offering.hard_cap, "
        f"{fmt_units(spec.offering.hard_cap, dec, sym)}) was reached",
        "compliance.max_holders": f"the holder limit (compliance.max_holders, "
        f"{spec.compliance.max_holders:,}) was reached",
        "offering.min_purchase": f"a budget below the minimum ticket (offering.min_purchase, "
        f"{fmt_units(spec.offering.min_purchase, dec, sym)})",
    }
    why = "; ".join(f"{limits.get(field, field)} ({count:,})" for field, count in reasons.items())
    hint = (
        " (a deal sized for many small buyers: seeds/xiaoping_island_retail.yaml)"
        if "offering.hard_cap" in reasons
        else ""
    )
    return (
        f"Buyers reached: {buyers:,} of {investors:,} simulated investors; the other "
        f"{investors - buyers:,} did not buy: {why or 'their purchases were refused'}{hint}."
    )


def distributed(report: RunReport, spec: DealSpec, resumed_at: int) -> str:
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    rev = report.revenue
    return (
        f"Revenue: {rev.periods_distributed} of {rev.periods} {_period_word(spec)} periods "
        "distributed"
        + (f" (this run resumed at period {resumed_at})" if resumed_at > 1 else "")
        + f", {fmt_units(rev.paid_to_holders, dec, sym)} of {_collected(spec)} paid into the "
        "token; "
        f"{report.activity.claims} claims."
    )


def traded(spec: DealSpec, activity: Activity) -> str:
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    refused = activity.trades_refused
    freezes = activity.wallet_freezes
    return (
        f"Secondary market: {activity.trades} trades settled delivery-versus-payment "
        f"({fmt_units(activity.trade_volume, dec, sym)})"
        + (
            f", {sum(refused.values())} refused by compliance ({refusals(refused)})"
            if refused
            else ", none refused by compliance"
        )
        + f"; {freezes} wallet{'' if freezes == 1 else 's'} frozen for a review."
    )


def reconciled(report: RunReport) -> str:
    rec = report.reconciliation
    return (
        f"Reconciliation: distributed {rec.distributed} = claimed {rec.claimed} + claimable "
        f"{rec.claimable} + dust {rec.dust}"
        + (f" + dust returned to the servicer {rec.swept}" if rec.swept else "")
        + f" (smallest units); mismatches: {rec.mismatches}."
    )


def returned(returns: Returns) -> str:
    """Cash paid out per year, labelled as what it is: capital coming back plus any profit."""
    back = sum(returns.yield_per_year)  # cash paid out so far, per unit of the price
    over = "over the term" if returns.irr is not None else "so far"
    return (
        "Returns per token bought at the sale price: cash paid out averaged "
        + fmt_pct(returns.average_yield)
        + " of the price a year, your own capital coming back included (not a yield: the token "
        f"is worth nothing at maturity); {over} {back:.2f}x the price came back, "
        + ("a profit of " if back >= 1 else "a loss of ")
        + f"{fmt_pct(abs(back - 1))} of the price; payback "
        + (
            f"after {returns.payback_years} years."
            if returns.payback_years
            else "not within the term."
        )
    )


def risk_band(report: RunReport, spec: DealSpec) -> str:
    """The IRR of this one simulated path, from its dates, next to the band over many paths."""
    from tokenizer.risk.band import BAND_PATHS, band, path_irr, simulation_timing

    timing = simulation_timing(spec)
    irr = path_irr(spec, spec.offering.price, report.revenue.per_period, report.sale.tokens_sold)
    classes = band(spec)
    lines = []
    if irr is not None:
        lines.append(
            f"IRR on this one simulated path {fmt_pct(irr)}, from the dates the money moved "
            f"(paid when the sale opened, first payout {timing.first_payout_days:.0f} days later)."
        )
    for c in classes:
        who = "" if len(classes) == 1 else f" ({c.name})"
        lines.append(
            f"Across {BAND_PATHS:,} paths of the revenue model{who}: median IRR "
            f"{fmt_pct(c.irr[1])}, 90 % of paths between {fmt_pct(c.irr[0])} and "
            f"{fmt_pct(c.irr[2])}; chance of losing money {fmt_pct(c.p_loss, 1)}."
        )
    return "\n".join(lines)


def example_tokens(spec: DealSpec) -> int:
    """A holding that fits the deal: the whole tokens the minimum purchase buys (at least 1)."""
    return max(1, spec.offering.min_purchase // spec.offering.price)


def example_holder(report: RunReport, spec: DealSpec, tokens: int | None = None) -> str | None:
    """What a holder of ``tokens`` tokens (by default the minimum purchase's) bought at the sale
    earned, or None before any payout."""
    supply, paid = report.sale.tokens_sold, report.revenue.paid_to_holders
    if not supply or not report.revenue.periods_distributed:
        return None
    if tokens is None:
        tokens = example_tokens(spec)
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    earned = paid * tokens * spec.token.unit // supply
    last = report.revenue.periods_distributed
    held = "to maturity" if last == spec.periods else f"for {last} periods"
    cost = tokens * spec.offering.price
    outcome = (
        f"{fmt_units(cost, dec, sym)} of it their own money coming back and "
        f"{fmt_units(earned - cost, dec, sym)} profit"
        if earned >= cost
        else f"{fmt_units(cost - earned, dec, sym)} less than they paid"
        + ("" if last == spec.periods else " so far")
    )
    return (
        risk_band(report, spec)
        + f"\nAn investor who bought {tokens:,} tokens for {fmt_units(cost, dec, sym)} and held "
        f"them {held} got back {fmt_units(earned, dec, sym)}: {outcome}; the tokens are worth "
        "nothing after maturity."
    )


_PERIOD_WORDS = {
    12: "monthly",
    6: "two-monthly",
    4: "quarterly",
    3: "four-monthly",
    2: "half-yearly",
}


def _period_word(spec: DealSpec) -> str:
    return _PERIOD_WORDS.get(spec.revenue.periods_per_year, "yearly")


def _collected(spec: DealSpec) -> str:
    """What the holders' money is, in the words of the deal's kinds: "transit fares", ..."""
    from tokenizer.assets import kind_of

    titles = dict.fromkeys(kind_of(s).labels.title.lower() for s in spec.revenue.streams)
    what = " and ".join(titles)
    pledge = "gross receipts" if spec.revenue.pledged == "gross_receipts" else "net revenue"
    return f"{pledge} from {what}"
