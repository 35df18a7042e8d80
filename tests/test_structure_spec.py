"""The ``structure:`` section: a deal without it is unchanged; each rule names its field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.test_spec import SEED, seed_data, write
from tokenizer.errors import SpecError
from tokenizer.spec import load_spec

# The seed's hard cap is 40,000,000 USDC: a 38.8 M senior and a 1.2 M junior.
STRUCTURE: dict[str, Any] = {
    "fees": [
        {"name": "servicer", "bps_per_year": 20},
        {"name": "trustee", "amount_per_year": "50000.00"},
    ],
    "tranches": [
        {
            "name": "senior",
            "symbol": "XPS",
            "size": "38800000.00",
            "coupon_bps": 500,
            "amortisation": "straight_line",
            "interest_shortfall": "accrue",
            "min_investor_class": "retail",
        },
        {
            "name": "junior",
            "symbol": "XPJ",
            "size": "1200000.00",
            "residual": True,
            "min_investor_class": "professional",
        },
    ],
    "reserve": {"target_bps_of_senior": 300, "initial": "100000.00"},
    "guarantors": [
        {
            "name": "Dalian bank guarantee",
            "covers": "senior",
            "per_period_limit": "500000.00",
            "total_limit": "5000000.00",
            "repaid_from_collections": True,
        }
    ],
    "triggers": [
        {
            "metric": "dscr",
            "below_bps": 11000,
            "periods": 2,
            "action": "trap_cash",
            "cure_periods": 3,
        }
    ],
}


def structured(tmp_path: Path, change: Callable[[dict[str, Any]], None] | None = None) -> Path:
    data = seed_data()
    data["structure"] = copy.deepcopy(STRUCTURE)
    if change is not None:
        change(data["structure"])
    return write(tmp_path, data)


def refused(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> str:
    with pytest.raises(SpecError) as caught:
        load_spec(structured(tmp_path, change))
    message = caught.value.user_message
    assert "\n" not in message
    return message


def test_a_deal_without_structure_is_a_single_class() -> None:
    assert load_spec(SEED).structure is None


def test_the_structure_is_read_in_exact_smallest_units(tmp_path: Path) -> None:
    s = load_spec(structured(tmp_path)).structure
    assert s is not None
    senior, junior = s.tranches
    assert senior.size == 38_800_000_000_000 and junior.size == 1_200_000_000_000
    assert senior.supply == 38_800_000 * 10**18  # one token per whole USDC of principal
    assert senior.coupon_bps == 500 and senior.amortisation == "straight_line"
    assert senior.interest_accrues and not senior.residual
    assert junior.residual and junior.min_investor_class == "professional"
    assert s.fees[0].bps_per_year == 20 and s.fees[1].amount_per_year == 50_000_000_000
    assert s.reserve is not None and s.reserve.target_bps_of_senior == 300
    assert s.reserve.initial == 100_000_000_000
    g = s.guarantors[0]
    assert (g.covers, g.per_period_limit, g.total_limit, g.repaid) == (
        0,
        500_000_000_000,
        5_000_000_000_000,
        True,
    )
    t = s.triggers[0]
    assert (t.metric, t.below_bps, t.periods, t.action, t.cure_periods) == (
        "dscr",
        11000,
        2,
        "trap_cash",
        3,
    )


def test_a_schedule_is_read_as_bps_per_period(tmp_path: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["tranches"][0]["amortisation"] = {"schedule": [2500, 2500, 5000]}

    spec = load_spec(structured(tmp_path, change)).structure
    assert spec is not None
    assert spec.tranches[0].amortisation == "schedule"
    assert spec.tranches[0].schedule == (2500, 2500, 5000)


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(s: dict[str, Any]) -> None:
        node: Any = s
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if value is _DROP:
            del node[last]
        else:
            node[last] = value

    return change


def _as_residual(path: str) -> Callable[[dict[str, Any]], None]:
    def change(s: dict[str, Any]) -> None:
        tranche = s["tranches"][int(path.split(".")[1])]
        for key in ("coupon_bps", "amortisation", "interest_shortfall"):
            del tranche[key]
        tranche["residual"] = True

    return change


_DROP = object()


def _as_note(path: str) -> Callable[[dict[str, Any]], None]:
    """Turns the residual tranche into a note (coupon and amortisation, no residual flag)."""

    def change(s: dict[str, Any]) -> None:
        tranche = s["tranches"][int(path.split(".")[1])]
        del tranche["residual"]
        tranche.update(coupon_bps=800, amortisation="bullet")

    return change


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (_set("tranches.0.size", "38000000.00"), "tranches", "add up to offering.hard_cap"),
        (
            _set("tranches.0.amortisation", _DROP),
            "tranches[0].amortisation",
            "needs an amortisation",
        ),
        (
            _set("tranches.0.amortisation", "balloon"),
            "tranches[0].amortisation",
            "bullet, straight_line",
        ),
        (
            _set("tranches.0.amortisation", {"schedule": [5000, 4000]}),
            "tranches[0].amortisation.schedule",
            "add up to 10000",
        ),
        (
            _set("tranches.0.amortisation", {"schedule": [1] * 239 + [10000 - 239, 0]}),
            "tranches[0].amortisation.schedule",
            "the deal has 240",
        ),
        (
            _set("tranches.0.interest_shortfall", "forgive"),
            "tranches[0].interest_shortfall",
            "accrue, lapse",
        ),
        (
            _set("tranches.0.min_investor_class", "whale"),
            "tranches[0].min_investor_class",
            "unknown investor class",
        ),
        (_set("tranches.0.coupn_bps", 500), "tranches[0].coupn_bps", "did you mean 'coupon_bps'"),
        (_as_note("tranches.1"), "tranches[1].residual", "must be residual: true"),
        (_as_residual("tranches.0"), "tranches[0].residual", "only the last tranche"),
        (_set("tranches.1.coupon_bps", 100), "tranches[1].coupon_bps", "no coupon"),
        (_set("tranches.1.name", "senior"), "tranches[1].name", "used twice"),
        (_set("tranches.1.symbol", "xps"), "tranches[1].symbol", "used twice"),
        (_set("tranches.1.symbol", "XPDR"), "tranches[1].symbol", "must differ from token.symbol"),
        (_set("tranches", []), "tranches", "must not be empty"),
        (_set("fees.0.amount_per_year", "1.00"), "fees[0]", "exactly one of"),
        (_set("fees.1.amount_per_year", "1.0000001"), "fees[1].amount_per_year", "decimal places"),
        (_set("fees.1.name", "servicer"), "fees[1].name", "used twice"),
        (_set("reserve.target", "1.00"), "reserve", "exactly one of"),
        (_set("reserve.initial", "-1"), "reserve.initial", "negative"),
        (_set("guarantors.0.covers", "junior"), "guarantors[0].covers", "not residual"),
        (
            _set("guarantors.0.per_period_limit", "6000000.00"),
            "guarantors[0].per_period_limit",
            "must not exceed total_limit",
        ),
        (_set("triggers.0.metric", "ltv"), "triggers[0].metric", "unknown metric"),
        (_set("triggers.0.action", "panic"), "triggers[0].action", "unknown action"),
        (_set("triggers.0.periods", 0), "triggers[0].periods", "greater than zero"),
        (_set("triggers.0.cure_periods", 241), "triggers[0].cure_periods", "at most 240"),
    ],
)
def test_a_bad_structure_is_refused_with_one_line_naming_the_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], field: str, words: str
) -> None:
    message = refused(tmp_path, change)
    assert f": structure.{field}: " in message
    assert words in message


def test_a_structure_with_only_the_residual_is_refused(tmp_path: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["tranches"] = [s["tranches"][1]]
        s["tranches"][0]["size"] = "40000000.00"
        del s["guarantors"]

    assert ": structure.tranches: must list at least two tranches" in refused(tmp_path, change)


def test_more_fees_or_guarantors_than_the_waterfall_keeps_are_refused(tmp_path: Path) -> None:
    def nine_fees(s: dict[str, Any]) -> None:
        s["fees"] = [{"name": f"fee {n}", "bps_per_year": 1} for n in range(9)]

    def nine_guarantors(s: dict[str, Any]) -> None:
        s["guarantors"] = [dict(s["guarantors"][0], name=f"bank {n}") for n in range(9)]

    assert "structure.fees: lists 9 entries, at most 8" in refused(tmp_path, nine_fees)
    assert "structure.guarantors: lists 9 entries, at most 8" in refused(tmp_path, nine_guarantors)
