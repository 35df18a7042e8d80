"""The exact integer mirror of the payment waterfall (``contracts/waterfall/Waterfall.sol``).

Given a deal's structure and a path of per-period collections (settlement smallest units), it
computes every payment of every period, each tagged with where its money came from. The
servicer runs it before depositing a period; the reconciliation runs it to check the chain;
:func:`run_paths` runs many paths at once with NumPy integers (no floats) and equals
:func:`run` to the unit.

One period ``t`` (1-based, ``N`` periods in all) with collections ``c``, in this order:

1. **Triggers.** Senior debt service ``ds`` is the most senior tranche's interest due plus its
   principal due. The period is *below* a trigger when ``ds > 0`` and
   ``c * 10000 < below_bps * ds`` (DSCR = collections / debt service, compared exactly). A
   trigger switches on after ``periods`` consecutive periods below and off (cured) after
   ``cure_periods`` consecutive periods at or above; the new state applies to this period.
2. **Fees**, in order: ``bps_per_year`` of the senior principal outstanding at the start of
   the period, ``outstanding * bps // (10000 * periods_per_year)``, or ``amount_per_year //
   periods_per_year``; unpaid fees are owed in later periods.
3. **Each rated tranche**, most senior first: interest, then principal. The coupon of a period
   is ``outstanding * coupon_bps // (10000 * periods_per_year)``, floored once (the fraction
   is never paid); interest due adds what is owed from before (``accrue``; with ``lapse`` the
   unpaid part is dropped). Principal due brings the outstanding down to the schedule's:
   ``original - original * repaid_so_far``, with bullet (all in period ``N``), straight line
   (``original * t // N`` repaid by period ``t``) or a table of bps per period; a missed
   payment is due again next period. A shortfall is met from the reserve (most senior tranche
   only), then from each guarantor covering the tranche, within its per-period and total
   limits.
   After the most senior tranche the **reserve** is filled up to its target (a fixed amount,
   or bps of the senior outstanding, zero in period ``N``); a reserve above target releases the
   excess into the period's funds (labelled ``reserve``), except while cash is trapped.
4. **Guarantor repayments** (where the deal says so) of what was drawn, ahead of the junior.
5. **Accelerated amortisation** while an ``accelerate_senior`` trigger is on: what is left
   repays the most senior tranche's principal.
6. **The residual** goes to the junior tranche; while a ``trap_cash`` trigger is on (before
   period ``N``) it is kept in the reserve account instead. In period ``N`` everything left,
   the reserve included, goes down the waterfall: that is the junior's defined end.

Funds are used in the order: the period's collections, then released reserve. Principal not
repaid by period ``N`` stays outstanding (a loss the mirror reports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from tokenizer.errors import TokenizerError
from tokenizer.spec.model import StructureSpec
from tokenizer.spec.reference import BPS

__all__ = [
    "BULLET",
    "SCHEDULE",
    "STRAIGHT_LINE",
    "PathResult",
    "PathsResult",
    "Payment",
    "PeriodResult",
    "Terms",
    "TrancheTerms",
    "run",
    "run_paths",
    "terms_of",
]

BULLET: Final = 0
STRAIGHT_LINE: Final = 1
SCHEDULE: Final = 2
TRAP_CASH: Final = 0
ACCELERATE_SENIOR: Final = 1
_KINDS: Final = {"bullet": BULLET, "straight_line": STRAIGHT_LINE, "schedule": SCHEDULE}
_ACTIONS: Final = {"trap_cash": TRAP_CASH, "accelerate_senior": ACCELERATE_SENIOR}

# Sources of a payment.
COLLECTIONS: Final = "collections"
RESERVE: Final = "reserve"
GUARANTOR: Final = "guarantor"


@dataclass(frozen=True)
class TrancheTerms:
    principal: int  # settlement smallest units; 0 for the residual
    coupon_bps: int = 0
    kind: int = BULLET
    cum_bps: tuple[int, ...] = ()  # SCHEDULE: bps repaid by the end of period t is cum_bps[t-1]
    accrues: bool = True


@dataclass(frozen=True)
class Terms:
    """The waterfall's integer terms, exactly what the contract is deployed with."""

    periods: int
    periods_per_year: int
    tranches: tuple[TrancheTerms, ...]  # rated ones, most senior first; the residual is implied
    fee_bps: tuple[int, ...] = ()  # per fee: bps a year of the senior outstanding, or 0
    fee_fixed: tuple[int, ...] = ()  # per fee: the fixed due per period, or 0
    reserve_target_bps: int = 0
    reserve_target: int = 0
    reserve_initial: int = 0
    guarantor_covers: tuple[int, ...] = ()
    guarantor_per_period: tuple[int, ...] = ()
    guarantor_total: tuple[int, ...] = ()
    guarantor_repaid: tuple[bool, ...] = ()
    trigger_below_bps: tuple[int, ...] = ()
    trigger_periods: tuple[int, ...] = ()
    trigger_cure: tuple[int, ...] = ()
    trigger_action: tuple[int, ...] = ()

    @property
    def rated(self) -> int:
        return len(self.tranches)

    def scheduled_repaid(self, i: int, t: int) -> int:
        """Principal of rated tranche ``i`` the schedule has repaid by the end of period ``t``."""
        tr = self.tranches[i]
        if t >= self.periods:
            return tr.principal
        if tr.kind == BULLET:
            return 0
        if tr.kind == STRAIGHT_LINE:
            return tr.principal * t // self.periods
        bps = tr.cum_bps[min(t, len(tr.cum_bps)) - 1]
        return tr.principal * bps // BPS


