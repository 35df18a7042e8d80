"""Kind ``property_pool``: rents of many small offices, parking lots and shops in one pool.

The pool lists groups of alike assets (``assets``: a ``name``, a ``count``, a monthly ``rent``
per asset, an ``occupancy_bps`` and a ``rent_dispersion_bps``). Every asset of every group is
simulated on its own:

* its rent is the group's rent times a mean-one log-normal factor of ``rent_dispersion_bps``,
  drawn once per path (assets of a group differ in size and location);
* each term year it is either let or empty. It is let when ``sqrt(rho) C + sqrt(1 - rho) e``
  falls below the normal quantile of its group's occupancy, where ``e`` is its own draw for that
  year, ``rho = city_correlation_bps`` and ``C`` is the city factor: standard normal every year,
  with year-on-year correlation ``city_persistence_bps``. Every asset is let with exactly its
  group's occupancy on average; the city factor makes bad years bad for many assets together.

So the pool's spread narrows as assets are added, down to the floor the city factor sets: the
diversification the pooling is for. The deterministic base is every asset at its group's rent
and occupancy, ``sum(count x rent x occupancy)`` a month; the kind's own randomness multiplies
it by what the pool actually let that year over that expectation (mean one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import ClassVar, Final

import numpy as np

from tokenizer.assets.kind import (
    Draw,
    FloatArray,
    Labels,
    SteadyKind,
    StreamContext,
    StreamFields,
)
from tokenizer.assets.registry import register
from tokenizer.spec.fields import Section
from tokenizer.spec.model import RevenueSpec, StreamSpec
from tokenizer.spec.reference import BPS

__all__ = ["MAX_ASSETS", "PropertyGroup", "PropertyPool", "PropertyPoolStream"]

_BPS: Final = float(BPS)
#: Assets a pool may hold in all (each is simulated on its own, every path and year).
MAX_ASSETS: Final = 2_000
GROUP_FIELDS: Final = ("name", "count", "rent", "occupancy_bps", "rent_dispersion_bps")


@dataclass(frozen=True, kw_only=True)
class PropertyGroup:
    """Alike assets of a pool: ``count`` of them, each with this mean rent and occupancy."""

    name: str
    count: int
    rent: int  # per asset and month when let, revenue-currency smallest units
    occupancy_bps: int  # chance that an asset is let in a year
    rent_dispersion_bps: int = 0  # log-sd of one asset's rent around the group's

    @property
    def threshold(self) -> float:
        """The normal quantile an asset's letting draw must fall below (inf: always let)."""
        if self.occupancy_bps >= BPS:
            return math.inf
        return _NORMAL.inv_cdf(self.occupancy_bps / _BPS)


@dataclass(frozen=True, kw_only=True)
class PropertyPoolStream(StreamSpec):
    """Rents of many small assets, each let or empty a year at a time, tied by a city factor."""

    kind: ClassVar[str] = "property_pool"
    assets: tuple[PropertyGroup, ...]
    city_correlation_bps: int  # share of each asset's letting risk that is the city's
    city_persistence_bps: int = 0  # year-on-year correlation of the city factor


_NORMAL: Final = NormalDist()


