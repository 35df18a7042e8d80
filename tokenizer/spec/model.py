"""The frozen dataclasses of a validated deal, as the rest of the toolkit uses them.

Stream kinds (hotel, hot spring...) subclass :class:`StreamSpec` in their own modules under
:mod:`tokenizer.assets`; this module knows only the fields every stream has.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from tokenizer.spec.reference import BPS, EU_MEMBERS

__all__ = [
    "AssetSpec",
    "AttesterSpec",
    "ComplianceSpec",
    "DealSpec",
    "DisclosureSpec",
    "DocumentSpec",
    "FeeSpec",
    "GuarantorSpec",
    "InvestorsSpec",
    "OfferingSpec",
    "ReserveSpec",
    "RevenueSpec",
    "SettlementSpec",
    "ShockSpec",
    "StreamSpec",
    "StructureSpec",
    "TokenSpec",
    "TrancheSpec",
    "TriggerSpec",
]


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
    address: str | None = None  # an existing token to settle in; None deploys the local mock

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
    """Fields every revenue stream has. Years are 1-based term years.

    Each asset kind subclasses this with its own fields and sets ``kind`` to the name the deal
    file uses (``kind: hotel``); :mod:`tokenizer.assets` finds the kind's model by that name.
    """

    kind: ClassVar[str] = ""
    name: str
    start_year: int = 1  # the asset opens at the start of this term year; no revenue before
    ramp_years: int = 0  # years from opening to steady state (linear, month by month)
    growth_bps: int = 0  # annual growth of prices, compounding from term year 1
    shocks: tuple[ShockSpec, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RevenueSpec:
    """The stochastic revenue model of the underlying assets (see ``tokenizer.revenue``)."""

    currency: str
    periods_per_year: int = 12
    net_margin_bps: int  # operating margin turning gross revenue into net revenue
    pledged: str = "net_revenue"  # or "gross_receipts": the margin does not touch the pledge
    streams: tuple[StreamSpec, ...]
    volatility_bps: int  # per-period, per-stream log-normal noise (sigma)
    annual_volatility_bps: int = 0  # persistent demand level: a yearly log random walk (sigma)
    start_month: int = 1  # calendar month (1..12) of the first period, for seasonality
    shocks: tuple[ShockSpec, ...] = ()  # hit every stream at once
    currency_decimals: int = 2

    @property
    def months_per_period(self) -> int:
        return 12 // self.periods_per_year

    @property
    def pledged_share_bps(self) -> int:
        """Share of gross revenue the holders' share applies to: the margin, or all of it."""
        return BPS if self.pledged == "gross_receipts" else self.net_margin_bps


@dataclass(frozen=True, kw_only=True)
class FeeSpec:
    """A fee paid first each period: a share a year of the outstanding senior principal, or a
    fixed amount a year (settlement smallest units); each period's due is floored."""

    name: str
    bps_per_year: int = 0
    amount_per_year: int = 0


@dataclass(frozen=True, kw_only=True)
class TrancheSpec:
    """One tranche: a note with a principal, a coupon and an amortisation, or the residual.

    ``size`` is the principal in settlement smallest units; ``supply`` the tranche token's
    supply in base units (one whole token per whole settlement unit of principal). ``schedule``
    (``amortisation == "schedule"``) holds the bps of the original principal repaid each period.
    """

    name: str
    symbol: str
    size: int
    supply: int
    coupon_bps: int = 0
    amortisation: str = ""  # bullet | straight_line | schedule; "" for the residual
    schedule: tuple[int, ...] = ()
    interest_accrues: bool = True  # unpaid interest is owed later (False: it lapses)
    min_investor_class: str | None = None
    residual: bool = False


@dataclass(frozen=True, kw_only=True)
class ReserveSpec:
    """The reserve account: a fixed target, or a share of the outstanding senior principal."""

    target_bps_of_senior: int = 0
    target: int = 0
    initial: int = 0


@dataclass(frozen=True, kw_only=True)
class GuarantorSpec:
    """A facility that tops up the shortfall of tranche ``covers`` (its index)."""

    name: str
    covers: int
    per_period_limit: int
    total_limit: int
    repaid: bool = False  # draws repaid later from collections, ahead of the junior


@dataclass(frozen=True, kw_only=True)
class TriggerSpec:
    """A DSCR trigger: on after ``periods`` periods below, off after ``cure_periods`` at/above."""

    metric: str
    below_bps: int
    periods: int
    action: str  # trap_cash | accelerate_senior
    cure_periods: int


@dataclass(frozen=True, kw_only=True)
class StructureSpec:
    """Tranches (most senior first, the residual last) paid through a waterfall."""

    fees: tuple[FeeSpec, ...] = ()
    tranches: tuple[TrancheSpec, ...]
    reserve: ReserveSpec | None = None
    guarantors: tuple[GuarantorSpec, ...] = ()
    triggers: tuple[TriggerSpec, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AssetSpec:
    """An asset behind the deal, as the DocumentRegistry records it."""

    key: str  # the spec's name for it; documents refer to it
    type: str  # one of tokenizer.spec.disclosure.ASSET_TYPES
    location: str
    pool: str | None = None  # the key of the pool asset it belongs to


@dataclass(frozen=True, kw_only=True)
class AttesterSpec:
    """Someone whose attestations the registry accepts, in one role."""

    name: str
    role: str  # appraiser, lawyer, auditor, trustee
    address: str | None = None  # None: a wallet derived from the name (local chains only)


@dataclass(frozen=True, kw_only=True)
class DocumentSpec:
    """A document the deal publishes; ``required`` ones gate the primary sale."""

    asset: str  # an asset key, or "deal"
    kind: str  # one of tokenizer.spec.disclosure.DOCUMENT_KINDS
    title: str
    attested_by: tuple[str, ...]  # roles whose attestation it needs
    required: bool = True


@dataclass(frozen=True, kw_only=True)
class DisclosureSpec:
    """The ``disclosure`` section: assets, attesters, documents, the reports' covenant."""

    assets: tuple[AssetSpec, ...]
    attesters: tuple[AttesterSpec, ...]
    documents: tuple[DocumentSpec, ...]
    covenant_below_bps: int = 0  # collections below this share of the base case ...
    covenant_periods: int = 0  # ... for this many periods in a row breach the covenant

    def asset_id(self, key: str) -> int:
        """The registry's id of asset ``key`` (1-based, in spec order; "deal" is 0)."""
        if key == "deal":
            return 0
        return 1 + [a.key for a in self.assets].index(key)


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
    structure: StructureSpec | None = None  # None: a single revenue-share class
    disclosure: DisclosureSpec | None = None  # None: no document registry, no attested reports

    @property
    def periods(self) -> int:
        """The whole term in revenue periods."""
        return self.token.term_years * self.revenue.periods_per_year
