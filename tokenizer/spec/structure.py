"""The ``structure`` section: tranches paid through a waterfall, with credit enhancement.

A deal without ``structure:`` is one revenue-share class, as before. With it, the raise
(``offering.hard_cap``) is split into tranches, most senior first, paid each period in the
deal's order by :mod:`tokenizer.finance.waterfall` (and on chain by ``contracts/waterfall``):
fees, each rated tranche's interest and principal (the reserve is filled after the most senior
tranche), guarantor repayments, then the residual (junior) tranche. Amounts are settlement
amounts (like ``offering``), rates basis points. The shape is in ``notes/STRUCTURE_SCHEMA.md``.
"""

from __future__ import annotations

import re
from typing import Final

from tokenizer.spec.fields import Section, check_int
from tokenizer.spec.model import (
    FeeSpec,
    GuarantorSpec,
    OfferingSpec,
    ReserveSpec,
    SettlementSpec,
    StructureSpec,
    TokenSpec,
    TrancheSpec,
    TriggerSpec,
)
from tokenizer.spec.reference import BPS, INVESTOR_CLASSES
from tokenizer.spec.values import describe

__all__ = [
    "AMORTISATIONS",
    "METRICS",
    "STRUCTURE_FIELDS",
    "TRIGGER_ACTIONS",
    "read_structure",
]

STRUCTURE_FIELDS: Final = ("fees", "tranches", "reserve", "guarantors", "triggers")
_FEE_FIELDS: Final = ("name", "bps_per_year", "amount_per_year")
_TRANCHE_FIELDS: Final = (
    "name", "symbol", "size", "coupon_bps", "amortisation", "interest_shortfall",
    "min_investor_class", "residual",
)  # fmt: skip
_RESERVE_FIELDS: Final = ("target_bps_of_senior", "target", "initial")
_GUARANTOR_FIELDS: Final = (
    "name", "covers", "per_period_limit", "total_limit", "repaid_from_collections",
)  # fmt: skip
_TRIGGER_FIELDS: Final = ("metric", "below_bps", "periods", "action", "cure_periods")

AMORTISATIONS: Final = ("bullet", "straight_line", "schedule")
SHORTFALLS: Final = ("accrue", "lapse")
METRICS: Final = ("dscr",)
TRIGGER_ACTIONS: Final = ("trap_cash", "accelerate_senior")
_SYMBOL: Final = re.compile(r"[A-Za-z0-9]{1,11}")


def read_structure(
    s: Section,
    token: TokenSpec,
    settlement: SettlementSpec,
    offering: OfferingSpec,
    periods: int,
) -> StructureSpec:
    """The structure of a deal of ``periods`` revenue periods, or :class:`SpecError`."""
    dec, unit = settlement.decimals, settlement.symbol
    tranches = tuple(
        _tranche(_item(s, "tranches", i, item, _TRANCHE_FIELDS), token, settlement, periods)
        for i, item in enumerate(_list(s, "tranches", required=True))
    )
    if len(tranches) < 2:
        s.fail("tranches", "must list at least two tranches (a rated one, then the residual)")
    for i, t in enumerate(tranches):
        if t.residual and i != len(tranches) - 1:
            s.fail(f"tranches[{i}].residual", "only the last tranche may be the residual one")
    if not tranches[-1].residual:
        s.fail(f"tranches[{len(tranches) - 1}].residual", "the last tranche must be residual: true")
    _unique(s, "tranches", "name", [t.name for t in tranches])
    _unique(s, "tranches", "symbol", [t.symbol.upper() for t in tranches])
    for i, t in enumerate(tranches):
        if t.symbol.upper() == token.symbol.upper():
            s.fail(f"tranches[{i}].symbol", f"must differ from token.symbol ({token.symbol})")
    total = sum(t.size for t in tranches)
    if total != offering.hard_cap:
        s.fail(
            "tranches",
            f"tranche sizes must add up to offering.hard_cap ({total} != {offering.hard_cap} "
            f"smallest units of {unit})",
        )
    fees = tuple(
        _fee(_item(s, "fees", i, item, _FEE_FIELDS), dec, unit)
        for i, item in enumerate(_list(s, "fees"))
    )
    _unique(s, "fees", "name", [f.name for f in fees])
    reserve = None
    if s.has("reserve"):
        reserve = _reserve(s.section("reserve", _RESERVE_FIELDS), dec, unit)
    rated = [t.name for t in tranches if not t.residual]
    guarantors = tuple(
        _guarantor(_item(s, "guarantors", i, item, _GUARANTOR_FIELDS), rated, dec, unit)
        for i, item in enumerate(_list(s, "guarantors"))
    )
    _unique(s, "guarantors", "name", [g.name for g in guarantors])
    triggers = tuple(
        _trigger(_item(s, "triggers", i, item, _TRIGGER_FIELDS), periods)
        for i, item in enumerate(_list(s, "triggers"))
    )
    return StructureSpec(
        fees=fees, tranches=tranches, reserve=reserve, guarantors=guarantors, triggers=triggers
    )


# The waterfall keeps one bit per rated tranche, fee and guarantor (Waterfall.MAX_TERMS).
MOST: Final = {"tranches": 8 + 1, "fees": 8, "guarantors": 8, "triggers": 16}


def _list(s: Section, key: str, *, required: bool = False) -> list[object]:
    if not s.has(key) and not required:
        return []
    items = s.items(key)
    if required and not items:
        s.fail(key, "must not be empty")
    most = MOST[key]
    if len(items) > most:
        what = "8 rated tranches and the residual" if key == "tranches" else f"{most}"
        s.fail(key, f"lists {len(items)} entries, at most {what}")
    return items


def _item(s: Section, key: str, i: int, value: object, allowed: tuple[str, ...]) -> Section:
    return Section(s.source, s.where(f"{key}[{i}]"), value, allowed)


