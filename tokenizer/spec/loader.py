"""``load_spec``: read a deal file, check each section and the rules that span sections."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from tokenizer.spec.compliance import COMPLIANCE_FIELDS, read_compliance
from tokenizer.spec.disclosure import DISCLOSURE_FIELDS, read_disclosure
from tokenizer.spec.fields import Section
from tokenizer.spec.model import DealSpec
from tokenizer.spec.reference import EU_MEMBERS
from tokenizer.spec.revenue import REVENUE_FIELDS, read_revenue
from tokenizer.spec.sale import (
    INVESTORS_FIELDS,
    OFFERING_FIELDS,
    SETTLEMENT_FIELDS,
    TOKEN_FIELDS,
    read_investors,
    read_offering,
    read_settlement,
    read_token,
)
from tokenizer.spec.strict_yaml import read_yaml
from tokenizer.spec.structure import STRUCTURE_FIELDS, read_structure
from tokenizer.spec.values import describe

__all__ = ["load_spec"]

_TOP: Final = (
    "id", "name", "summary", "sources", "token", "settlement", "offering", "investors",
    "revenue", "compliance", "structure", "disclosure",
)  # fmt: skip


def load_spec(path: str | Path) -> DealSpec:
    """Read ``path`` and return the validated deal, or raise :class:`SpecError`."""
    path = Path(path)
    source = str(path)
    top = Section(source, "", read_yaml(path, source), _TOP)
    deal_id = top.slug("id")
    name = top.text("name", max_len=200)
    summary = top.text("summary")
    sources = tuple(_sources(top))
    token = read_token(top.section("token", TOKEN_FIELDS))
    settlement = read_settlement(top.section("settlement", SETTLEMENT_FIELDS))
    offering = read_offering(top.section("offering", OFFERING_FIELDS), token, settlement)
    investors = read_investors(top.section("investors", INVESTORS_FIELDS), settlement)
    revenue = read_revenue(top.section("revenue", REVENUE_FIELDS), token)
    compliance = read_compliance(top.section("compliance", COMPLIANCE_FIELDS, default={}), token)
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
    structure = None
    if top.has("structure"):
        structure = read_structure(
            top.section("structure", STRUCTURE_FIELDS),
            token,
            settlement,
            offering,
            token.term_years * revenue.periods_per_year,
        )
    disclosure = None
    if top.has("disclosure"):
        if structure is not None:
            top.fail(
                "disclosure",
                "not yet available with structure: (the waterfall's deposit is not gated on "
                "attested reports yet); use one or the other",
            )
        disclosure = read_disclosure(top.section("disclosure", DISCLOSURE_FIELDS))
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
        structure=structure,
        disclosure=disclosure,
    )


def _sources(top: Section) -> list[str]:
    items = top.items("sources")
    if not items:
        top.fail("sources", "must name at least one source document")
    result = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            top.fail(f"sources[{i}]", f"must be non-empty text, got {describe(item)}")
        result.append(item.strip())
    return result
