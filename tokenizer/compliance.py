"""Compliance: the token's rules as the Python side sees them.

* the rule ids of the token's compliance modules and their names;
* :func:`rule_steps`: the admin calls that configure a deal's rules from its spec (the
  deployment records each as a step, like the role grants);
* :data:`REFUSALS`: every custom error a rule refuses with, the rule it belongs to and a
  plain-language message; :func:`explain` turns a refusal into one readable line;
* :func:`check_transfer`: asks the token's ``canTransfer`` view whether a transfer would pass
  and, if not, which rule would stop it.

Importing this module also teaches the chain's error decoder these messages (see
:func:`install_hints`), so a refused transaction reads the same as a refused check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from web3.contract import Contract

from tokenizer.chain import HINTS, Chain
from tokenizer.spec import COUNTRY_NUMERIC, INVESTOR_CLASSES, ComplianceSpec

SECONDS_PER_DAY = 86_400

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
NUMERIC_COUNTRY = {number: code for code, number in COUNTRY_NUMERIC.items()}


@dataclass(frozen=True)
class RuleStep:
    """One admin call on the token that configures a rule; ``name`` is the recorded step."""

    name: str
    function: str
    args: tuple[Any, ...]


def rule_steps(compliance: ComplianceSpec) -> list[RuleStep]:
    """The calls that give a fresh token the rules of ``compliance``, in order.

    Countries are allowed and blocked by ISO 3166-1 numeric code; US receivers need class
    accredited (2) or institutional (3) when ``us_accredited_only``; a zero ``max_holders``,
    ``max_balance`` or ``lockup_days`` leaves its rule off.
    """
    allowed = [COUNTRY_NUMERIC[c] for c in compliance.allowed_countries]
    blocked = [COUNTRY_NUMERIC[c] for c in compliance.blocked_countries]
    steps = [RuleStep("compliance: allow countries", "setCountriesAllowed", (allowed, True))]
    if blocked:
        steps.append(
            RuleStep("compliance: block countries", "setCountriesBlocked", (blocked, True))
        )
    enable = [RULE_COUNTRIES]
    if compliance.us_accredited_only:
        steps.append(
            RuleStep(
                "compliance: US investors accredited",
                "setMinimumInvestorClass",
                ([US], ACCREDITED),
            )
        )
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


# ------------------------------------------------------------------------------ refusals


@dataclass(frozen=True)
class RefusalKind:
    """A custom error that refuses a transfer: the rule it belongs to and what it means."""

    rule: str
    hint: str
    detail: Callable[[dict[str, Any]], str] | None = None


def _when(value: Any) -> str:
    return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%d %H:%M UTC")


def _tokens(value: Any) -> str:
    whole, frac = divmod(int(value), 10**18)
    text = f"{whole:,}" + (f".{frac:018d}".rstrip("0") if frac else "")
    return f"{text} tokens"


def _country(value: Any) -> str:
    code = NUMERIC_COUNTRY.get(int(value))
    return f"{code} ({int(value)})" if code else str(int(value))


def _class(value: Any) -> str:
    n = int(value)
    return INVESTOR_CLASSES[n] if 0 <= n < len(INVESTOR_CLASSES) else str(n)


#: Error name -> the rule that refuses with it and a plain-language hint. Transfer refusals
#: first, then the refusals of the admin's and agents' compliance calls.
REFUSALS: dict[str, RefusalKind] = {
    "EnforcedPause": RefusalKind("pause", "the token is paused"),
    "TermMatured": RefusalKind(
        "maturity",
        "the revenue term has ended; transfers are closed, claims still work",
        lambda a: f"matured at {_when(a['maturity'])}",
    ),
    "ERC20InsufficientBalance": RefusalKind(
        "balance",
        "the sender's balance is too small",
        lambda a: f"holds {_tokens(a['balance'])}, needs {_tokens(a['needed'])}",
    ),
    "ERC20InvalidReceiver": RefusalKind("receiver", "the receiver is the zero address"),
    "ReceiverNotVerified": RefusalKind(
        "identity",
        "the receiver is not a verified investor (register the wallet in the IdentityRegistry, "
        "or renew its KYC)",
    ),
    "WalletFrozen": RefusalKind(
        "freeze",
        "the wallet is frozen by the issuer's agent: it can neither send nor receive tokens",
    ),
    "InsufficientUnfrozenBalance": RefusalKind(
        "freeze",
        "part of the sender's tokens are frozen by the issuer's agent; only the unfrozen part "
        "can move",
        lambda a: f"{_tokens(a['unfrozen'])} unfrozen, {_tokens(a['needed'])} needed",
    ),
    "TokensLockedUp": RefusalKind(
        "lock-up",
        "the sender's tokens are still in the lock-up that follows a primary purchase",
        lambda a: f"locked up until {_when(a['lockupEnd'])}",
    ),
    "CountryBlocked": RefusalKind(
        "countries",
        "investors from the receiver's country are blocked for this token",
        lambda a: f"country {_country(a['country'])}",
    ),
    "CountryNotAllowed": RefusalKind(
        "countries",
        "the receiver's country is not one this token is offered in",
        lambda a: f"country {_country(a['country'])}",
    ),
    "InvestorClassTooLow": RefusalKind(
        "investor class",
        "the receiver's investor class is below the minimum for its country (US investors must "
        "be accredited or institutional)",
        lambda a: (
            f"{_class(a['investorClass'])} investor from {_country(a['country'])}, "
            f"minimum {_class(a['minimumClass'])}"
        ),
    ),
    "MaxHoldersReached": RefusalKind(
        "max holders",
        "the token already has the maximum number of holders; a new holder cannot join",
        lambda a: f"maximum {int(a['maxHolders']):,} holders",
    ),
    "MaxBalanceExceeded": RefusalKind(
        "max balance",
        "the receiver would hold more than the maximum balance per investor",
        lambda a: f"would hold {_tokens(a['balanceAfter'])}, maximum {_tokens(a['maxBalance'])}",
    ),
    "FreezeExceedsBalance": RefusalKind("freeze", "cannot freeze more tokens than the holder has"),
    "UnfreezeExceedsFrozen": RefusalKind("freeze", "cannot unfreeze more tokens than are frozen"),
    "UnknownComplianceRule": RefusalKind(
        "rules", f"no compliance module has this rule id (ids: {RULE_NAMES})"
    ),
    "InvalidMinimumClass": RefusalKind(
        "investor class", "the minimum investor class must be 0..3 (retail..institutional)"
    ),
    "InvalidRecoveryWallet": RefusalKind(
        "recovery", "the new wallet of a recovery must differ from the lost one"
    ),
}


def install_hints() -> None:
    """Give the chain's error decoder a plain-language hint for every compliance refusal
    (hints it already has are kept)."""
    for name, kind in REFUSALS.items():
        HINTS.setdefault(name, kind.hint)


install_hints()


@dataclass(frozen=True)
class Verdict:
    """What ``canTransfer`` answered, made readable."""

    allowed: bool
    error: str | None = None  # the custom error's name
    rule: str | None = None  # the rule that refused, e.g. "lock-up"
    message: str = ""  # one line for people
    args: dict[str, Any] | None = None
    reason: str = "0x"  # the raw revert data
    explanation: str = ""  # what the rule says and the values, without the rule's name

    def as_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "rule": self.rule,
            "error": self.error,
            "message": self.message,
            "explanation": self.explanation,
            "args": {k: _jsonable(v) for k, v in (self.args or {}).items()},
            "reason": self.reason,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return to_checksum_address(value)
    return value


def _error_abis(contract: Contract) -> dict[bytes, dict[str, Any]]:
    from eth_utils.abi import function_signature_to_4byte_selector

    found: dict[bytes, dict[str, Any]] = {}
    for item in cast(list[dict[str, Any]], contract.abi):
        if item.get("type") == "error":
            types = ",".join(i["type"] for i in item["inputs"])
            found[function_signature_to_4byte_selector(f"{item['name']}({types})")] = dict(item)
    return found


def explain(contract: Contract, reason: bytes) -> Verdict:
    """Turn the revert data of a refused transfer into a :class:`Verdict`."""
    if len(reason) < 4:
        return Verdict(True) if not reason else Verdict(False, message="refused without a reason")
    item = _error_abis(contract).get(reason[:4])
    raw = "0x" + reason.hex()
    if item is None:
        return Verdict(False, message=f"refused by an unknown error {raw[:10]}", reason=raw)
    name = str(item["name"])
    values = abi_decode([i["type"] for i in item["inputs"]], reason[4:])
    args = {
        i["name"]: to_checksum_address(v) if i["type"] == "address" else v
        for i, v in zip(item["inputs"], values, strict=True)
    }
    shown = ", ".join(f"{k}={_jsonable(v)}" for k, v in args.items())
    kind = REFUSALS.get(name)
    if kind is None:
        return Verdict(False, name, None, f"{name}({shown})", args, raw, f"{name}({shown})")
    detail = f" ({kind.detail(args)})" if kind.detail else ""
    explanation = f"{kind.hint}{detail}: {name}({shown})"
    message = f"refused by the {kind.rule} rule: {explanation}"
    return Verdict(False, name, kind.rule, message, args, raw, explanation)


def check_transfer(
    chain: Chain, token: Contract, sender: str, receiver: str, amount: int
) -> Verdict:
    """Ask ``token.canTransfer`` whether ``sender`` could send ``amount`` to ``receiver`` now."""
    allowed, _selector, reason = chain.call(
        token.functions.canTransfer(
            to_checksum_address(sender), to_checksum_address(receiver), amount
        ),
        "canTransfer",
    )
    if allowed:
        return Verdict(True, message="allowed: every rule passes")
    return explain(token, bytes(reason))


def check_many(
    chain: Chain, token: Contract, transfers: Sequence[tuple[str, str, int]]
) -> list[Verdict]:
    """:func:`check_transfer` for many transfers, in JSON-RPC batches."""
    answers = chain.read_many(token, "canTransfer", [list(t) for t in transfers])
    return [
        Verdict(True, message="allowed: every rule passes")
        if allowed
        else explain(token, bytes(reason))
        for allowed, _selector, reason in answers
    ]
