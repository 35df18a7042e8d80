"""Small pieces the credit-like kinds share (``transit``, ``office``, ``receivables``).

Not a kind itself (it registers nothing).
"""

from __future__ import annotations

import numpy as np

from tokenizer.spec.fields import Section

__all__ = ["expectation_draw", "per_period", "periods_of", "sub_sections"]


def expectation_draw(j: int) -> np.random.Generator:
    """Fixed generators for estimating a kind's mean factor (the same estimate every time)."""
    return np.random.default_rng([0x4D45414E, j])  # "MEAN"


def per_period(bps_per_year: int, periods_per_year: int) -> float:
    """The chance per period of an event with ``bps_per_year`` a year (a constant hazard)."""
    annual = bps_per_year / 10_000.0
    if annual >= 1.0:
        return 1.0
    result: float = 1.0 - (1.0 - annual) ** (1.0 / periods_per_year)
    return result


def periods_of(months: int, months_per_period: int) -> int:
    """Whole periods covering ``months`` (rounded up: a delay is never shortened)."""
    return -(-months // months_per_period)


def sub_sections(
    s: Section, key: str, allowed: tuple[str, ...], *, required: bool
) -> list[Section]:
    """Each mapping of the list ``key`` as a :class:`Section` at ``<key>[i]``."""
    if not s.has(key) and not required:
        return []
    items = s.items(key)
    if required and not items:
        s.fail(key, "must list at least one entry")
    return [Section(s.source, f"{s.where(key)}[{i}]", raw, allowed) for i, raw in enumerate(items)]