def _unique(s: Section, key: str, field: str, values: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, v in enumerate(values):
        if v in seen:
            s.fail(f"{key}[{i}].{field}", f"{v!r} is used twice (also {key}[{seen[v]}])")
        seen[v] = i


def _fee(s: Section, dec: int, unit: str) -> FeeSpec:
    name = s.text("name", max_len=100)
    if s.has("bps_per_year") == s.has("amount_per_year"):
        s.fail("", "give exactly one of bps_per_year and amount_per_year")
    if s.has("bps_per_year"):
        return FeeSpec(name=name, bps_per_year=s.bps("bps_per_year", 1, BPS))
    return FeeSpec(name=name, amount_per_year=s.amount("amount_per_year", dec, unit))


def _tranche(s: Section, token: TokenSpec, settlement: SettlementSpec, periods: int) -> TrancheSpec:
    name = s.slug("name")
    symbol = s.text("symbol", pattern=_SYMBOL, shape="1 to 11 letters or digits")
    size = s.amount("size", settlement.decimals, settlement.symbol)
    residual = s.boolean("residual", default=False)
    min_class = None
    if s.has("min_investor_class"):
        min_class = s.text("min_investor_class")
        if min_class not in INVESTOR_CLASSES:
            s.fail(
                "min_investor_class",
                f"unknown investor class {min_class!r} (expected one of: "
                f"{', '.join(INVESTOR_CLASSES)})",
            )
    supply = size * token.unit // settlement.unit
    if supply * settlement.unit != size * token.unit:
        s.fail("size", "is finer than one base unit of the tranche token")
    if residual:
        for key in ("coupon_bps", "amortisation", "interest_shortfall"):
            if s.has(key):
                s.fail(key, "the residual tranche takes what is left: no coupon, no schedule")
        return TrancheSpec(
            name=name, symbol=symbol, size=size, supply=supply, residual=True,
            min_investor_class=min_class,
        )  # fmt: skip
    coupon = s.bps("coupon_bps", 0, BPS, default=0)
    if not s.has("amortisation"):
        what = "a tranche with a coupon" if coupon else "a tranche that is not residual"
        s.fail(
            "amortisation",
            f"is required: {what} needs an amortisation "
            "(bullet, straight_line or {schedule: [bps, ...]})",
        )
    kind, schedule = _amortisation(s, periods)
    shortfall = s.text("interest_shortfall", default="accrue")
    if shortfall not in SHORTFALLS:
        s.fail("interest_shortfall", f"must be one of {', '.join(SHORTFALLS)}, got {shortfall!r}")
    return TrancheSpec(
        name=name,
        symbol=symbol,
        size=size,
        supply=supply,
        coupon_bps=coupon,
        amortisation=kind,
        schedule=schedule,
        interest_accrues=shortfall == "accrue",
        min_investor_class=min_class,
    )


def _amortisation(s: Section, periods: int) -> tuple[str, tuple[int, ...]]:
    value = s.raw("amortisation")
    if isinstance(value, str):
        if value not in ("bullet", "straight_line"):
            s.fail(
                "amortisation",
                f"must be bullet, straight_line or {{schedule: [...]}}, got {value!r}",
            )
        return value, ()
    table = s.section("amortisation", ("schedule",))
    items = table.items("schedule")
    if not items:
        table.fail("schedule", "must list the bps of the principal repaid each period")
    if len(items) > periods:
        table.fail("schedule", f"has {len(items)} periods, the deal has {periods}")
    schedule = tuple(check_int(table, f"schedule[{i}]", v, 0, BPS) for i, v in enumerate(items))
    if sum(schedule) != BPS:
        table.fail("schedule", f"must add up to {BPS} bps (all the principal), got {sum(schedule)}")
    return "schedule", schedule


def _reserve(s: Section, dec: int, unit: str) -> ReserveSpec:
    if s.has("target_bps_of_senior") == s.has("target"):
        s.fail("", "give exactly one of target_bps_of_senior and target")
    initial = s.amount("initial", dec, unit, positive=False, default=0)
    if s.has("target"):
        return ReserveSpec(target=s.amount("target", dec, unit), initial=initial)
    return ReserveSpec(target_bps_of_senior=s.bps("target_bps_of_senior", 1, BPS), initial=initial)


def _guarantor(s: Section, rated: list[str], dec: int, unit: str) -> GuarantorSpec:
    name = s.text("name", max_len=100)
    covers = s.text("covers")
    if covers not in rated:
        s.fail(
            "covers",
            f"must name a tranche that is not residual ({', '.join(rated)}), got {covers!r}",
        )
    per_period = s.amount("per_period_limit", dec, unit)
    total = s.amount("total_limit", dec, unit)
    if per_period > total:
        s.fail("per_period_limit", f"must not exceed total_limit ({per_period} > {total})")
    return GuarantorSpec(
        name=name,
        covers=rated.index(covers),
        per_period_limit=per_period,
        total_limit=total,
        repaid=s.boolean("repaid_from_collections", default=False),
    )


def _trigger(s: Section, periods: int) -> TriggerSpec:
    metric = s.raw("metric")
    if metric not in METRICS:
        s.fail("metric", f"unknown metric {describe(metric)} (known: {', '.join(METRICS)})")
    action = s.raw("action")
    if action not in TRIGGER_ACTIONS:
        s.fail("action", f"unknown action {describe(action)} (known: {', '.join(TRIGGER_ACTIONS)})")
    return TriggerSpec(
        metric=str(metric),
        below_bps=s.integer("below_bps", 1, 100 * BPS),
        periods=s.integer("periods", 1, periods),
        action=str(action),
        cure_periods=s.integer("cure_periods", 1, periods),
    )
