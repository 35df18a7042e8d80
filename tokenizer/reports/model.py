"""The typed result of a deal's run: one dataclass per stage, one document for the reports.

``report.json`` is :meth:`RunReport.to_dict` as it is; the Markdown report, the story told on the
terminal, the bench and the command line read the attributes. Money is in integer smallest units
of the settlement token throughout; ratios (IRR, yield) are floats for people to read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from tokenizer.reconcile import Reconciliation
from tokenizer.reports.waterfall import WaterfallSummary

if TYPE_CHECKING:
    from tokenizer.reports.disclosure import DisclosureSummary


@dataclass(frozen=True)
class DealInfo:
    id: str
    name: str
    summary: str
    sources: list[str]


@dataclass(frozen=True)
class ChainInfo:
    chain_id: int
    client: str
    embedded: bool


@dataclass(frozen=True)
class Units:
    settlement: str
    decimals: int
    revenue_currency: str


@dataclass(frozen=True)
class SaleResult:
    price: int
    soft_cap: int
    hard_cap: int
    raised: int
    buyers: int
    tokens_sold: int
    status: str


@dataclass(frozen=True)
class InvestorMix:
    registered: int
    by_country: dict[str, int]
    buyers_by_country: dict[str, int]
    buyers_by_class: dict[str, int]


@dataclass(frozen=True)
class RevenueResult:
    periods: int
    periods_distributed: int
    paid_to_holders: int
    paid_to_holders_per_year: list[int]
    per_period: list[int]
    gross_by_stream_per_year: dict[str, list[int]]


@dataclass(frozen=True)
class Returns:
    """Per token bought at the sale price. ``irr`` is None until the term is over."""

    irr: float | None
    average_yield: float | None
    yield_per_year: list[float]
    payback_years: float | None


@dataclass(frozen=True)
class Activity:
    """The whole deal's activity, read from the chain's events; the refusals and the KYC
    campaigns are those of the latest run (a refused trade never reaches the chain)."""

    trades: int
    trades_refused: dict[str, int]
    trade_volume: int
    wallet_freezes: int
    claims: int
    kyc_campaigns: int


@dataclass
class RunReport:
    deal: DealInfo
    chain: ChainInfo
    contracts: dict[str, dict[str, Any]]
    units: Units
    sale: SaleResult
    investors: InvestorMix
    revenue: RevenueResult
    returns: Returns
    activity: Activity
    reconciliation: Reconciliation
    seconds: dict[str, float] = field(default_factory=dict)
    waterfall: WaterfallSummary | None = None  # a structured deal's, per year
    disclosure: DisclosureSummary | None = None  # a deal with ``disclosure:``

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reconciliation"] = self.reconciliation.as_dict()
        return data
