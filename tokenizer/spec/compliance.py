"""The ``compliance`` section: who may hold the token (countries, KYC, caps, lock-up)."""

from __future__ import annotations

from typing import Final

from tokenizer.spec.fields import Section, country
from tokenizer.spec.model import ComplianceSpec, TokenSpec
from tokenizer.spec.reference import EU_MEMBERS

__all__ = ["COMPLIANCE_FIELDS", "read_compliance"]

COMPLIANCE_FIELDS: Final = (
    "allowed_countries", "blocked_countries", "kyc_valid_days", "us_accredited_only",
    "max_holders", "max_balance", "lockup_days",
)  # fmt: skip


def read_compliance(s: Section, token: TokenSpec) -> ComplianceSpec:
    default = ComplianceSpec()
    allowed = _countries(s, "allowed_countries", default.allowed_countries)
    blocked = _countries(s, "blocked_countries", default.blocked_countries)
    for code in blocked:
        if code in allowed:
            s.fail("blocked_countries", f"{code} is also in compliance.allowed_countries")
    if not allowed:
        s.fail("allowed_countries", "must allow at least one country")
    return ComplianceSpec(
        allowed_countries=allowed,
        blocked_countries=blocked,
        kyc_valid_days=s.integer("kyc_valid_days", 1, 3650, default=default.kyc_valid_days),
        us_accredited_only=s.boolean("us_accredited_only", default=True),
        max_holders=s.integer("max_holders", 0, 1_000_000, default=0),
        max_balance=s.amount("max_balance", token.decimals, "the token", positive=False, default=0),
        lockup_days=s.integer("lockup_days", 0, 3650, default=0),
    )


def _countries(s: Section, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    if not s.has(key):
        return default
    result: list[str] = []
    for i, item in enumerate(s.items(key)):
        code = country(s, f"{key}[{i}]", item, allow_eu=True)
        for member in EU_MEMBERS if code == "EU" else (code,):
            if member in result:
                s.fail(f"{key}[{i}]", f"{member} is listed twice")
            result.append(member)
    return tuple(result)
