"""Kind ``office``: a rent roll of tenants, each with its area, rent and lease end.

The base is the rent roll with every listed tenant paying: the sum of ``area_sqm x rent`` (rent
per square metre a month), growing by the common ``growth_bps`` a year. What each path
collects is that base times the share of it actually paid (:meth:`Office.path_factor`), from
the life of each tenant's space, period by period:

* a tenant that may not be real (a paper tenant, a relocation on paper) is real with
  ``real_bps``, drawn once per path; a space whose tenant is not real is empty from the start;
* when a lease ends (at the end of term year ``lease_end_year``), the tenant renews with
  ``renewal_bps`` for ``new_lease_years`` more, at its own rent; or it leaves;
* tenants of one ``group`` (state firms relocated together, one parent's subsidiaries) leave
  together: each year of the group's range, with ``exit_bps_per_year``, every original tenant of
  the group still in place leaves at the start of that year;
* an empty space stays empty for ``downtime_months`` (rounded up to whole periods), then is let
  to a new tenant at ``market_rent`` for ``new_lease_years``, renewing later with the space's
  ``renewal_bps``.

Concentration shows in the result: the bigger a tenant's share of the roll, the bigger the step
its departure makes, and a group leaves as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

import numpy as np

from tokenizer.assets.hazard import expectation_draw, periods_of, sub_sections
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

__all__ = ["Office", "OfficeStream", "Tenant", "TenantGroup"]

_BPS = float(BPS)
_TENANT_FIELDS: Final = (
    "name", "area_sqm", "rent", "lease_end_year", "renewal_bps", "real_bps", "group",
)  # fmt: skip
_GROUP_FIELDS: Final = ("name", "exit_bps_per_year", "from_year", "to_year", "reason")
#: Paths used to estimate the mean of the kind's own randomness (rwa validate's expectation).
EXPECTATION_PATHS: Final = 4_000


@dataclass(frozen=True, kw_only=True)
class Tenant:
    name: str
    area_sqm: int
    rent: int  # revenue-currency smallest units per square metre a month
    lease_end_year: int  # the lease ends at the end of this term year
    renewal_bps: int
    real_bps: int = BPS
    group: str = ""


@dataclass(frozen=True, kw_only=True)
class TenantGroup:
    name: str
    exit_bps_per_year: int
    from_year: int
    to_year: int
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OfficeStream(StreamSpec):
    """A rent roll: tenants' areas and rents, lease ends, renewals, downtime, re-letting."""

    kind: ClassVar[str] = "office"
    tenants: tuple[Tenant, ...]
    market_rent: int  # for space let to a new tenant, per square metre a month
    downtime_months: int = 6
    new_lease_years: int = 3
    groups: tuple[TenantGroup, ...] = ()

    @property
    def monthly_roll(self) -> int:
        """The rent roll with every tenant paying, smallest units a month."""
        return sum(t.area_sqm * t.rent for t in self.tenants)


