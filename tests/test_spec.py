"""Loading and validating deal specs: the seed loads, and every rule names the field it broke."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tokenizer.errors import SpecError
from tokenizer.spec import (
    COUNTRY_NUMERIC,
    EU_MEMBERS,
    HotelStream,
    HotSpringStream,
    IceSnowStream,
    load_spec,
    parse_amount,
)

SEED = Path(__file__).resolve().parent.parent / "seeds" / "xiaoping_island.yaml"


def seed_data() -> dict[str, Any]:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write(tmp_path: Path, data: object, name: str = "deal.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def mutated(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = copy.deepcopy(seed_data())
    change(data)
    return write(tmp_path, data)


def setter(dotted: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A change that sets ``a.b[2].c`` to ``value`` in the seed data."""

    def change(data: dict[str, Any]) -> None:
        node: Any = data
        parts = _parts(dotted)
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = value

    return change


def remover(dotted: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node: Any = data
        parts = _parts(dotted)
        for part in parts[:-1]:
            node = node[part]
        del node[parts[-1]]

    return change


def _parts(dotted: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in dotted.split("."):
        name, _, index = piece.partition("[")
        parts.append(name)
        if index:
            parts.append(int(index.rstrip("]")))
    return parts


def rejected(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> SpecError:
    path = mutated(tmp_path, change)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = info.value.user_message
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    return info.value


# --------------------------------------------------------------------------------------------
# The seed.
# --------------------------------------------------------------------------------------------


def test_seed_loads_with_the_deal_numbers_it_states() -> None:
    spec = load_spec(SEED)
    assert spec.id == "xiaoping_island"
    assert spec.token.supply == 40_000_000 * 10**18
    assert spec.token.revenue_share_bps == 3000
    assert spec.token.term_years == 20
    assert spec.settlement.fx_per_unit == Decimal("7.04")
    assert spec.offering.price == 1_000_000
    assert spec.offering.hard_cap == 40_000_000 * 10**6
    assert spec.investors.count == 200
    assert set(spec.investors.jurisdictions) == {"HK", "SG", "EU", "US"}
    assert [type(s) for s in spec.revenue.streams] == [HotelStream, HotSpringStream, IceSnowStream]
    hotel = spec.revenue.streams[0]
    assert isinstance(hotel, HotelStream)
    assert hotel.adr == 68_000  # 680 yuan in fen
    assert len(spec.sources) >= 3
    assert spec.path == SEED


def test_seed_term_is_240_monthly_periods() -> None:
    assert load_spec(SEED).periods == 20 * 12


def test_seed_investors_can_fill_the_hard_cap() -> None:
    spec = load_spec(SEED)
    inv, offering = spec.investors, spec.offering
    mean_budget = (inv.budget_min + inv.budget_max) // 2
    assert inv.count * mean_budget >= offering.hard_cap
    assert inv.count * min(inv.budget_max, offering.max_purchase) >= offering.hard_cap
    assert inv.budget_min >= offering.min_purchase


def test_seed_sells_the_whole_supply_at_the_hard_cap() -> None:
    spec = load_spec(SEED)
    assert (
        spec.offering.hard_cap * 10**spec.token.decimals == spec.token.supply * spec.offering.price
    )


def test_dataclasses_are_frozen() -> None:
    spec = load_spec(SEED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.token.supply = 1  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# The file itself.
# --------------------------------------------------------------------------------------------


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"nope\.yaml: file: does not exist"):
        load_spec(tmp_path / "nope.yaml")


def test_file_that_is_not_yaml_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: [unclosed\nname: x\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"file: is not valid YAML: .*line \d+"):
        load_spec(path)


def test_file_that_is_not_a_mapping_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, ["a", "list"])
    with pytest.raises(SpecError, match=r"\(top level\): must be a mapping of fields, got a list"):
        load_spec(path)


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing here\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"must be a mapping of fields, got nothing"):
        load_spec(path)


def test_duplicate_key_is_rejected(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace(
        "  term_years: 20", "  term_years: 20\n  term_years: 25", 1
    )
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=r"duplicate key 'term_years'"):
        load_spec(path)


# --------------------------------------------------------------------------------------------
# Missing, unknown and mistyped fields.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["id", "sources", "token", "token.supply", "settlement.fx_per_unit", "offering.hard_cap",
     "investors.count", "revenue.streams", "revenue.streams[0].rooms",
     "revenue.streams[2].visitors_per_season"],
)  # fmt: skip
def test_missing_required_field_is_rejected(tmp_path: Path, field: str) -> None:
    error = rejected(tmp_path, remover(field))
    assert error.field == field
    assert error.problem == "is required but missing"


