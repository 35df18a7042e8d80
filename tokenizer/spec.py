"""Load and validate a deal spec (one YAML file per deal) into frozen dataclasses.

A deal file says what is sold (``token``), what it is paid in (``settlement``), how the primary
sale works (``offering``), who the simulated buyers are (``investors``), where the money comes
from (``revenue``) and who may hold the token (``compliance``). ``seeds/xiaoping_island.yaml`` is
the worked example and doubles as the format reference.

Rules that hold for the whole file:

* Every problem raises :class:`~tokenizer.errors.SpecError` naming the dotted field path
  (``revenue.streams[0].adr``), so the message is one line a user can act on.
* Unknown fields are errors: a typo must never be silently ignored. Duplicate keys are errors.
* Money is integer money. Amounts are written in whole currency units, as YAML numbers or
  (preferably) quoted decimal strings, and converted with :class:`decimal.Decimal` to integer
  smallest units *exactly*; an amount with more decimal places than its currency has is
  rejected rather than rounded. Settlement amounts become settlement smallest units (6 decimals
  for a USD stablecoin), token amounts become base units (18 decimals), revenue-model prices
  become the revenue currency's smallest units (fen for CNY).
* Shares are integer basis points (1 bps = 0.01 %, 10000 bps = 100 %); population mixes are
  integer percent weights that must sum to 100.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any, ClassVar, Final, NoReturn

import yaml

from tokenizer.errors import SpecError

__all__ = [
    "COUNTRY_NUMERIC",
    "CURRENCY_DECIMALS",
    "EU_MEMBERS",
    "INVESTOR_CLASSES",
    "MAX_WHOLE_UNITS",
    "PERIODS_PER_YEAR",
    "UINT256_MAX",
    "WINTER_MONTHS",
    "ComplianceSpec",
    "DealSpec",
    "HotSpringStream",
    "HotelStream",
    "IceSnowStream",
    "InvestorsSpec",
    "OfferingSpec",
    "RevenueSpec",
    "SettlementSpec",
    "ShockSpec",
    "StreamSpec",
    "TokenSpec",
    "load_spec",
    "parse_amount",
]

UINT256_MAX: Final = 2**256 - 1
#: Any money or token figure above this many *whole* units is treated as a typo, not a deal.
MAX_WHOLE_UNITS: Final = 10**15
BPS: Final = 10_000

#: The 27 member states of the European Union (ISO 3166-1 alpha-2; Greece is GR, not EL).
EU_MEMBERS: Final[tuple[str, ...]] = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)  # fmt: skip

#: ISO 3166-1 numeric codes of the countries a deal may name (the identity registry stores these).
COUNTRY_NUMERIC: Final[dict[str, int]] = {
    # The Xiaoping Island sale: offshore investors, mainland China blocked.
    "HK": 344, "SG": 702, "US": 840, "CN": 156, "GB": 826,
    # EU member states.
    "AT": 40, "BE": 56, "BG": 100, "HR": 191, "CY": 196, "CZ": 203, "DK": 208, "EE": 233,
    "FI": 246, "FR": 250, "DE": 276, "GR": 300, "HU": 348, "IE": 372, "IT": 380, "LV": 428,
    "LT": 440, "LU": 442, "MT": 470, "NL": 528, "PL": 616, "PT": 620, "RO": 642, "SK": 703,
    "SI": 705, "ES": 724, "SE": 752,
    # Other financial centres a deal is likely to mention.
    "MO": 446, "TW": 158, "JP": 392, "KR": 410, "AU": 36, "NZ": 554, "CA": 124, "CH": 756,
    "NO": 578, "AE": 784,
}  # fmt: skip

#: Decimal places of the currencies a revenue model may be written in.
CURRENCY_DECIMALS: Final[dict[str, int]] = {
    "CNY": 2, "HKD": 2, "SGD": 2, "USD": 2, "EUR": 2, "GBP": 2, "JPY": 0,
}  # fmt: skip

INVESTOR_CLASSES: Final[tuple[str, ...]] = ("retail", "professional", "accredited", "institutional")

#: Months in which an ice-and-snow venue can open (northern-hemisphere winter, November-March).
WINTER_MONTHS: Final[frozenset[int]] = frozenset({11, 12, 1, 2, 3})

#: Period lengths the revenue model supports (periods per year dividing 12 months evenly).
PERIODS_PER_YEAR: Final[tuple[int, ...]] = (1, 2, 3, 4, 6, 12)

_SLUG = re.compile(r"[a-z0-9_]+")
_SYMBOL = re.compile(r"[A-Za-z0-9]{1,11}")
_MISSING: Final[Any] = object()
_FLAT_SEASON: Final[tuple[Decimal, ...]] = (Decimal(1),) * 12


# --------------------------------------------------------------------------------------------
# The dataclasses other modules use.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TokenSpec:
    """The revenue-share token; one token is one unit share of the holders' revenue slice."""

    name: str
    symbol: str
    decimals: int = 18
    supply: int  # base units: whole tokens * 10**decimals
    revenue_share_bps: int  # share of net revenue paid to holders, 1..10000
    term_years: int

    @property
    def unit(self) -> int:
        """Base units in one whole token."""
        return int(10**self.decimals)


