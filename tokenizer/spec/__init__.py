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

The package, one job per module: ``strict_yaml`` (reading the file), ``values`` (exact amounts),
``fields`` (the :class:`~tokenizer.spec.fields.Section` field readers), ``reference``
(countries, currencies, investor classes), ``model`` (the dataclasses), and the sections
``sale``, ``compliance``, ``revenue``, ``shocks``, ``streams`` and ``structure``, put together
by ``loader``.
Each stream kind's fields are read by its plug-in in :mod:`tokenizer.assets`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from tokenizer.spec.loader import load_spec
from tokenizer.spec.model import (
    ComplianceSpec,
    DealSpec,
    FeeSpec,
    GuarantorSpec,
    InvestorsSpec,
    OfferingSpec,
    ReserveSpec,
    RevenueSpec,
    SettlementSpec,
    ShockSpec,
    StreamSpec,
    StructureSpec,
    TokenSpec,
    TrancheSpec,
    TriggerSpec,
)
from tokenizer.spec.reference import (
    COUNTRY_NUMERIC,
    CURRENCY_DECIMALS,
    EU_MEMBERS,
    INVESTOR_CLASSES,
    MAX_WHOLE_UNITS,
    UINT256_MAX,
)
from tokenizer.spec.revenue import PERIODS_PER_YEAR
from tokenizer.spec.values import parse_amount

if TYPE_CHECKING:
    from tokenizer.assets.hot_spring import HotSpringStream
    from tokenizer.assets.hotel import HotelStream
    from tokenizer.assets.ice_snow import WINTER_MONTHS, IceSnowStream

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
    "FeeSpec",
    "GuarantorSpec",
    "HotSpringStream",
    "HotelStream",
    "IceSnowStream",
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
    "load_spec",
    "parse_amount",
]

# The stream kinds of the worked example used to live here; their names still work, imported
# on first use from their plug-in modules (importing them eagerly would make a cycle: the
# plug-ins build on this package). New kinds are imported from tokenizer.assets.<kind> only.
_MOVED_TO_ASSETS = {
    "HotelStream": "tokenizer.assets.hotel",
    "HotSpringStream": "tokenizer.assets.hot_spring",
    "IceSnowStream": "tokenizer.assets.ice_snow",
    "WINTER_MONTHS": "tokenizer.assets.ice_snow",
}


def __getattr__(name: str) -> object:
    module = _MOVED_TO_ASSETS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