def test_unknown_field_is_rejected_with_a_suggestion(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("token.symbl", "XPD"))
    assert error.field == "token.symbl"
    assert "unknown field" in error.problem
    assert "did you mean 'symbol'?" in error.problem


def test_unknown_top_level_field_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("colour", "blue"))
    assert error.field == "colour"
    assert error.problem.startswith("unknown field")


def test_field_of_another_stream_kind_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[1].rooms", 10))
    assert error.field == "revenue.streams[1].rooms"
    assert "unknown field" in error.problem


def test_unknown_stream_kind_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[0].kind", "casino"))
    assert error.field == "revenue.streams[0].kind"


def test_empty_value_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("token.name", None))
    assert error.field == "token.name"
    assert "is empty" in error.problem


def test_text_where_a_whole_number_belongs_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("token.term_years", "twenty"))
    assert error.field == "token.term_years"
    assert error.problem == "must be a whole number, got the text 'twenty'"


def test_boolean_is_not_accepted_as_a_number(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("investors.count", True))
    assert error.field == "investors.count"


def test_list_where_a_section_belongs_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("offering", [1, 2]))
    assert error.field == "offering"
    assert "must be a mapping" in error.problem


def test_id_must_be_a_slug(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("id", "Xiaoping Island!"))
    assert error.field == "id"


def test_symbol_must_be_short_and_alphanumeric(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("token.symbol", "XP-D"))
    assert error.field == "token.symbol"


# --------------------------------------------------------------------------------------------
# Ranges: zero, negative, overflow, absurd, percentages.
# --------------------------------------------------------------------------------------------


def test_zero_supply_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("token.supply", 0))
    assert error.field == "token.supply"
    assert error.problem == "must be greater than zero, got 0"


def test_negative_price_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("offering.price", "-1.00"))
    assert error.field == "offering.price"
    assert "must not be negative" in error.problem


def test_zero_term_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("token.term_years", 0))
    assert error.field == "token.term_years"
    assert error.problem == "must be greater than zero, got 0"


def test_supply_that_overflows_uint256_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("token.supply", str(2**256)))
    assert error.field == "token.supply"
    assert "does not fit in a uint256" in error.problem


def test_absurdly_large_hard_cap_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("offering.hard_cap", "1e16"))
    assert error.field == "offering.hard_cap"
    assert "absurdly large" in error.problem


def test_infinite_amount_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("offering.soft_cap", float("inf")))
    assert error.field == "offering.soft_cap"
    assert "finite" in error.problem


def test_absurd_fx_rate_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("settlement.fx_per_unit", 0))
    assert error.field == "settlement.fx_per_unit"


@pytest.mark.parametrize("value", [0, 10_001, -5])
def test_revenue_share_out_of_range_is_rejected(tmp_path: Path, value: int) -> None:
    error = rejected(tmp_path, setter("token.revenue_share_bps", value))
    assert error.field == "token.revenue_share_bps"
    assert "between 1 and 10000 basis points (0.01 % to 100 %)" in error.problem


def test_net_margin_above_100_percent_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.net_margin_bps", 12_000))
    assert error.field == "revenue.net_margin_bps"


def test_occupancy_above_100_percent_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[0].occupancy_bps", 10_500))
    assert error.field == "revenue.streams[0].occupancy_bps"


def test_start_occupancy_above_steady_occupancy_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[0].start_occupancy_bps", 7000))
    assert error.field == "revenue.streams[0].start_occupancy_bps"
    assert error.problem == "must not exceed occupancy_bps (7000 > 6500)"


