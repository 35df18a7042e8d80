"""What an asset kind provides: the interface every plug-in module in this package implements.

A *kind* is one way an asset earns money (a hotel's rooms, a toll road's fares, a mine's
output). Its module under :mod:`tokenizer.assets` holds, in one place:

* the stream dataclass, a subclass of :class:`~tokenizer.spec.StreamSpec` whose ``kind`` is the
  name a deal file writes (``kind: hotel``);
* the spec reader (:meth:`AssetKind.read`), checking the kind's own fields with a
  :class:`~tokenizer.spec.fields.Section`, so errors name the dotted field and suggest a spelling;
* the deterministic base model, vectorised over the months of the term with NumPy
  (:meth:`AssetKind.monthly_base`), and the same model for one month in plain Python
  (:meth:`AssetKind.month_base`), which the reference Monte Carlo uses to check the fast one;
* optionally, randomness of its own (:meth:`AssetKind.path_factor` and its reference twin),
  drawn from generators the engine hands it, so runs stay reproducible under a seed;
* labels for reports.

A kind that earns its steady month from the first day subclasses :class:`SteadyKind` and gives
only :meth:`SteadyKind.steady_month` for the base model; the visitor venues share
:class:`tokenizer.assets.hospitality.VisitorVenue`.

The engine in :mod:`tokenizer.revenue` supplies what is common to all kinds (calendar, opening
and ramp, price growth, noise, shocks, the demand walk) and never branches on the kind.

Importing this module does not import :mod:`tokenizer.spec` (type names only), so the spec
loader can use the registry without an import cycle.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Final, Generic, NamedTuple, TypedDict, TypeVar

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from tokenizer.spec.fields import Section
    from tokenizer.spec.model import RevenueSpec, ShockSpec, StreamSpec

__all__ = [
    "STREAM_COMMON_FIELDS",
    "AssetKind",
    "Draw",
    "FloatArray",
    "IntArray",
    "Labels",
    "Month",
    "MonthGrid",
    "SteadyKind",
    "StreamContext",
    "StreamFields",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: A generator factory: ``draw(j)`` is the ``j``-th independent generator of one stream.
Draw = Callable[[int], np.random.Generator]

#: Fields every stream has, whatever its kind; a kind's own ``fields`` must not repeat them.
STREAM_COMMON_FIELDS: Final = ("name", "kind", "start_year", "ramp_years", "growth_bps", "shocks")

S = TypeVar("S", bound="StreamSpec")


class StreamFields(TypedDict):
    """The common fields, already read and checked, for the kind's dataclass (``**common``)."""

    name: str
    start_year: int
    ramp_years: int
    growth_bps: int
    shocks: tuple[ShockSpec, ...]


@dataclass(frozen=True)
class StreamContext:
    """What a kind's reader may need to know about the rest of the deal."""

    currency: str  # the revenue currency, e.g. "CNY"
    decimals: int  # its decimal places: prices are read into these smallest units
    term_years: int

    @property
    def money(self) -> str:
        """How amounts in the revenue currency are named in errors."""
        return f"the revenue currency ({self.currency})"


@dataclass(frozen=True)
class Labels:
    """How reports name a kind."""

    title: str  # a heading: "Hotel rooms"
    description: str  # one line: how the base revenue is computed
    driver: str  # what is counted, plural: "room nights", "visitors"


@dataclass(frozen=True)
class MonthGrid:
    """The months of the term for one stream, as arrays (index 0 = the term's first month)."""

    calendar: IntArray  # calendar month, 0 = January
    days: FloatArray  # days in that month (365-day year)
    ramp: FloatArray  # 0 before opening, then the opening level rising linearly to 1
    growth: FloatArray  # price growth factor, compounding once a term year
    unit: float  # smallest units per currency unit (100.0 for yuan): prices / unit = currency


class Month(NamedTuple):
    """One month of the term after opening, as plain numbers (the reference model's view).

    A named tuple rather than a frozen dataclass: the reference model builds one per month and
    path, and a tuple is several times cheaper to build.
    """

    calendar: int
    days: int
    ramp: float
    growth: float
    unit: float


class AssetKind(ABC, Generic[S]):
    """One kind of revenue stream. Subclass it in a module of this package and decorate the
    class with :func:`tokenizer.assets.register`; nothing else needs editing."""

    #: The stream dataclass; its ``kind`` is the name deal files use.
    stream_type: ClassVar[type[StreamSpec]]
    #: The kind's own field names, in the order a "did you mean" hint should list them.
    fields: ClassVar[tuple[str, ...]]
    labels: ClassVar[Labels]

    @property
    def name(self) -> str:
        return self.stream_type.kind

    @abstractmethod
    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> S:
        """Check the kind's fields in ``s``; build the stream as ``stream_type(**common, ...)``."""

    @abstractmethod
    def opening_level(self, stream: S) -> float:
        """Level at opening as a fraction of steady state; the engine ramps it to 1."""

    @abstractmethod
    def monthly_base(self, stream: S, grid: MonthGrid) -> FloatArray:
        """Expected revenue in each month of ``grid``, in currency units, before randomness."""

    @abstractmethod
    def month_base(self, stream: S, month: Month) -> float:
        """:meth:`monthly_base` for one month, written with plain floats (for the reference)."""

    # Optional randomness of the kind's own (a mine's ore price, a receivable's defaults).
    # The factor multiplies the stream's revenue per path and period, after the common noise.
    # Draw arrays path by path (shape ``(paths, n)``) so the first paths of a run do not
    # depend on how many are run. A kind that overrides one of the two draws overrides both.

    def path_factor(
        self, stream: S, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> FloatArray | None:
        """Multiplier of shape ``(paths, periods)``, or None (the default: no own randomness)."""
        return None

    def path_factor_reference(
        self, stream: S, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> list[list[float]] | None:
        """:meth:`path_factor` with the same draws, one number at a time."""
        return None

    def expected_path_factor(
        self, stream: S, revenue: RevenueSpec, periods: int
    ) -> FloatArray | None:
        """Mean of :meth:`path_factor` per period, or None when it is one (or there is none)."""
        return None


class SteadyKind(AssetKind[S]):
    """A kind that earns its steady month from the first day (a let building, a pool bought
    whole, a mine in production): no opening level of its own, so the expected month is one
    figure times the engine's ramp and growth. Subclasses give :meth:`steady_month`."""

    @abstractmethod
    def steady_month(self, stream: S, unit: float) -> float:
        """Expected revenue of a month at steady state, in currency units (``unit`` smallest
        units each), before randomness, ramp and growth."""

    def opening_level(self, stream: S) -> float:
        return 1.0

    def monthly_base(self, stream: S, grid: MonthGrid) -> FloatArray:
        result: FloatArray = self.steady_month(stream, grid.unit) * grid.ramp * grid.growth
        return result

    def month_base(self, stream: S, month: Month) -> float:
        return self.steady_month(stream, month.unit) * month.ramp * month.growth