@register
class PropertyPool(SteadyKind[PropertyPoolStream]):
    stream_type = PropertyPoolStream
    fields = ("assets", "city_correlation_bps", "city_persistence_bps")
    labels = Labels(
        title="Pooled small properties",
        description="rents of many small offices, parking lots and shops, let or empty by year",
        driver="assets let",
    )

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> PropertyPoolStream:
        items = s.items("assets")
        if not items:
            s.fail("assets", "must list at least one group of assets")
        groups: list[PropertyGroup] = []
        for i, raw in enumerate(items):
            g = Section(s.source, f"{s.where('assets')}[{i}]", raw, GROUP_FIELDS)
            group = PropertyGroup(
                name=g.slug("name"),
                count=g.integer("count", 1, MAX_ASSETS),
                rent=g.amount("rent", ctx.decimals, ctx.money),
                occupancy_bps=g.bps("occupancy_bps", 1, BPS),
                rent_dispersion_bps=g.bps("rent_dispersion_bps", 0, BPS, default=0),
            )
            if any(other.name == group.name for other in groups):
                g.fail("name", f"{group.name!r} is used by another group of assets")
            groups.append(group)
        total = sum(group.count for group in groups)
        if total > MAX_ASSETS:
            s.fail("assets", f"a pool holds at most {MAX_ASSETS:,} assets in all, got {total:,}")
        return PropertyPoolStream(
            **common,
            assets=tuple(groups),
            city_correlation_bps=s.bps("city_correlation_bps", 0, BPS),
            city_persistence_bps=s.bps("city_persistence_bps", 0, BPS, default=0),
        )

    def steady_month(self, stream: PropertyPoolStream, unit: float) -> float:
        return _expected_month(stream, unit)

    # ---------------------------------------------------------------- own randomness
    # Draws: 0 the city factor (paths, years); for group g, 1 + 2g the assets' rent factors
    # (paths, count) and 2 + 2g their letting draws (paths, count, years).

    def path_factor(
        self,
        stream: PropertyPoolStream,
        revenue: RevenueSpec,
        periods: int,
        paths: int,
        draw: Draw,
    ) -> FloatArray:
        years = -(-periods // revenue.periods_per_year)
        rho, phi = _weights(stream)
        z = draw(0).standard_normal((paths, years))
        city = np.empty((paths, years))
        city[:, 0] = z[:, 0]
        for y in range(1, years):
            city[:, y] = phi * city[:, y - 1] + math.sqrt(1.0 - phi * phi) * z[:, y]
        common = math.sqrt(rho) * city
        own = math.sqrt(1.0 - rho)
        let = np.zeros((paths, years))
        for g, group in enumerate(stream.assets):
            s = group.rent_dispersion_bps / _BPS
            rents = group.rent * np.exp(s * draw(1 + 2 * g).standard_normal((paths, group.count)))
            rents *= math.exp(-s * s / 2.0)
            e = draw(2 + 2 * g).standard_normal((paths, group.count, years))
            is_let = common[:, None, :] + own * e < group.threshold
            let += np.einsum("pa,pay->py", rents, is_let.astype(np.float64))
        yearly = let / _expected_rent(stream)
        result: FloatArray = yearly[:, np.arange(periods) // revenue.periods_per_year]
        return result

    def path_factor_reference(
        self,
        stream: PropertyPoolStream,
        revenue: RevenueSpec,
        periods: int,
        paths: int,
        draw: Draw,
    ) -> list[list[float]]:
        ppy = revenue.periods_per_year
        years = -(-periods // ppy)
        rho, phi = _weights(stream)
        city_draws = draw(0)
        rent_draws = [draw(1 + 2 * g) for g in range(len(stream.assets))]
        let_draws = [draw(2 + 2 * g) for g in range(len(stream.assets))]
        expected = _expected_rent(stream)
        rows = []
        for _ in range(paths):  # the same numbers as the vectorised draws, one path at a time
            z = city_draws.standard_normal(years).tolist()
            city = [z[0]]
            for y in range(1, years):
                city.append(phi * city[y - 1] + math.sqrt(1.0 - phi * phi) * z[y])
            let = [0.0] * years
            for g, group in enumerate(stream.assets):
                s = group.rent_dispersion_bps / _BPS
                u = rent_draws[g].standard_normal(group.count).tolist()
                e = let_draws[g].standard_normal((group.count, years)).tolist()
                for a in range(group.count):
                    rent = group.rent * math.exp(s * u[a]) * math.exp(-s * s / 2.0)
                    for y in range(years):
                        x = math.sqrt(rho) * city[y] + math.sqrt(1.0 - rho) * e[a][y]
                        if x < group.threshold:
                            let[y] += rent
            rows.append([let[t // ppy] / expected for t in range(periods)])
        return rows


def _weights(stream: PropertyPoolStream) -> tuple[float, float]:
    return stream.city_correlation_bps / _BPS, stream.city_persistence_bps / _BPS


def _expected_rent(stream: PropertyPoolStream) -> float:
    """Expected rent a month in smallest units, as a float (the factor's denominator)."""
    return sum(g.count * g.rent * g.occupancy_bps / _BPS for g in stream.assets)


def _expected_month(stream: PropertyPoolStream, unit: float) -> float:
    return _expected_rent(stream) / unit