def test_periods_per_year_that_does_not_divide_twelve_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.periods_per_year", 5))
    assert error.field == "revenue.periods_per_year"


def test_stream_opening_after_the_term_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[0].start_year", 21))
    assert error.field == "revenue.streams[0].start_year"


# --------------------------------------------------------------------------------------------
# Cross-field rules.
# --------------------------------------------------------------------------------------------


def test_soft_cap_above_hard_cap_is_rejected(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["offering"]["soft_cap"] = "600"
        data["offering"]["hard_cap"] = "500"
        data["offering"]["min_purchase"] = "10"
        data["offering"]["max_purchase"] = "100"

    error = rejected(tmp_path, change)
    assert error.field == "offering.soft_cap"
    assert error.problem == "must not exceed offering.hard_cap (600000000 > 500000000)"


def test_hard_cap_above_the_priced_supply_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("offering.hard_cap", "40000000.01"))
    assert error.field == "offering.hard_cap"
    assert error.problem == (
        "must not exceed token.supply at offering.price (40000000010000 > 40000000000000)"
    )


def test_min_purchase_above_max_purchase_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("offering.min_purchase", "2000000"))
    assert error.field == "offering.min_purchase"
    assert "must not exceed offering.max_purchase" in error.problem


def test_max_purchase_above_hard_cap_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("offering.max_purchase", "50000000"))
    assert error.field == "offering.max_purchase"


def test_budget_min_above_budget_max_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("investors.budget_min", "600000"))
    assert error.field == "investors.budget_min"
    assert "must not exceed investors.budget_max" in error.problem


def test_jurisdiction_weights_must_sum_to_100(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("investors.jurisdictions.US", 10))
    assert error.field == "investors.jurisdictions"
    assert error.problem == "weights must sum to 100 (percent), got 95"


def test_class_weights_must_sum_to_100(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("investors.classes.retail", 30))
    assert error.field == "investors.classes"
    assert "must sum to 100" in error.problem


def test_unknown_investor_class_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("investors.classes.whale", 0))
    assert error.field == "investors.classes"
    assert "unknown investor class 'whale'" in error.problem


def test_negative_weight_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("investors.classes.retail", -10))
    assert error.field == "investors.classes.retail"


def test_unknown_country_code_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("compliance.allowed_countries", ["HK", "XX"]))
    assert error.field == "compliance.allowed_countries[1]"
    assert "unknown country code 'XX'" in error.problem


def test_unknown_jurisdiction_is_rejected(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["investors"]["jurisdictions"] = {"HK": 50, "ZZ": 50}

    error = rejected(tmp_path, change)
    assert error.field == "investors.jurisdictions"
    assert "unknown country code 'ZZ'" in error.problem


def test_lower_case_country_code_gets_a_hint(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("compliance.blocked_countries", ["cn"]))
    assert "codes are upper case: 'CN'" in error.problem


def test_unquoted_norway_is_explained(tmp_path: Path) -> None:
    path = mutated(tmp_path, lambda data: None)
    text = path.read_text(encoding="utf-8").replace("- CN", "- NO")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.field == "compliance.blocked_countries[0]"
    assert "quote it" in info.value.problem


def test_country_both_allowed_and_blocked_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("compliance.blocked_countries", ["US"]))
    assert error.field == "compliance.blocked_countries"
    assert error.problem == "US is also in compliance.allowed_countries"


def test_revenue_currency_that_differs_from_the_model_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("settlement.revenue_currency", "HKD"))
    assert error.field == "settlement.revenue_currency"
    assert error.problem == "must equal revenue.currency (HKD != CNY)"


def test_seasonality_that_does_not_average_one_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[1].seasonality[0]", "1.60"))
    assert error.field == "revenue.streams[1].seasonality"
    assert "must average 1 (sum to 12), got a sum of 12.10" in error.problem


