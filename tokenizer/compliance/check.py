"""Asking the token whether a transfer would pass, and which rule would stop it.

:func:`check_transfer` and :func:`check_many` put transfers to the token's ``canTransfer`` view
(the very check its transfers run) and turn a refusal into a :class:`Verdict` that names the
rule, explains it from :mod:`tokenizer.compliance.refusals` and carries the error's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address

from tokenizer.chain import Chain, Contract
from tokenizer.chain.abi import ErrorDecoder
from tokenizer.compliance.refusals import REFUSALS, describe


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
    return value


def explain(contract: Contract, reason: bytes) -> Verdict:
    """Turn the revert data of a refused transfer into a :class:`Verdict`."""
    if len(reason) < 4:
        return Verdict(True) if not reason else Verdict(False, message="refused without a reason")
    raw = "0x" + reason.hex()
    error = ErrorDecoder([contract.interface]).decode_error(reason)
    if error.name is None:
        return Verdict(False, message=f"refused by an unknown error {raw[:10]}", reason=raw)
    kind = REFUSALS.get(error.name)
    if kind is None:
        return Verdict(False, error.name, None, error.text, error.args, raw, error.text)
    explanation = f"{describe(error.name, error.args)}: {error.text}"
    message = f"refused by the {kind.rule} rule: {explanation}"
    return Verdict(False, error.name, kind.rule, message, error.args, raw, explanation)


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