@dataclass(frozen=True, kw_only=True)
class SettlementSpec:
    """The stablecoin buyers pay with and holders are paid in."""

    name: str
    symbol: str
    decimals: int = 6
    fx_per_unit: Decimal  # revenue-currency units per one settlement unit (CNY per USD)
    revenue_currency: str

    @property
    def unit(self) -> int:
        """Smallest units in one whole settlement unit."""
        return int(10**self.decimals)


@dataclass(frozen=True, kw_only=True)
class OfferingSpec:
    """The primary sale; every amount is in settlement smallest units."""

    price: int  # per whole token
    soft_cap: int
    hard_cap: int
    min_purchase: int
    max_purchase: int
    duration_days: int


@dataclass(frozen=True, kw_only=True)
class InvestorsSpec:
    """The simulated investor population."""

    count: int
    jurisdictions: dict[str, int]  # alpha-2 code or "EU" (a random member state) -> percent
    classes: dict[str, int]  # retail/professional/accredited/institutional -> percent
    budget_min: int  # settlement smallest units
    budget_max: int


@dataclass(frozen=True, kw_only=True)
class ComplianceSpec:
    """Who may hold the token. ``"EU"`` in the file is expanded to the member states here."""

    allowed_countries: tuple[str, ...] = ("HK", "SG", *EU_MEMBERS, "US")
    blocked_countries: tuple[str, ...] = ("CN",)
    kyc_valid_days: int = 365
    us_accredited_only: bool = True
    max_holders: int = 0  # 0 = no limit
    max_balance: int = 0  # token base units per investor, 0 = no limit
    lockup_days: int = 0  # after a primary purchase


@dataclass(frozen=True, kw_only=True)
class ShockSpec:
    """A bad stretch: revenue is cut by ``haircut_bps`` in term years ``from_year..to_year``.

    With ``probability_bps`` below 10000 the cut is not certain: each year of the range, on each
    simulated path, it happens with that probability (a pandemic year, a typhoon, a travel ban).
    """

    from_year: int  # 1-based term year, inclusive
    to_year: int  # inclusive
    haircut_bps: int
    probability_bps: int = BPS
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class StreamSpec:
    """Fields every revenue stream has. Years are 1-based term years."""

    kind: ClassVar[str] = ""
    name: str
    start_year: int = 1  # the venue opens at the start of this term year; no revenue before
    ramp_years: int = 0  # years from opening to steady state (linear, month by month)
    growth_bps: int = 0  # annual growth of prices, compounding from term year 1
    shocks: tuple[ShockSpec, ...] = ()


@dataclass(frozen=True, kw_only=True)
class HotelStream(StreamSpec):
    """Rooms x occupancy x average daily rate x days, plus ancillary (care, food) revenue."""

    kind: ClassVar[str] = "hotel"
    rooms: int
    adr: int  # average daily rate, revenue-currency smallest units
    occupancy_bps: int  # steady-state annual average
    start_occupancy_bps: int  # at opening; ramps linearly to occupancy_bps over ramp_years
    ancillary_bps: int = 0  # other revenue as a share of room revenue
    seasonality: tuple[Decimal, ...] = _FLAT_SEASON  # Jan..Dec occupancy factors, mean 1


