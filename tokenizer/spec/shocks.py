"""Shock lists (``revenue.shocks`` and each stream's ``shocks``): bad stretches of term years."""

from __future__ import annotations

from typing import Final

from tokenizer.spec.fields import Section
from tokenizer.spec.model import ShockSpec
from tokenizer.spec.reference import BPS

__all__ = ["SHOCK_FIELDS", "read_shocks"]

SHOCK_FIELDS: Final = ("from_year", "to_year", "haircut_bps", "probability_bps", "reason")


def read_shocks(s: Section, term_years: int) -> tuple[ShockSpec, ...]:
    """The optional ``shocks`` list of section ``s``; years lie within the deal's term."""
    result = []
    for i, raw in enumerate(s.items("shocks", default=[])):
        sh = Section(s.source, f"{s.where('shocks')}[{i}]", raw, SHOCK_FIELDS)
        shock = ShockSpec(
            from_year=sh.integer("from_year", 1, term_years),
            to_year=sh.integer("to_year", 1, term_years),
            haircut_bps=sh.bps("haircut_bps", 1, BPS),
            probability_bps=sh.bps("probability_bps", 1, BPS, default=BPS),
            reason=sh.text("reason", max_len=200) if sh.has("reason") else "",
        )
        if shock.from_year > shock.to_year:
            sh.fail("from_year", f"must not be after to_year ({shock.from_year} > {shock.to_year})")
        result.append(shock)
    return tuple(result)