def test_seasonality_needs_twelve_months(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[0].seasonality", ["1"] * 11))
    assert error.field == "revenue.streams[0].seasonality"


def test_ice_and_snow_season_outside_winter_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[2].season_months", [12, 7]))
    assert error.field == "revenue.streams[2].season_months[1]"
    assert "winter only" in error.problem


def test_shock_beyond_the_term_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.shocks[0].to_year", 21))
    assert error.field == "revenue.shocks[0].to_year"


def test_shock_ending_before_it_starts_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[1].shocks[0].from_year", 9))
    assert error.field == "revenue.streams[1].shocks[0].from_year"
    assert error.problem == "must not be after to_year (9 > 7)"


def test_two_streams_with_one_name_are_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[1].name", "medical_nursing_hotels"))
    assert error.field == "revenue.streams[1].name"


# --------------------------------------------------------------------------------------------
# Exact money.
# --------------------------------------------------------------------------------------------


def test_decimal_amounts_are_converted_exactly(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["offering"]["price"] = "0.123456"
        data["offering"]["hard_cap"] = 4938240  # an int: 40 M tokens at 0.123456
        data["offering"]["soft_cap"] = 0.1  # a YAML float means its decimal text
        data["offering"]["min_purchase"] = "0.1"
        data["revenue"]["streams"][0]["adr"] = "679.99"

    spec = load_spec(mutated(tmp_path, change))
    assert spec.offering.price == 123_456
    assert spec.offering.hard_cap == 4_938_240_000_000
    assert spec.offering.soft_cap == 100_000
    assert spec.offering.min_purchase == 100_000
    stream = spec.revenue.streams[0]
    assert isinstance(stream, HotelStream)
    assert stream.adr == 67_999


def test_amount_with_more_decimals_than_the_currency_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("offering.price", "1.0000001"))
    assert error.field == "offering.price"
    assert error.problem == "has more decimal places than USDC allows (6), got '1.0000001'"


def test_yuan_price_with_three_decimals_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("revenue.streams[1].ticket", "198.005"))
    assert error.field == "revenue.streams[1].ticket"
    assert "more decimal places" in error.problem


def test_trailing_zeros_beyond_the_decimals_are_fine() -> None:
    assert parse_amount("1.500000000", 6) == 1_500_000


def test_amount_that_is_not_a_number_is_rejected(tmp_path: Path) -> None:
    error = rejected(tmp_path, setter("offering.price", "one dollar"))
    assert error.field == "offering.price"
    assert "must be a number or a decimal string" in error.problem


@given(units=st.integers(min_value=0, max_value=10**40), decimals=st.integers(0, 18))
def test_parse_amount_round_trips_any_exact_decimal(units: int, decimals: int) -> None:
    digits = str(units).rjust(decimals + 1, "0")
    text = f"{digits[: len(digits) - decimals]}.{digits[len(digits) - decimals :]}"
    assert parse_amount(text, decimals) == units


# --------------------------------------------------------------------------------------------
# Compliance defaults and country tables.
# --------------------------------------------------------------------------------------------


def test_compliance_defaults_apply_when_the_section_is_omitted(tmp_path: Path) -> None:
    spec = load_spec(mutated(tmp_path, remover("compliance")))
    assert spec.compliance.blocked_countries == ("CN",)
    assert {"HK", "SG", "US", *EU_MEMBERS} == set(spec.compliance.allowed_countries)
    assert spec.compliance.kyc_valid_days == 365


def test_eu_in_allowed_countries_expands_to_the_member_states() -> None:
    allowed = load_spec(SEED).compliance.allowed_countries
    assert "EU" not in allowed
    assert set(EU_MEMBERS) <= set(allowed)


def test_country_table_has_numeric_codes_for_every_named_country() -> None:
    assert len(EU_MEMBERS) == 27
    assert {
        "HK": 344,
        "SG": 702,
        "US": 840,
        "CN": 156,
        "GB": 826,
    }.items() <= COUNTRY_NUMERIC.items()
    assert all(code in COUNTRY_NUMERIC for code in EU_MEMBERS)
    assert COUNTRY_NUMERIC["DE"] == 276
    assert COUNTRY_NUMERIC["GR"] == 300