@dataclass(frozen=True, kw_only=True)
class HotSpringStream(StreamSpec):
    """Visitors x (ticket + spend per visitor), year-round with a winter peak."""

    kind: ClassVar[str] = "hot_spring"
    visitors_per_year: int  # steady state
    ticket: int  # revenue-currency smallest units
    spend_per_visitor: int = 0
    start_level_bps: int = BPS  # visitors at opening as a share of steady state
    seasonality: tuple[Decimal, ...] = _FLAT_SEASON  # Jan..Dec visitor factors, mean 1


@dataclass(frozen=True, kw_only=True)
class IceSnowStream(StreamSpec):
    """Visitors x (ticket + spend) in the winter season only, spread evenly over its months."""

    kind: ClassVar[str] = "ice_snow"
    visitors_per_season: int  # steady state
    ticket: int
    spend_per_visitor: int = 0
    start_level_bps: int = BPS
    season_months: tuple[int, ...] = (12, 1, 2)


@dataclass(frozen=True, kw_only=True)
class RevenueSpec:
    """The stochastic revenue model of the underlying assets (see ``tokenizer.revenue``)."""

    currency: str
    periods_per_year: int = 12
    net_margin_bps: int  # operating margin turning gross revenue into net revenue
    streams: tuple[StreamSpec, ...]
    volatility_bps: int  # per-period, per-stream log-normal noise (sigma)
    annual_volatility_bps: int = 0  # persistent demand level: a yearly log random walk (sigma)
    start_month: int = 1  # calendar month (1..12) of the first period, for seasonality
    shocks: tuple[ShockSpec, ...] = ()  # hit every stream at once
    currency_decimals: int = 2

    @property
    def months_per_period(self) -> int:
        return 12 // self.periods_per_year


@dataclass(frozen=True, kw_only=True)
class DealSpec:
    """A validated deal."""

    id: str  # slug [a-z0-9_]+, used in file names
    name: str
    summary: str
    token: TokenSpec
    settlement: SettlementSpec
    offering: OfferingSpec
    investors: InvestorsSpec
    revenue: RevenueSpec
    compliance: ComplianceSpec
    sources: tuple[str, ...]
    path: Path

    @property
    def periods(self) -> int:
        """The whole term in revenue periods."""
        return self.token.term_years * self.revenue.periods_per_year


# --------------------------------------------------------------------------------------------
# Exact amounts.
# --------------------------------------------------------------------------------------------


def parse_amount(value: object, decimals: int, unit: str = "the currency") -> int:
    """Convert a whole-unit amount (int, float or decimal string) to integer smallest units.

    Exact: ``"1.5"`` with 6 decimals is ``1500000``. Raises :class:`ValueError` with a short
    problem text when the value is not a number, not finite, negative, has more decimal places
    than ``decimals``, or does not fit in a uint256. Floats are read through their shortest
    ``repr`` (YAML ``0.1`` means the decimal 0.1), so no binary noise leaks in.
    """
    number = _to_decimal(value)
    if number < 0:
        raise ValueError(f"must not be negative, got {_show(value)}")
    if number.adjusted() > 80:
        raise ValueError("does not fit in a uint256 (more than 2**256 - 1 smallest units)")
    with localcontext() as ctx:
        ctx.prec = 250
        scaled = number.scaleb(decimals)
        if scaled != scaled.to_integral_value():
            raise ValueError(
                f"has more decimal places than {unit} allows ({decimals}), got {_show(value)}"
            )
        result = int(scaled)
    if result > UINT256_MAX:
        raise ValueError("does not fit in a uint256 (more than 2**256 - 1 smallest units)")
    return result


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"must be a number or a decimal string, got {_describe(value)}")
    if isinstance(value, str) and len(value) > 100:
        raise ValueError("must be a number or a decimal string, got a very long text")
    text = repr(value) if isinstance(value, float) else value
    try:
        number = Decimal(text.strip()) if isinstance(text, str) else Decimal(text)
    except InvalidOperation:
        raise ValueError(f"must be a number or a decimal string, got {_describe(value)}") from None
    if not number.is_finite():
        raise ValueError(f"must be a finite number, got {_show(value)}")
    return number


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------------------------
# YAML reading.
# --------------------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys (YAML would silently keep the last one)."""


def _construct_unique_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:  # an unhashable key; construct_mapping reports it
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_unique_mapping,
)


