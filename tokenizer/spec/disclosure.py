"""The ``disclosure`` section: the assets behind the deal, the attesters the registry knows, the
documents the deal publishes (those marked ``required`` gate the primary sale) and the covenant
the attested revenue reports are tested against.

A deal without ``disclosure:`` deploys no document registry and distributes as before.
"""

from __future__ import annotations

import re
from typing import Final

from tokenizer.spec.fields import Section
from tokenizer.spec.model import AssetSpec, AttesterSpec, DisclosureSpec, DocumentSpec
from tokenizer.spec.reference import BPS
from tokenizer.spec.values import describe

__all__ = [
    "ASSET_TYPES",
    "ATTESTER_ROLES",
    "DISCLOSURE_FIELDS",
    "DOCUMENT_KINDS",
    "read_disclosure",
]

DISCLOSURE_FIELDS: Final = ("assets", "attesters", "documents", "covenant")
_ASSET_FIELDS: Final = ("key", "type", "location", "pool")
_ATTESTER_FIELDS: Final = ("name", "role", "address")
_DOCUMENT_FIELDS: Final = ("asset", "kind", "title", "attested_by", "required")
_COVENANT_FIELDS: Final = ("below_bps", "periods")

#: The registry's asset types (``DocumentRegistry.AssetType``), in its order.
ASSET_TYPES: Final = (
    "land", "minerals", "forestry", "water", "energy", "data", "physical_asset", "claim",
    "equity", "franchise_right", "future_income_right", "pool",
)  # fmt: skip
#: Attester roles and their bits in the registry.
ATTESTER_ROLES: Final = {"appraiser": 1, "lawyer": 2, "auditor": 4, "trustee": 8}
#: Document kinds and their numbers in the registry.
DOCUMENT_KINDS: Final = {
    "appraisal": 1,
    "legal_opinion": 2,
    "title_and_encumbrances": 3,
    "leases_or_rent_roll": 4,
    "operator_statement": 5,
    "revenue_report": 6,
    "offering_memorandum": 7,
    "other": 8,
}
_KEY: Final = re.compile(r"[a-z0-9_]{1,40}")
_ADDRESS: Final = re.compile(r"0x[0-9a-fA-F]{40}")


def read_disclosure(s: Section) -> DisclosureSpec:
    """The disclosure section, or :class:`SpecError` naming the field."""
    assets = tuple(
        _asset(_item(s, "assets", i, v, _ASSET_FIELDS)) for i, v in enumerate(_list(s, "assets"))
    )
    keys = [a.key for a in assets]
    for i, a in enumerate(assets):
        if a.key == "deal" or keys.count(a.key) > 1:
            s.fail(f"assets[{i}].key", f"{a.key!r} is reserved or used twice")
        if a.pool is not None and (
            a.pool not in keys[:i] or assets[keys.index(a.pool)].type != "pool"
        ):
            s.fail(f"assets[{i}].pool", f"must name an earlier asset of type pool, got {a.pool!r}")
    attesters = tuple(
        _attester(_item(s, "attesters", i, v, _ATTESTER_FIELDS))
        for i, v in enumerate(_list(s, "attesters"))
    )
    roles = {a.role for a in attesters}
    documents = tuple(
        _document(_item(s, "documents", i, v, _DOCUMENT_FIELDS), keys, roles)
        for i, v in enumerate(_list(s, "documents"))
    )
    series = [(d.asset, d.kind) for d in documents]
    for i, key in enumerate(series):
        if series.count(key) > 1:
            s.fail(f"documents[{i}]", f"one document per asset and kind ({key[0]}, {key[1]})")
    if "auditor" not in roles:
        s.fail("attesters", "must name an auditor: every revenue report is co-signed by one")
    below, periods = 0, 0
    if s.has("covenant"):
        c = s.section("covenant", _COVENANT_FIELDS)
        below = c.bps("below_bps", 1, BPS)
        periods = c.integer("periods", 1, 1_000)
    return DisclosureSpec(
        assets=assets,
        attesters=attesters,
        documents=documents,
        covenant_below_bps=below,
        covenant_periods=periods,
    )


def _list(s: Section, key: str) -> list[object]:
    items = s.items(key)
    if not items:
        s.fail(key, "must list at least one entry")
    return items


def _item(s: Section, key: str, i: int, value: object, fields: tuple[str, ...]) -> Section:
    if not isinstance(value, dict):
        s.fail(f"{key}[{i}]", f"must be a mapping, got {describe(value)}")
    return Section(s.source, s.where(f"{key}[{i}]"), value, fields)


def _choice(s: Section, key: str, options: tuple[str, ...] | list[str]) -> str:
    value = s.text(key)
    if value not in options:
        s.fail(key, f"must be one of {', '.join(options)}, got {value!r}")
    return value


def _asset(s: Section) -> AssetSpec:
    key = s.text("key", pattern=_KEY, shape="a key of a-z, 0-9 and _")
    pool = s.text("pool", pattern=_KEY, shape="an asset key") if s.has("pool") else None
    return AssetSpec(
        key=key,
        type=_choice(s, "type", ASSET_TYPES),
        location=s.text("location", max_len=200),
        pool=pool,
    )


def _attester(s: Section) -> AttesterSpec:
    address = (
        s.text("address", pattern=_ADDRESS, shape="0x and 40 hex digits")
        if s.has("address")
        else None
    )
    return AttesterSpec(
        name=s.text("name", max_len=200),
        role=_choice(s, "role", list(ATTESTER_ROLES)),
        address=address,
    )


def _document(s: Section, assets: list[str], roles: set[str]) -> DocumentSpec:
    asset = s.text("asset")
    if asset != "deal" and asset not in assets:
        s.fail("asset", f"must be 'deal' or an asset key ({', '.join(assets)}), got {asset!r}")
    by = s.items("attested_by")
    if not by:
        s.fail("attested_by", "must name at least one attester role")
    for j, role in enumerate(by):
        if role not in ATTESTER_ROLES:
            s.fail(
                f"attested_by[{j}]",
                f"must be one of {', '.join(ATTESTER_ROLES)}, got {describe(role)}",
            )
        if role not in roles:
            s.fail(f"attested_by[{j}]", f"no attester with role {role} is listed in attesters")
    return DocumentSpec(
        asset=asset,
        kind=_choice(s, "kind", list(DOCUMENT_KINDS)),
        title=s.text("title", max_len=200),
        attested_by=tuple(str(r) for r in by),
        required=s.boolean("required", default=True),
    )
