"""``rwa invest``: what one investor's own purchase could return, as ranges, never one number.

The purchase buys whole token base units at the sale price (a tranche: one whole token per whole
settlement unit of principal); the sale is assumed to fill (the hard cap), so the investor's
share of each payout is ``tokens / supply``, floored to the unit, as the token pays it. Over the
paths of the risk run: the payouts year by year (median and the P5-P95 band), the cash back and
the profit (cash back minus what was paid, labelled apart), the IRR from the dated cash flows
and the chance of losing money; then the deal's main risks in plain words, from the spec and the
risk run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tokenizer.errors import TokenizerError
from tokenizer.metrics import quantiles, xirr_paths
from tokenizer.reports.format import fmt_pct, fmt_units
from tokenizer.risk.analysis import RiskReport, run_risk
from tokenizer.risk.runs import DealClass, chunks, classes_of
from tokenizer.spec import DealSpec

__all__ = ["Investment", "YearBand", "invest"]


@dataclass(frozen=True)
class YearBand:
    year: int
    from_day: int  # days after the purchase of the year's first payout
    to_day: int  # and of its last
    p5: int
    p50: int
    p95: int


@dataclass(frozen=True)
class Investment:
    deal: str
    cls: str
    symbol: str  # the token's
    money: str  # the settlement currency
    decimals: int
    token_decimals: int
    amount: int  # asked to invest
    cost: int  # what the whole base units cost (at most ``amount``)
    tokens: int  # base units bought
    lockup_days: int
    paths: int
    years: tuple[YearBand, ...]
    cash_back: tuple[int, int, int]
    profit: tuple[int, int, int]
    irr: tuple[float, float, float]
    p_loss: float
    risks: tuple[str, ...]
    timing: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal,
            "class": self.cls,
            "amount": self.amount,
            "cost": self.cost,
            "tokens_base_units": self.tokens,
            "lockup_days_after_purchase": self.lockup_days,
            "paths": self.paths,
            "timing": self.timing,
            "payouts_by_year": [
                {
                    "year": y.year,
                    "days_after_purchase": [y.from_day, y.to_day],
                    "p5_p50_p95": [y.p5, y.p50, y.p95],
                }
                for y in self.years
            ],
            "cash_back_p5_p50_p95": list(self.cash_back),
            "profit_p5_p50_p95": list(self.profit),
            "irr_p5_p50_p95": [round(x, 6) for x in self.irr],
            "probability_of_loss": round(self.p_loss, 6),
            "main_risks": list(self.risks),
        }

    def lines(self) -> list[str]:
        def m(v: int) -> str:
            return fmt_units(v, self.decimals, self.money)

        def band(v: tuple[int, int, int]) -> str:
            return f"median {m(v[1])} (90 % of paths between {m(v[0])} and {m(v[2])})"

        tokens = fmt_units(self.tokens, self.token_decimals, self.symbol, 4)
        out = [
            f"{m(self.amount)} in {self.deal} ({self.cls}) buys {tokens} for {m(self.cost)}.",
            f"Dates: {self.timing}.",
            "Lock-up: "
            + (
                f"you cannot transfer the tokens until {self.lockup_days} days after your purchase."
                if self.lockup_days
                else "none; the tokens can be transferred (to eligible holders) at once."
            ),
            "",
            f"Your payouts by year ({self.paths:,} paths; P5 / median / P95):",
        ]
        for y in self.years:
            out.append(
                f"  year {y.year:>2} (days {y.from_day:>4}-{y.to_day:>4}): "
                f"{m(y.p5)} / {m(y.p50)} / {m(y.p95)}"
            )
        lo, mid, hi = self.irr
        out += [
            "",
            "Cash back over the term (your own money coming back included): "
            f"{band(self.cash_back)}.",
            f"Profit (cash back minus the {m(self.cost)} you paid): {band(self.profit)}.",
            f"IRR from the dated cash flows: median {fmt_pct(mid)}, 90 % of paths between "
            f"{fmt_pct(lo)} and {fmt_pct(hi)}.",
            f"Chance of losing money (getting back less than you paid): {fmt_pct(self.p_loss, 1)}.",
            "",
            "Main risks:",
            *(f"  - {r}" for r in self.risks),
        ]
        return out


def _class(spec: DealSpec, tranche: str | None) -> DealClass:
    classes = classes_of(spec)
    if spec.structure is None:
        if tranche is not None:
            raise TokenizerError(
                f"--tranche {tranche}: {spec.id} has no tranches (one class of holders)"
            )
        return classes[0]
    names = [c.name for c in classes]
    if tranche is None:
        raise TokenizerError(f"--tranche: {spec.id} has tranches; name one of {', '.join(names)}")
    for c in classes:
        if c.name == tranche:
            return c
    raise TokenizerError(f"--tranche {tranche}: no such tranche in {spec.id} ({', '.join(names)})")


def _check_amount(spec: DealSpec, cls: DealClass, amount: int) -> None:
    o, dec, sym = spec.offering, spec.settlement.decimals, spec.settlement.symbol
    if amount < o.min_purchase:
        raise TokenizerError(
            f"--amount {fmt_units(amount, dec, sym)} is below the minimum purchase of "
            f"{fmt_units(o.min_purchase, dec, sym)}"
        )
    if amount > o.max_purchase:
        raise TokenizerError(
            f"--amount {fmt_units(amount, dec, sym)} is above the maximum purchase of "
            f"{fmt_units(o.max_purchase, dec, sym)}"
        )
    if amount > cls.invested:
        raise TokenizerError(
            f"--amount {fmt_units(amount, dec, sym)} is more than the whole {cls.name} class "
            f"({fmt_units(cls.invested, dec, sym)})"
        )


def _tokens(spec: DealSpec, cls: DealClass, amount: int) -> tuple[int, int]:
    """Base units ``amount`` buys, and what they cost."""
    if spec.structure is None:
        unit, price = spec.token.unit, spec.offering.price
        tokens = amount * unit // price
        return tokens, -(-tokens * price // unit)
    tokens = amount * cls.supply // cls.invested
    return tokens, -(-tokens * cls.invested // cls.supply)


def _risks(spec: DealSpec, cls: DealClass, risk: RiskReport, investor_p_loss: float) -> list[str]:
    mine = next(c for c in risk.classes if c.name == cls.name)
    be = next(b for b in risk.breakevens if b.name == cls.name)
    out = []
    if cls.rated:
        out.append(
            "Your principal is repaid only from the assets' collections (and any guarantor, up "
            "to its limits); what is not repaid by maturity is lost."
        )
    else:
        out.append(
            "The tokens are worth nothing at maturity: all you get back is the payouts, and "
            "nothing repays your capital."
        )
    out.append(
        f"On {fmt_pct(investor_p_loss, 1)} of the simulated paths you get back less than you "
        f"paid; on the worst 5 % the class gets back at most "
        f"{mine.cash_back[0] * 100 // cls.invested} % of its money."
    )
    if be.haircut is None:
        out.append("No uniform fall of revenue makes this class lose money on the expected path.")
    elif be.status == "loses_at_expected":
        out.append("Even on the model's expected revenue this class gets back less than it paid.")
    else:
        out.append(
            f"If revenue comes in {fmt_pct(be.haircut, 1)} below the model's expectation, every "
            "period, this class loses money."
        )
    worst = max(risk.stresses, key=lambda s: _p_loss(s.classes, cls.name), default=None)
    if worst is not None and worst.scenario != "base":
        out.append(
            f"Worst stress tried: {worst.label}: the chance of losing money becomes "
            f"{fmt_pct(_p_loss(worst.classes, cls.name), 1)}."
        )
    shocks = list(spec.revenue.shocks) + [x for s in spec.revenue.streams for x in s.shocks]
    for shock in shocks:
        chance = (
            "certain"
            if shock.probability_bps >= 10_000
            else f"{shock.probability_bps / 100:g} % chance each year"
        )
        years = (
            f"year {shock.from_year}"
            if shock.from_year == shock.to_year
            else f"years {shock.from_year}-{shock.to_year}"
        )
        out.append(
            f"Modelled: {shock.reason or 'a bad stretch'} ({chance}, {years}, revenue "
            f"-{shock.haircut_bps / 100:g} %)."
        )
    for stream in spec.revenue.streams:
        rate = getattr(stream, "operator_default_bps_per_year", 0)
        if rate:
            out.append(
                f"Modelled: the operator of {stream.name} defaults ({rate / 100:g} % a year); "
                "payouts stop during the standstill and part of the receipts is lost after it."
            )
    return out


def _p_loss(classes: tuple[Any, ...], name: str) -> float:
    return float(next(c.p_loss for c in classes if c.name == name))


def invest(
    spec: DealSpec,
    amount: int,
    tranche: str | None = None,
    paths: int = 10_000,
    seed: int = 0,
    paid_day: int | None = None,
) -> Investment:
    """The what-if of investing ``amount`` (settlement smallest units) in ``spec``."""
    cls = _class(spec, tranche)
    _check_amount(spec, cls, amount)
    tokens, cost = _tokens(spec, cls, amount)
    if tokens == 0:
        raise TokenizerError("--amount buys no token base unit at the sale price")
    risk = run_risk(spec, paths, seed, paid_day=paid_day)
    years = risk.timing.payout_years()
    ppy = spec.revenue.periods_per_year
    per_year: list[npt.NDArray[np.int64]] = []
    irr: list[npt.NDArray[np.float64]] = []
    g = math.gcd(tokens, cls.supply)
    num, den = tokens // g, cls.supply // g
    for chunk in chunks(spec, paths, seed):
        paid = chunk.paid[:, :, cls.index]
        if int(paid.max(initial=0)) * num >= 2**63:  # too big for int64: exact Python ints
            mine = (paid.astype(object) * num // den).astype(np.int64)
        else:
            mine = paid * num // den  # the investor's share, floored as the token pays it
        per_year.append(mine.reshape(mine.shape[0], -1, ppy).sum(axis=2))
        irr.append(xirr_paths(cost, mine, years))
    by_year = np.concatenate(per_year)
    total = by_year.sum(axis=1)
    rates = np.concatenate(irr)
    days = years * 365
    bands = []
    for y in range(by_year.shape[1]):
        q = quantiles(by_year[:, y], (0.05, 0.5, 0.95))
        first, last = days[y * ppy], days[(y + 1) * ppy - 1]
        bands.append(YearBand(y + 1, round(first), round(last), q[0], q[1], q[2]))
    cb = quantiles(total, (0.05, 0.5, 0.95))
    pr = quantiles(total - cost, (0.05, 0.5, 0.95))
    iq = quantiles(rates, (0.05, 0.5, 0.95))
    p_loss = float(np.count_nonzero(total < cost)) / int(total.size)
    symbol = spec.token.symbol if spec.structure is None else cls.symbol
    return Investment(
        deal=spec.id,
        cls=cls.name,
        symbol=symbol,
        money=spec.settlement.symbol,
        decimals=spec.settlement.decimals,
        token_decimals=spec.token.decimals,
        amount=amount,
        cost=cost,
        tokens=tokens,
        lockup_days=spec.compliance.lockup_days,
        paths=paths,
        years=tuple(bands),
        cash_back=(cb[0], cb[1], cb[2]),
        profit=(pr[0], pr[1], pr[2]),
        irr=(iq[0], iq[1], iq[2]),
        p_loss=p_loss,
        risks=tuple(_risks(spec, cls, risk, p_loss)),
        timing=risk.timing.describe(),
    )