def _read_yaml(path: Path, source: str) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("file", "does not exist", source) from None
    except IsADirectoryError:
        raise SpecError("file", "is a directory, not a deal file", source) from None
    except UnicodeDecodeError:
        raise SpecError("file", "is not UTF-8 text", source) from None
    except OSError as exc:
        raise SpecError("file", f"cannot be read ({exc.strerror or exc})", source) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise SpecError("file", f"is not valid YAML: {problem}{where}", source) from None


# --------------------------------------------------------------------------------------------
# Typed access to one mapping, naming dotted paths in errors.
# --------------------------------------------------------------------------------------------


class _Section:
    def __init__(self, source: str, path: str, value: object, allowed: Sequence[str]) -> None:
        self.source = source
        self.path = path
        if not isinstance(value, dict):
            self.fail("", f"must be a mapping of fields, got {_describe(value)}")
        for key in value:
            if not isinstance(key, str):
                self.fail("", f"field names must be text, got {_describe(key)}")
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "expected one of: "
                if not close:
                    hint += ", ".join(allowed)
                self.fail(key, f"unknown field ({hint})")
        self.data: dict[str, object] = value

    def where(self, key: str) -> str:
        if not key:
            return self.path or "(top level)"
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> NoReturn:
        raise SpecError(self.where(key), problem, self.source)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: object = _MISSING) -> object:
        if key not in self.data:
            if default is _MISSING:
                self.fail(key, "is required but missing")
            return default
        value = self.data[key]
        if value is None:
            self.fail(key, "is empty; give it a value or remove the line")
        return value

    def text(
        self,
        key: str,
        default: object = _MISSING,
        pattern: re.Pattern[str] | None = None,
        shape: str = "",
        max_len: int = 2000,
    ) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            self.fail(key, f"must be text, got {_describe(value)}")
        value = value.strip()
        if not value:
            self.fail(key, "must not be empty")
        if len(value) > max_len:
            self.fail(key, f"is too long ({len(value)} characters, at most {max_len})")
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(key, f"must be {shape}, got {value!r}")
        return value

    def integer(self, key: str, lo: int, hi: int, default: object = _MISSING) -> int:
        value = self.raw(key, default)
        return _check_int(self, key, value, lo, hi)

    def bps(self, key: str, lo: int, hi: int, default: object = _MISSING) -> int:
        value = self.raw(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(key, f"must be a whole number of basis points, got {_describe(value)}")
        if not lo <= value <= hi:
            self.fail(
                key,
                f"must be between {lo} and {hi} basis points "
                f"({_pct(lo)} to {_pct(hi)}), got {value}",
            )
        return value

    def boolean(self, key: str, default: object = _MISSING) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {_describe(value)}")
        return value

    def amount(
        self,
        key: str,
        decimals: int,
        unit: str,
        *,
        positive: bool = True,
        default: object = _MISSING,
    ) -> int:
        value = self.raw(key, default)
        try:
            result = parse_amount(value, decimals, unit)
        except ValueError as exc:
            self.fail(key, str(exc))
        if positive and result == 0:
            self.fail(key, f"must be greater than zero, got {_show(value)}")
        if result > MAX_WHOLE_UNITS * 10**decimals:
            self.fail(
                key,
                f"is absurdly large ({_show(value)} is more than 10**15 whole units of "
                f"{unit}); check the units",
            )
        return result

    def decimal(self, key: str, lo: Decimal, hi: Decimal, default: object = _MISSING) -> Decimal:
        value = self.raw(key, default)
        try:
            number = _to_decimal(value)
        except ValueError as exc:
            self.fail(key, str(exc))
        if not lo < number <= hi:
            self.fail(key, f"must be greater than {lo} and at most {hi}, got {_show(value)}")
        return number

    def section(self, key: str, allowed: Sequence[str], default: object = _MISSING) -> _Section:
        return _Section(self.source, self.where(key), self.raw(key, default), allowed)

    def items(self, key: str, default: object = _MISSING) -> list[object]:
        value = self.raw(key, default)
        if not isinstance(value, list):
            self.fail(key, f"must be a list, got {_describe(value)}")
        return value

    def weights(self, key: str, noun: str, names: Sequence[str] | None = None) -> dict[str, int]:
        """Percent weights keyed by ``names`` (or by country codes when ``names`` is None)."""
        value = self.raw(key)
        if not isinstance(value, dict) or not value:
            self.fail(
                key, f"must be a non-empty mapping of {noun} to percent, got {_describe(value)}"
            )
        result: dict[str, int] = {}
        for name, weight in value.items():
            if names is None:
                code = _country(self, key, name, allow_eu=True)
            elif isinstance(name, str) and name in names:
                code = name
            else:
                self.fail(
                    key, f"unknown {noun} {_show(name)} (expected one of: {', '.join(names)})"
                )
            result[code] = _check_int(self, f"{key}.{code}", weight, 0, 100)
        total = sum(result.values())
        if total != 100:
            self.fail(key, f"weights must sum to 100 (percent), got {total}")
        return result


def _check_int(section: _Section, key: str, value: object, lo: int, hi: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        section.fail(key, f"must be a whole number, got {_describe(value)}")
    if value < lo:
        if lo == 1 and value <= 0:
            section.fail(key, f"must be greater than zero, got {value}")
        if lo == 0:
            section.fail(key, f"must not be negative, got {value}")
        section.fail(key, f"must be at least {lo}, got {value}")
    if value > hi:
        section.fail(key, f"must be at most {hi}, got {value}")
    return value


def _pct(bps: int) -> str:
    return f"{Decimal(bps) / 100:f} %"


def _country(section: _Section, key: str, code: object, *, allow_eu: bool) -> str:
    if isinstance(code, bool):
        section.fail(key, f"got {str(code).lower()}: YAML reads NO as false; quote it ('NO')")
    if not isinstance(code, str):
        section.fail(key, f"must be a country code, got {_describe(code)}")
    if allow_eu and code == "EU":
        return code
    if code not in COUNTRY_NUMERIC:
        hint = (
            f" (codes are upper case: {code.upper()!r})" if code.upper() in COUNTRY_NUMERIC else ""
        )
        eu = " or 'EU'" if allow_eu else ""
        section.fail(
            key,
            f"unknown country code {code!r}{hint}; use an ISO 3166-1 alpha-2 code{eu} "
            "listed in tokenizer.spec.COUNTRY_NUMERIC",
        )
    return code


# --------------------------------------------------------------------------------------------
# Sections.
# --------------------------------------------------------------------------------------------

_TOP = (
    "id", "name", "summary", "sources", "token", "settlement", "offering", "investors",
    "revenue", "compliance",
)  # fmt: skip


def load_spec(path: str | Path) -> DealSpec:
    """Read ``path`` and return the validated deal, or raise :class:`SpecError`."""
    path = Path(path)
    source = str(path)
    top = _Section(source, "", _read_yaml(path, source), _TOP)
    deal_id = top.text("id", pattern=_SLUG, shape="a slug of a-z, 0-9 and _", max_len=64)
    name = top.text("name", max_len=200)
    summary = top.text("summary")
    sources = tuple(_sources(top))
    token = _token(top.section("token", _TOKEN))
    settlement = _settlement(top.section("settlement", _SETTLEMENT))
    offering = _offering(top.section("offering", _OFFERING), token, settlement)
    investors = _investors(top.section("investors", _INVESTORS), settlement)
    revenue = _revenue(top.section("revenue", _REVENUE), token)
    compliance = _compliance(top.section("compliance", _COMPLIANCE, default={}), token)
    for place in investors.jurisdictions:
        members = EU_MEMBERS if place == "EU" else (place,)
        refused = [
            c
            for c in members
            if c in compliance.blocked_countries or c not in compliance.allowed_countries
        ]
        if refused:
            top.fail(
                f"investors.jurisdictions.{place}",
                f"compliance does not admit investors from {', '.join(refused)} "
                "(blocked, or not in compliance.allowed_countries)",
            )
    if settlement.revenue_currency != revenue.currency:
        top.fail(
            "settlement.revenue_currency",
            f"must equal revenue.currency ({settlement.revenue_currency} != {revenue.currency})",
        )
    return DealSpec(
        id=deal_id,
        name=name,
        summary=summary,
        token=token,
        settlement=settlement,
        offering=offering,
        investors=investors,
        revenue=revenue,
        compliance=compliance,
        sources=sources,
        path=path,
    )


def _sources(top: _Section) -> list[str]:
    items = top.items("sources")
    if not items:
        top.fail("sources", "must name at least one source document")
    result = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            top.fail(f"sources[{i}]", f"must be non-empty text, got {_describe(item)}")
        result.append(item.strip())
    return result


_TOKEN = ("name", "symbol", "decimals", "supply", "revenue_share_bps", "term_years")


def _token(s: _Section) -> TokenSpec:
    decimals = s.integer("decimals", 0, 18, default=18)
    return TokenSpec(
        name=s.text("name", max_len=100),
        symbol=s.text("symbol", pattern=_SYMBOL, shape="1 to 11 letters or digits"),
        decimals=decimals,
        supply=s.amount("supply", decimals, "the token"),
        revenue_share_bps=s.bps("revenue_share_bps", 1, BPS),
        term_years=s.integer("term_years", 1, 99),
    )


_SETTLEMENT = ("name", "symbol", "decimals", "fx_per_unit", "revenue_currency")


def _settlement(s: _Section) -> SettlementSpec:
    currency = s.text("revenue_currency")
    if currency not in CURRENCY_DECIMALS:
        s.fail(
            "revenue_currency",
            f"unknown currency {currency!r} (known: {', '.join(CURRENCY_DECIMALS)})",
        )
    return SettlementSpec(
        name=s.text("name", max_len=100),
        symbol=s.text("symbol", pattern=_SYMBOL, shape="1 to 11 letters or digits"),
        decimals=s.integer("decimals", 0, 18, default=6),
        fx_per_unit=s.decimal("fx_per_unit", Decimal(0), Decimal(1_000_000)),
        revenue_currency=currency,
    )


_OFFERING = ("price", "soft_cap", "hard_cap", "min_purchase", "max_purchase", "duration_days")


def _offering(s: _Section, token: TokenSpec, settlement: SettlementSpec) -> OfferingSpec:
    dec, unit = settlement.decimals, settlement.symbol
    offering = OfferingSpec(
        price=s.amount("price", dec, unit),
        soft_cap=s.amount("soft_cap", dec, unit),
        hard_cap=s.amount("hard_cap", dec, unit),
        min_purchase=s.amount("min_purchase", dec, unit),
        max_purchase=s.amount("max_purchase", dec, unit),
        duration_days=s.integer("duration_days", 1, 366),
    )
    # Exact: hard_cap <= supply / 10**decimals * price, compared without division.
    if offering.hard_cap * token.unit > token.supply * offering.price:
        priced = token.supply * offering.price // token.unit
        s.fail(
            "hard_cap",
            f"must not exceed token.supply at offering.price ({offering.hard_cap} > {priced})",
        )
    if offering.soft_cap > offering.hard_cap:
        s.fail(
            "soft_cap",
            f"must not exceed offering.hard_cap ({offering.soft_cap} > {offering.hard_cap})",
        )
    if offering.min_purchase > offering.max_purchase:
        s.fail(
            "min_purchase",
            f"must not exceed offering.max_purchase "
            f"({offering.min_purchase} > {offering.max_purchase})",
        )
    if offering.max_purchase > offering.hard_cap:
        s.fail(
            "max_purchase",
            f"must not exceed offering.hard_cap ({offering.max_purchase} > {offering.hard_cap})",
        )
    if offering.min_purchase * token.unit < offering.price:
        # Buying less than one base unit of the token would round to nothing.
        s.fail("min_purchase", "buys less than one token base unit at offering.price")
    return offering


_INVESTORS = ("count", "jurisdictions", "classes", "budget_min", "budget_max")


def _investors(s: _Section, settlement: SettlementSpec) -> InvestorsSpec:
    jurisdictions = s.weights("jurisdictions", "jurisdiction")
    dec, unit = settlement.decimals, settlement.symbol
    investors = InvestorsSpec(
        count=s.integer("count", 1, 100_000),
        jurisdictions=jurisdictions,
        classes=s.weights("classes", "investor class", INVESTOR_CLASSES),
        budget_min=s.amount("budget_min", dec, unit),
        budget_max=s.amount("budget_max", dec, unit),
    )
    if investors.budget_min > investors.budget_max:
        s.fail(
            "budget_min",
            f"must not exceed investors.budget_max "
            f"({investors.budget_min} > {investors.budget_max})",
        )
    return investors


_COMPLIANCE = (
    "allowed_countries", "blocked_countries", "kyc_valid_days", "us_accredited_only",
    "max_holders", "max_balance", "lockup_days",
)  # fmt: skip


def _compliance(s: _Section, token: TokenSpec) -> ComplianceSpec:
    default = ComplianceSpec()
    allowed = _countries(s, "allowed_countries", default.allowed_countries)
    blocked = _countries(s, "blocked_countries", default.blocked_countries)
    for code in blocked:
        if code in allowed:
            s.fail("blocked_countries", f"{code} is also in compliance.allowed_countries")
    if not allowed:
        s.fail("allowed_countries", "must allow at least one country")
    return ComplianceSpec(
        allowed_countries=allowed,
        blocked_countries=blocked,
        kyc_valid_days=s.integer("kyc_valid_days", 1, 3650, default=default.kyc_valid_days),
        us_accredited_only=s.boolean("us_accredited_only", default=True),
        max_holders=s.integer("max_holders", 0, 1_000_000, default=0),
        max_balance=s.amount("max_balance", token.decimals, "the token", positive=False, default=0),
        lockup_days=s.integer("lockup_days", 0, 3650, default=0),
    )


def _countries(s: _Section, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    if not s.has(key):
        return default
    result: list[str] = []
    for i, item in enumerate(s.items(key)):
        code = _country(s, f"{key}[{i}]", item, allow_eu=True)
        for member in EU_MEMBERS if code == "EU" else (code,):
            if member in result:
                s.fail(f"{key}[{i}]", f"{member} is listed twice")
            result.append(member)
    return tuple(result)


_REVENUE = (
    "currency", "periods_per_year", "start_month", "net_margin_bps", "volatility_bps",
    "annual_volatility_bps", "shocks", "streams",
)  # fmt: skip


def _revenue(s: _Section, token: TokenSpec) -> RevenueSpec:
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
    streams: list[StreamSpec] = []
    for i, raw in enumerate(streams_raw):
        stream = _stream(s.source, f"{s.where('streams')}[{i}]", raw, currency, decimals, token)
        if any(other.name == stream.name for other in streams):
            s.fail(f"streams[{i}].name", f"{stream.name!r} is used by another stream")
        streams.append(stream)
    return RevenueSpec(
        currency=currency,
        currency_decimals=decimals,
        periods_per_year=ppy,
        start_month=s.integer("start_month", 1, 12, default=1),
        net_margin_bps=s.bps("net_margin_bps", 1, BPS),
        volatility_bps=s.bps("volatility_bps", 0, BPS),
        annual_volatility_bps=s.bps("annual_volatility_bps", 0, 5_000, default=0),
        shocks=_shocks(s, token),
        streams=tuple(streams),
    )


_SHOCK = ("from_year", "to_year", "haircut_bps", "probability_bps", "reason")


def _shocks(s: _Section, token: TokenSpec) -> tuple[ShockSpec, ...]:
    result = []
    for i, raw in enumerate(s.items("shocks", default=[])):
        sh = _Section(s.source, f"{s.where('shocks')}[{i}]", raw, _SHOCK)
        shock = ShockSpec(
            from_year=sh.integer("from_year", 1, token.term_years),
            to_year=sh.integer("to_year", 1, token.term_years),
            haircut_bps=sh.bps("haircut_bps", 1, BPS),
            probability_bps=sh.bps("probability_bps", 1, BPS, default=BPS),
            reason=sh.text("reason", max_len=200) if sh.has("reason") else "",
        )
        if shock.from_year > shock.to_year:
            sh.fail("from_year", f"must not be after to_year ({shock.from_year} > {shock.to_year})")
        result.append(shock)
    return tuple(result)


_STREAM_COMMON = ("name", "kind", "start_year", "ramp_years", "growth_bps", "shocks")
_STREAM_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "hotel": (
        "rooms", "adr", "occupancy_bps", "start_occupancy_bps", "ancillary_bps", "seasonality",
    ),
    "hot_spring": (
        "visitors_per_year", "ticket", "spend_per_visitor", "start_level_bps", "seasonality",
    ),
    "ice_snow": (
        "visitors_per_season", "ticket", "spend_per_visitor", "start_level_bps", "season_months",
    ),
}  # fmt: skip


def _stream(
    source: str, path: str, raw: object, currency: str, decimals: int, token: TokenSpec
) -> StreamSpec:
    kind_probe = _Section(
        source,
        path,
        raw,
        (*_STREAM_COMMON, *sorted({f for fields in _STREAM_FIELDS.values() for f in fields})),
    )
    kind = kind_probe.text("kind")
    if kind not in _STREAM_FIELDS:
        kind_probe.fail(
            "kind", f"unknown stream kind {kind!r} (expected one of: {', '.join(_STREAM_FIELDS)})"
        )
    s = _Section(source, path, raw, (*_STREAM_COMMON, *_STREAM_FIELDS[kind]))
    common: dict[str, Any] = {
        "name": s.text("name", pattern=_SLUG, shape="a slug of a-z, 0-9 and _", max_len=64),
        "start_year": s.integer("start_year", 1, token.term_years, default=1),
        "ramp_years": s.integer("ramp_years", 0, token.term_years, default=0),
        "growth_bps": s.bps("growth_bps", -2_000, 2_000, default=0),
        "shocks": _shocks(s, token),
    }
    money = f"the revenue currency ({currency})"
    if kind == "hotel":
        occupancy = s.bps("occupancy_bps", 1, BPS)
        start = s.bps("start_occupancy_bps", 0, BPS, default=occupancy)
        if start > occupancy:
            s.fail("start_occupancy_bps", f"must not exceed occupancy_bps ({start} > {occupancy})")
        return HotelStream(
            **common,
            rooms=s.integer("rooms", 1, 100_000),
            adr=s.amount("adr", decimals, money),
            occupancy_bps=occupancy,
            start_occupancy_bps=start,
            ancillary_bps=s.bps("ancillary_bps", 0, 5 * BPS, default=0),
            seasonality=_seasonality(s),
        )
    ticket = s.amount("ticket", decimals, money, positive=False)
    spend = s.amount("spend_per_visitor", decimals, money, positive=False, default=0)
    if ticket + spend == 0:
        s.fail("ticket", "ticket and spend_per_visitor are both zero: the stream earns nothing")
    start_level = s.bps("start_level_bps", 0, BPS, default=BPS)
    if kind == "hot_spring":
        return HotSpringStream(
            **common,
            visitors_per_year=s.integer("visitors_per_year", 1, 100_000_000),
            ticket=ticket,
            spend_per_visitor=spend,
            start_level_bps=start_level,
            seasonality=_seasonality(s),
        )
    return IceSnowStream(
        **common,
        visitors_per_season=s.integer("visitors_per_season", 1, 100_000_000),
        ticket=ticket,
        spend_per_visitor=spend,
        start_level_bps=start_level,
        season_months=_season_months(s),
    )


def _seasonality(s: _Section) -> tuple[Decimal, ...]:
    if not s.has("seasonality"):
        return _FLAT_SEASON
    items = s.items("seasonality")
    if len(items) != 12:
        s.fail("seasonality", f"must list 12 monthly factors (January first), got {len(items)}")
    factors = []
    for i, item in enumerate(items):
        try:
            factor = _to_decimal(item)
        except ValueError as exc:
            s.fail(f"seasonality[{i}]", str(exc))
        if not 0 <= factor <= 12:
            s.fail(f"seasonality[{i}]", f"must be between 0 and 12, got {_show(item)}")
        factors.append(factor)
    total = sum(factors, Decimal(0))
    if abs(total - 12) > Decimal("0.001"):
        s.fail(
            "seasonality",
            f"the 12 monthly factors must average 1 (sum to 12), got a sum of {total}",
        )
    return tuple(factors)


def _season_months(s: _Section) -> tuple[int, ...]:
    if not s.has("season_months"):
        return (12, 1, 2)
    items = s.items("season_months")
    if not items:
        s.fail("season_months", "must list at least one month")
    months: list[int] = []
    for i, item in enumerate(items):
        month = _check_int(s, f"season_months[{i}]", item, 1, 12)
        if month not in WINTER_MONTHS:
            s.fail(
                f"season_months[{i}]",
                f"ice-and-snow venues open in winter only (months 11, 12, 1, 2, 3), got {month}",
            )
        if month in months:
            s.fail(f"season_months[{i}]", f"month {month} is listed twice")
        months.append(month)
    return tuple(months)