def terms_of(structure: StructureSpec, periods: int, periods_per_year: int) -> Terms:
    """The integer terms of a deal's structure over ``periods`` periods."""
    rated = [t for t in structure.tranches if not t.residual]
    tranches = []
    for t in rated:
        cum: list[int] = []
        for bps in t.schedule:
            cum.append((cum[-1] if cum else 0) + bps)
        tranches.append(
            TrancheTerms(
                principal=t.size,
                coupon_bps=t.coupon_bps,
                kind=_KINDS[t.amortisation],
                cum_bps=tuple(cum),
                accrues=t.interest_accrues,
            )
        )
    r = structure.reserve
    g = structure.guarantors
    tr = structure.triggers
    return Terms(
        periods=periods,
        periods_per_year=periods_per_year,
        tranches=tuple(tranches),
        fee_bps=tuple(f.bps_per_year for f in structure.fees),
        fee_fixed=tuple(f.amount_per_year // periods_per_year for f in structure.fees),
        reserve_target_bps=r.target_bps_of_senior if r else 0,
        reserve_target=r.target if r else 0,
        reserve_initial=r.initial if r else 0,
        guarantor_covers=tuple(x.covers for x in g),
        guarantor_per_period=tuple(x.per_period_limit for x in g),
        guarantor_total=tuple(x.total_limit for x in g),
        guarantor_repaid=tuple(x.repaid for x in g),
        trigger_below_bps=tuple(x.below_bps for x in tr),
        trigger_periods=tuple(x.periods for x in tr),
        trigger_cure=tuple(x.cure_periods for x in tr),
        trigger_action=tuple(_ACTIONS[x.action] for x in tr),
    )


@dataclass(frozen=True)
class Payment:
    """One amount moved in a period: ``step`` to ``to`` (an index), paid from ``source``."""

    step: str  # fee | interest | principal | reserve_fill | guarantor_repayment | residual | trap
    to: int  # fee, tranche (the residual is index ``rated``) or guarantor index; 0 for the reserve
    source: str  # collections | reserve | guarantor
    amount: int
    guarantor: int = -1  # for source guarantor: which one


@dataclass
class PeriodResult:
    period: int
    collections: int
    debt_service: int
    triggers_on: tuple[bool, ...]
    payments: list[Payment] = field(default_factory=list)
    tranche_paid: list[int] = field(default_factory=list)  # per tranche, the residual last
    interest_paid: list[int] = field(default_factory=list)  # per rated tranche
    principal_paid: list[int] = field(default_factory=list)
    interest_shortfall: list[int] = field(default_factory=list)  # unpaid interest of the period
    fee_paid: list[int] = field(default_factory=list)
    guarantor_drawn: list[int] = field(default_factory=list)
    guarantor_repaid: list[int] = field(default_factory=list)
    reserve_drawn: int = 0
    reserve_filled: int = 0  # from collections, up to the target
    reserve_released: int = 0
    trapped: int = 0
    reserve: int = 0  # balance after the period
    outstanding: list[int] = field(default_factory=list)  # after the period
    interest_owed: list[int] = field(default_factory=list)
    fee_owed: list[int] = field(default_factory=list)
    guarantor_owed: list[int] = field(default_factory=list)

    @property
    def dscr_bps(self) -> int | None:
        """Collections over senior debt service in bps, floored (None without debt service)."""
        return None if self.debt_service == 0 else self.collections * BPS // self.debt_service


@dataclass
class PathResult:
    periods: list[PeriodResult]


class _Funds:
    """The period's funds: collections first, then released reserve."""

    def __init__(self, collections: int) -> None:
        self.c = collections
        self.r = 0

    def take(self, due: int) -> tuple[int, int]:
        from_c = min(self.c, due)
        self.c -= from_c
        from_r = min(self.r, due - from_c)
        self.r -= from_r
        return from_c, from_r


class _Pay:
    """Records a payment split by source into period ``p``."""

    def __init__(self, p: PeriodResult) -> None:
        self.p = p

    def pay(self, step: str, to: int, fc: int, fr: int) -> int:
        if fc:
            self.p.payments.append(Payment(step, to, COLLECTIONS, fc))
        if fr:
            self.p.payments.append(Payment(step, to, RESERVE, fr))
        return fc + fr


class _Enhancement:
    """The reserve balance and the guarantors' draws of one path."""

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        self.reserve = terms.reserve_initial
        self.total = [0] * len(terms.guarantor_covers)  # drawn in all
        self.owed = [0] * len(terms.guarantor_covers)  # drawn, to be repaid

    def enhance(self, p: PeriodResult, step: str, i: int, unpaid: int) -> int:
        """Meets ``unpaid`` of tranche ``i`` from the reserve (senior) and the guarantors."""
        terms = self.terms
        got = 0
        if i == 0 and unpaid and self.reserve:
            draw = min(self.reserve, unpaid)
            self.reserve -= draw
            p.reserve_drawn += draw
            p.payments.append(Payment(step, i, RESERVE, draw))
            got += draw
        for g, covers in enumerate(terms.guarantor_covers):
            if covers != i or got == unpaid:
                continue
            room = min(
                terms.guarantor_per_period[g] - p.guarantor_drawn[g],
                terms.guarantor_total[g] - self.total[g],
            )
            draw = min(room, unpaid - got)
            if draw:
                p.guarantor_drawn[g] += draw
                self.total[g] += draw
                if terms.guarantor_repaid[g]:
                    self.owed[g] += draw
                p.payments.append(Payment(step, i, GUARANTOR, draw, guarantor=g))
                got += draw
        return got


def run(terms: Terms, collections: list[int]) -> PathResult:
    """Every payment of every period of one path (``len(collections) == terms.periods``)."""
    if len(collections) != terms.periods:
        raise TokenizerError(
            f"collections: the path has {len(collections)} periods, the deal {terms.periods}"
        )
    n, ppy, k = terms.periods, terms.periods_per_year, terms.rated
    nf, ng, nt = len(terms.fee_bps), len(terms.guarantor_covers), len(terms.trigger_below_bps)
    outstanding = [t.principal for t in terms.tranches]
    owed = [0] * k
    fee_owed = [0] * nf
    below = [0] * nt
    above = [0] * nt
    on = [False] * nt
    enh = _Enhancement(terms)
    result = PathResult(periods=[])
    for t, c in enumerate(collections, start=1):
        if c < 0:
            raise TokenizerError(f"collections[{t - 1}]: must not be negative, got {c}")
        s0 = terms.tranches[0]
        int_due0 = outstanding[0] * s0.coupon_bps // (BPS * ppy) + owed[0]
        prin_due0 = max(0, outstanding[0] - (s0.principal - terms.scheduled_repaid(0, t)))
        ds = int_due0 + prin_due0
        for j in range(nt):
            if ds > 0 and c * BPS < terms.trigger_below_bps[j] * ds:
                below[j] += 1
                above[j] = 0
            else:
                above[j] += 1
                below[j] = 0
            if not on[j] and below[j] >= terms.trigger_periods[j]:
                on[j] = True
            elif on[j] and above[j] >= terms.trigger_cure[j]:
                on[j] = False
        trap = t < n and any(on[j] and terms.trigger_action[j] == TRAP_CASH for j in range(nt))
        accelerate = any(on[j] and terms.trigger_action[j] == ACCELERATE_SENIOR for j in range(nt))
        p = PeriodResult(period=t, collections=c, debt_service=ds, triggers_on=tuple(on))
        p.tranche_paid = [0] * (k + 1)
        p.guarantor_drawn = [0] * ng
        p.guarantor_repaid = [0] * ng
        funds = _Funds(c)

        pay = _Pay(p).pay

        for f in range(nf):
            bps = terms.fee_bps[f]
            due = fee_owed[f] + (outstanding[0] * bps // (BPS * ppy) if bps else terms.fee_fixed[f])
            paid = pay("fee", f, *funds.take(due))
            fee_owed[f] = due - paid
            p.fee_paid.append(paid)

        for i, tr in enumerate(terms.tranches):
            due = outstanding[i] * tr.coupon_bps // (BPS * ppy) + owed[i]
            paid = pay("interest", i, *funds.take(due))
            paid += enh.enhance(p, "interest", i, due - paid)
            owed[i] = due - paid if tr.accrues else 0
            p.interest_paid.append(paid)
            p.interest_shortfall.append(due - paid)
            due = max(0, outstanding[i] - (tr.principal - terms.scheduled_repaid(i, t)))
            got = pay("principal", i, *funds.take(due))
            got += enh.enhance(p, "principal", i, due - got)
            outstanding[i] -= got
            p.principal_paid.append(got)
            p.tranche_paid[i] = paid + got
            if i == 0:
                if t >= n:
                    target = 0
                elif terms.reserve_target_bps:
                    target = outstanding[0] * terms.reserve_target_bps // BPS
                else:
                    target = terms.reserve_target
                if enh.reserve < target:
                    fill = pay("reserve_fill", 0, *funds.take(target - enh.reserve))
                    enh.reserve += fill
                    p.reserve_filled = fill
                elif enh.reserve > target and not trap:
                    p.reserve_released = enh.reserve - target
                    funds.r += enh.reserve - target
                    enh.reserve = target
        for g in range(ng):
            if enh.owed[g]:
                paid = pay("guarantor_repayment", g, *funds.take(enh.owed[g]))
                enh.owed[g] -= paid
                p.guarantor_repaid[g] = paid
        if accelerate and outstanding[0]:
            extra = pay("principal", 0, *funds.take(outstanding[0]))
            outstanding[0] -= extra
            p.principal_paid[0] += extra
            p.tranche_paid[0] += extra
        if trap:
            p.trapped = funds.c + funds.r
            pay("trap", 0, funds.c, funds.r)
            enh.reserve += p.trapped
        else:
            p.tranche_paid[k] = pay("residual", k, funds.c, funds.r)
        p.reserve = enh.reserve
        p.outstanding = list(outstanding)
        p.interest_owed = list(owed)
        p.fee_owed = list(fee_owed)
        p.guarantor_owed = list(enh.owed)
        result.periods.append(p)
    return result


Array = npt.NDArray[Any]


@dataclass
class PathsResult:
    """:func:`run_paths`'s arrays: ``[path, period]`` or ``[path, period, index]``."""

    tranche_paid: Array  # [path, period, tranche] (the residual last)
    interest_paid: Array  # [path, period, rated tranche]
    principal_paid: Array
    fee_paid: Array  # [path, period, fee]
    guarantor_drawn: Array  # [path, period, guarantor]
    guarantor_repaid: Array
    reserve: Array  # [path, period], balance after the period
    outstanding: Array  # [path, period, rated tranche], after the period
    triggers_on: Array  # [path, period, trigger], bool
    debt_service: Array  # [path, period]: the senior's interest and principal due (DSCR's base)
    reserve_drawn: Array  # [path, period]: what the reserve paid towards the senior's shortfall


def _dtype(terms: Terms, collections: Array) -> type[Any]:
    """int64 when every product and sum the waterfall forms fits in it; Python ints otherwise.

    Products: an outstanding principal or the senior debt service (principal plus every coupon
    of the term, should all be owed) or one period's collections, times at most
    ``max(10000, below_bps)``; sums: a path's collections, the reserve and every guarantee.
    """
    principal = sum(t.principal for t in terms.tranches)
    coupons = max(t.coupon_bps for t in terms.tranches) * terms.periods
    service = principal + principal * coupons // (BPS * terms.periods_per_year) + 1
    largest = max(int(collections.max(initial=0)), service, terms.reserve_target)
    factor = max([BPS, *terms.trigger_below_bps])
    total = int(collections.sum(axis=1).max(initial=0)) + terms.reserve_initial
    total += sum(terms.guarantor_total) + service
    return np.int64 if largest * factor < 2**62 and total < 2**62 else object


def run_paths(terms: Terms, collections: npt.ArrayLike) -> PathsResult:
    """:func:`run` over many paths at once: ``collections[path, period]``, integers only."""
    raw = np.asarray(collections)
    if raw.ndim != 2 or raw.shape[1] != terms.periods:
        raise TokenizerError(
            f"collections: expected [paths, {terms.periods}] periods, got shape {raw.shape}"
        )
    if raw.dtype.kind not in "iuO":
        raise TokenizerError(f"collections: must be integers, got {raw.dtype}")
    if raw.size and int(raw.min()) < 0:
        raise TokenizerError("collections: must not be negative")
    dt = _dtype(terms, raw)
    cols = raw.astype(dt)
    m, n, ppy, k = raw.shape[0], terms.periods, terms.periods_per_year, terms.rated
    nf, ng, nt = len(terms.fee_bps), len(terms.guarantor_covers), len(terms.trigger_below_bps)

    def zeros(*shape: int) -> Array:
        return np.zeros(shape, dtype=dt)

    out = PathsResult(
        tranche_paid=zeros(m, n, k + 1),
        interest_paid=zeros(m, n, k),
        principal_paid=zeros(m, n, k),
        fee_paid=zeros(m, n, nf),
        guarantor_drawn=zeros(m, n, ng),
        guarantor_repaid=zeros(m, n, ng),
        reserve=zeros(m, n),
        outstanding=zeros(m, n, k),
        triggers_on=np.zeros((m, n, nt), dtype=bool),
        debt_service=zeros(m, n),
        reserve_drawn=zeros(m, n),
    )
    outstanding = [zeros(m) + t.principal for t in terms.tranches]
    owed = [zeros(m) for _ in range(k)]
    fee_owed = [zeros(m) for _ in range(nf)]
    g_total = [zeros(m) for _ in range(ng)]
    g_owed = [zeros(m) for _ in range(ng)]
    below = [np.zeros(m, dtype=np.int64) for _ in range(nt)]
    above = [np.zeros(m, dtype=np.int64) for _ in range(nt)]
    on = [np.zeros(m, dtype=bool) for _ in range(nt)]
    reserve = zeros(m) + terms.reserve_initial
    for t in range(1, n + 1):
        c = cols[:, t - 1]
        s0 = terms.tranches[0]
        int_due0 = outstanding[0] * s0.coupon_bps // (BPS * ppy) + owed[0]
        target0 = s0.principal - terms.scheduled_repaid(0, t)
        ds = int_due0 + np.maximum(outstanding[0] - target0, 0)
        out.debt_service[:, t - 1] = ds
        trap = np.zeros(m, dtype=bool)
        accelerate = np.zeros(m, dtype=bool)
        for j in range(nt):
            is_below = (ds > 0) & (c * BPS < terms.trigger_below_bps[j] * ds)
            below[j] = np.where(is_below, below[j] + 1, 0)
            above[j] = np.where(is_below, 0, above[j] + 1)
            on[j] = np.where(
                on[j], above[j] < terms.trigger_cure[j], below[j] >= terms.trigger_periods[j]
            )
            out.triggers_on[:, t - 1, j] = on[j]
            if terms.trigger_action[j] == TRAP_CASH:
                trap |= on[j]
            else:
                accelerate |= on[j]
        if t >= n:
            trap[:] = False
        fc = c.copy()
        fr = zeros(m)

        def take(due: Array) -> Array:
            nonlocal fc, fr
            from_c: Array = np.minimum(fc, due)
            fc = fc - from_c
            from_r: Array = np.minimum(fr, due - from_c)
            fr = fr - from_r
            return from_c + from_r

        for f in range(nf):
            bps = terms.fee_bps[f]
            due = fee_owed[f] + (
                outstanding[0] * bps // (BPS * ppy) if bps else zeros(m) + terms.fee_fixed[f]
            )
            paid = take(due)
            fee_owed[f] = due - paid
            out.fee_paid[:, t - 1, f] = paid
        drawn = [zeros(m) for _ in range(ng)]
        from_reserve = zeros(m)

        def enhance(i: int, unpaid: Array, drawn: list[Array]) -> Array:
            nonlocal reserve, from_reserve
            got = zeros(m)
            if i == 0:
                got = np.minimum(reserve, unpaid)
                reserve = reserve - got
                from_reserve = from_reserve + got
            for g in range(ng):
                if terms.guarantor_covers[g] != i:
                    continue
                room = np.minimum(
                    terms.guarantor_per_period[g] - drawn[g], terms.guarantor_total[g] - g_total[g]
                )
                draw = np.minimum(room, unpaid - got)
                drawn[g] = drawn[g] + draw
                g_total[g] = g_total[g] + draw
                if terms.guarantor_repaid[g]:
                    g_owed[g] = g_owed[g] + draw
                got = got + draw
            return got

        for i, tr in enumerate(terms.tranches):
            due = outstanding[i] * tr.coupon_bps // (BPS * ppy) + owed[i]
            paid = take(due)
            paid = paid + enhance(i, due - paid, drawn)
            owed[i] = due - paid if tr.accrues else zeros(m)
            out.interest_paid[:, t - 1, i] = paid
            target = tr.principal - terms.scheduled_repaid(i, t)
            due = np.maximum(outstanding[i] - target, 0)
            got = take(due)
            got = got + enhance(i, due - got, drawn)
            outstanding[i] = outstanding[i] - got
            out.principal_paid[:, t - 1, i] = got
            out.tranche_paid[:, t - 1, i] = paid + got
            if i == 0:
                if t >= n:
                    rtarget = zeros(m)
                elif terms.reserve_target_bps:
                    rtarget = outstanding[0] * terms.reserve_target_bps // BPS
                else:
                    rtarget = zeros(m) + terms.reserve_target
                fill = take(np.maximum(rtarget - reserve, 0))
                release = np.where(trap, 0, np.maximum(reserve - rtarget, 0)).astype(dt)
                reserve = reserve + fill - release
                fr = fr + release
        out.reserve_drawn[:, t - 1] = from_reserve
        for g in range(ng):
            out.guarantor_drawn[:, t - 1, g] = drawn[g]
            paid = take(g_owed[g])
            g_owed[g] = g_owed[g] - paid
            out.guarantor_repaid[:, t - 1, g] = paid
        extra = take(np.where(accelerate, outstanding[0], 0).astype(dt))
        outstanding[0] = outstanding[0] - extra
        out.principal_paid[:, t - 1, 0] += extra
        out.tranche_paid[:, t - 1, 0] += extra
        left = fc + fr
        reserve = reserve + np.where(trap, left, 0).astype(dt)
        out.tranche_paid[:, t - 1, k] = np.where(trap, 0, left)
        out.reserve[:, t - 1] = reserve
        for i in range(k):
            out.outstanding[:, t - 1, i] = outstanding[i]
    return out
