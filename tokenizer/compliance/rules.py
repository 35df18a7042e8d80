"""The token's compliance rules as the Python side configures them.

* the rule ids of the token's compliance modules and their names;
* :func:`rule_steps`: the admin calls that give a fresh token a deal's rules from its spec (the
  deployment records each as a step, like the role grants).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tokenizer.spec import COUNTRY_NUMERIC, INVESTOR_CLASSES, ComplianceSpec
from tokenizer.units import SECONDS_PER_DAY

#: Rule ids: the ``RULE_*`` constants of the token's compliance modules.
RULE_COUNTRIES = 0
RULE_INVESTOR_CLASS = 1
RULE_MAX_HOLDERS = 2
RULE_MAX_BALANCE = 3
RULE_LOCKUP = 4
RULE_NAMES: dict[int, str] = {
    RULE_COUNTRIES: "countries",
    RULE_INVESTOR_CLASS: "investor class",
    RULE_MAX_HOLDERS: "max holders",
    RULE_MAX_BALANCE: "max balance",
    RULE_LOCKUP: "lock-up",
}

US = COUNTRY_NUMERIC["US"]
ACCREDITED = INVESTOR_CLASSES.index("accredited")


@dataclass(frozen=True)
class RuleStep:
    """One admin call on the token that configures a rule; ``name`` is the recorded step."""

    name: str
    function: str
    args: tuple[Any, ...]


def rule_steps(compliance: ComplianceSpec, min_class: int | None = None) -> list[RuleStep]:
    """The calls that give a fresh token the rules of ``compliance``, in order.

    Countries are allowed and blocked by ISO 3166-1 numeric code; US receivers need class
    accredited (2) or institutional (3) when ``us_accredited_only``; a zero ``max_holders``,
    ``max_balance`` or ``lockup_days`` leaves its rule off. ``min_class`` (a tranche's own
    ``min_investor_class``, an index of INVESTOR_CLASSES) is the least class of every receiver
    in every allowed country, US receivers keeping the stricter of it and accredited.
    """
    allowed = [COUNTRY_NUMERIC[c] for c in compliance.allowed_countries]
    blocked = [COUNTRY_NUMERIC[c] for c in compliance.blocked_countries]
    steps = [RuleStep("compliance: allow countries", "setCountriesAllowed", (allowed, True))]
    if blocked:
        steps.append(
            RuleStep("compliance: block countries", "setCountriesBlocked", (blocked, True))
        )
    enable = [RULE_COUNTRIES]
    if min_class:
        everyone = [c for c in allowed if not (compliance.us_accredited_only and c == US)]
        steps.append(
            RuleStep(
                f"compliance: investors {INVESTOR_CLASSES[min_class]} or above",
                "setMinimumInvestorClass",
                (everyone, min_class),
            )
        )
        enable.append(RULE_INVESTOR_CLASS)
    if compliance.us_accredited_only:
        steps.append(
            RuleStep(
                "compliance: US investors accredited",
                "setMinimumInvestorClass",
                ([US], max(ACCREDITED, min_class or 0)),
            )
        )
        if RULE_INVESTOR_CLASS not in enable:
            enable.append(RULE_INVESTOR_CLASS)
    if compliance.max_holders:
        steps.append(
            RuleStep("compliance: max holders", "setMaxHolders", (compliance.max_holders,))
        )
        enable.append(RULE_MAX_HOLDERS)
    if compliance.max_balance:
        steps.append(
            RuleStep("compliance: max balance", "setMaxBalance", (compliance.max_balance,))
        )
        enable.append(RULE_MAX_BALANCE)
    if compliance.lockup_days:
        steps.append(
            RuleStep(
                "compliance: lock-up period",
                "setLockupPeriod",
                (compliance.lockup_days * SECONDS_PER_DAY,),
            )
        )
        enable.append(RULE_LOCKUP)
    steps += [
        RuleStep(f"compliance: enable {RULE_NAMES[rule]}", "enableRule", (rule,)) for rule in enable
    ]
    return steps