@register
class Office(SteadyKind[OfficeStream]):
    stream_type = OfficeStream
    fields = ("tenants", "market_rent", "downtime_months", "new_lease_years", "groups")
    labels = Labels(
        title="Office rents",
        description="a rent roll: tenants' area x rent, lease ends, renewals, downtime",
        driver="tenants",
    )

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> OfficeStream:
        groups: list[TenantGroup] = []
        for g in sub_sections(s, "groups", _GROUP_FIELDS, required=False):
            name = g.slug("name")
            if any(other.name == name for other in groups):
                g.fail("name", f"{name!r} names another group")
            first = g.integer("from_year", 1, ctx.term_years, default=1)
            last = g.integer("to_year", first, ctx.term_years, default=ctx.term_years)
            groups.append(
                TenantGroup(
                    name=name,
                    exit_bps_per_year=g.bps("exit_bps_per_year", 0, BPS),
                    from_year=first,
                    to_year=last,
                    reason=g.text("reason", default="the group leaves together"),
                )
            )
        tenants: list[Tenant] = []
        for t in sub_sections(s, "tenants", _TENANT_FIELDS, required=True):
            name = t.text("name", max_len=100)
            if any(other.name == name for other in tenants):
                t.fail("name", f"{name!r} names another tenant")
            group = t.slug("group") if t.has("group") else ""
            if group and all(g.name != group for g in groups):
                known = ", ".join(g.name for g in groups) or "none"
                t.fail("group", f"unknown group {group!r} (groups: {known})")
            tenants.append(
                Tenant(
                    name=name,
                    area_sqm=t.integer("area_sqm", 1, 10_000_000),
                    rent=t.amount("rent", ctx.decimals, ctx.money),
                    lease_end_year=t.integer("lease_end_year", 1, 100),
                    renewal_bps=t.bps("renewal_bps", 0, BPS),
                    real_bps=t.bps("real_bps", 0, BPS, default=BPS),
                    group=group,
                )
            )
        return OfficeStream(
            **common,
            tenants=tuple(tenants),
            market_rent=s.amount("market_rent", ctx.decimals, ctx.money, positive=False),
            downtime_months=s.integer("downtime_months", 0, 120, default=6),
            new_lease_years=s.integer("new_lease_years", 1, 30, default=3),
            groups=tuple(groups),
        )

    def steady_month(self, stream: OfficeStream, unit: float) -> float:
        # A let building: the roll is what the tenants pay today.
        return stream.monthly_roll / unit

    # Draws: 0 whether each tenant is real (paths, tenants); 1 the renewal decisions
    # (paths, tenants x decisions); 2 + g group g's exits (paths, years).

    def path_factor(
        self, stream: OfficeStream, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> FloatArray:
        p = _Plan(stream, revenue, periods)
        n = len(stream.tenants)
        real = draw(0).random((paths, n)) < p.real
        renew_u = draw(1).random((paths, n * p.decisions)).reshape(paths, n, p.decisions)
        exits = [
            (draw(2 + g).random((paths, p.years)) < p.group_exit[g]) & p.group_window[g]
            for g in range(len(stream.groups))
        ]
        occupied = real.copy()
        original = real.copy()
        ratio = np.ones((paths, n))
        lease_end = np.broadcast_to(p.lease_end, (paths, n)).copy()
        free_at = np.where(real, 0, p.downtime)
        used = np.zeros((paths, n), dtype=np.int64)
        rows = np.arange(paths)[:, None]
        cols = np.arange(n)[None, :]
        factor = np.zeros((paths, periods))
        for t in range(periods):
            if t % p.ppy == 0:
                for g, hits in enumerate(exits):
                    leave = hits[:, t // p.ppy][:, None] & original & p.member[g]
                    occupied &= ~leave
                    original &= ~leave
                    free_at = np.where(leave, t + p.downtime, free_at)
            ending = occupied & (t >= lease_end)
            if ending.any():
                u = renew_u[rows, cols, np.minimum(used, p.decisions - 1)]
                used = used + ending
                renewed = ending & (u < p.renewal)
                lease_end = np.where(renewed, t + p.new_lease, lease_end)
                gone = ending & ~renewed
                occupied &= ~gone
                original &= ~gone
                free_at = np.where(gone, t + p.downtime, free_at)
            letting = ~occupied & (t >= free_at)
            occupied |= letting
            ratio = np.where(letting, p.market_ratio, ratio)
            lease_end = np.where(letting, t + p.new_lease, lease_end)
            factor[:, t] = (occupied * ratio) @ p.weight
        return factor

    def path_factor_reference(
        self, stream: OfficeStream, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> list[list[float]]:
        p = _Plan(stream, revenue, periods)
        n = len(stream.tenants)
        real_u = draw(0).random((paths, n)).tolist()
        renew_u = draw(1).random((paths, n * p.decisions)).tolist()
        exit_u = [draw(2 + g).random((paths, p.years)).tolist() for g in range(len(stream.groups))]
        weight = p.weight.tolist()
        out = []
        for path in range(paths):
            occupied = [real_u[path][i] < float(p.real[i]) for i in range(n)]
            original = list(occupied)
            ratio = [1.0] * n
            lease_end = [int(e) for e in p.lease_end]
            free_at = [0 if occupied[i] else p.downtime for i in range(n)]
            used = [0] * n
            row = []
            for t in range(periods):
                y = t // p.ppy
                if t % p.ppy == 0:
                    for g, group in enumerate(stream.groups):
                        inside = group.from_year - 1 <= y <= group.to_year - 1
                        if not (inside and exit_u[g][path][y] < group.exit_bps_per_year / _BPS):
                            continue
                        for i, tenant in enumerate(stream.tenants):
                            if tenant.group == group.name and original[i]:
                                occupied[i] = original[i] = False
                                free_at[i] = t + p.downtime
                total = 0.0
                for i in range(n):
                    if occupied[i] and t >= lease_end[i]:
                        u = renew_u[path][i * p.decisions + min(used[i], p.decisions - 1)]
                        used[i] += 1
                        if u < float(p.renewal[i]):
                            lease_end[i] = t + p.new_lease
                        else:
                            occupied[i] = original[i] = False
                            free_at[i] = t + p.downtime
                    if not occupied[i] and t >= free_at[i]:
                        occupied[i] = True
                        ratio[i] = float(p.market_ratio[i])
                        lease_end[i] = t + p.new_lease
                    if occupied[i]:
                        total += weight[i] * ratio[i]
                row.append(total)
            out.append(row)
        return out

    def expected_path_factor(
        self, stream: OfficeStream, revenue: RevenueSpec, periods: int
    ) -> FloatArray:
        """Estimated: the mean over :data:`EXPECTATION_PATHS` seeded paths (no closed form)."""
        factor = self.path_factor(stream, revenue, periods, EXPECTATION_PATHS, expectation_draw)
        result: FloatArray = factor.mean(axis=0)
        return result


class _Plan:
    """The stream's numbers as arrays over tenants, in periods of the revenue model."""

    def __init__(self, stream: OfficeStream, revenue: RevenueSpec, periods: int) -> None:
        tenants = stream.tenants
        self.ppy = revenue.periods_per_year
        self.years = -(-periods // self.ppy)
        mpp = revenue.months_per_period
        roll = float(stream.monthly_roll)
        self.weight = np.array([t.area_sqm * t.rent / roll for t in tenants])
        self.market_ratio = np.array([stream.market_rent / t.rent for t in tenants])
        self.real = np.array([t.real_bps / _BPS for t in tenants])
        self.renewal = np.array([t.renewal_bps / _BPS for t in tenants])
        self.lease_end = np.array([t.lease_end_year * self.ppy for t in tenants], dtype=np.int64)
        self.downtime = periods_of(stream.downtime_months, mpp)
        self.new_lease = stream.new_lease_years * self.ppy
        # Renewal decisions a space can face within the term: one per lease, never more.
        self.decisions = periods // self.new_lease + 2
        year = np.arange(self.years)
        self.group_exit = [g.exit_bps_per_year / _BPS for g in stream.groups]
        self.group_window = [
            (year >= g.from_year - 1) & (year <= g.to_year - 1) for g in stream.groups
        ]
        self.member = [np.array([t.group == g.name for t in tenants]) for g in stream.groups]
