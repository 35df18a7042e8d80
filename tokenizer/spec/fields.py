"""Typed reading of one mapping of a deal file, naming the dotted field path in every error.

A :class:`Section` wraps one YAML mapping (``revenue``, ``revenue.streams[0]``...) with the
field names it allows. Unknown fields are errors with a "did you mean" hint, so a typo is never
silently ignored; each reader (:meth:`Section.integer`, :meth:`Section.amount`...) checks one
field and fails with :class:`~tokenizer.errors.SpecError` naming ``<section path>.<field>``.
Asset kinds in :mod:`tokenizer.assets` read their stream fields with the same class.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final, NoReturn

from tokenizer.errors import SpecError
from tokenizer.spec.reference import COUNTRY_NUMERIC, MAX_WHOLE_UNITS
from tokenizer.spec.values import describe, parse_amount, show, to_decimal

__all__ = ["MISSING", "SLUG", "Section", "check_int", "country"]

#: Identifiers used in file names and stream names.
SLUG: Final = re.compile(r"[a-z0-9_]+")
_SLUG_SHAPE: Final = "a slug of a-z, 0-9 and _"
#: Marks a required field: readers fail when the field is absent and no default is given.
MISSING: Final[Any] = object()


class Section:
    """One mapping of the deal file at dotted ``path``, allowing only the ``allowed`` fields."""

    def __init__(self, source: str, path: str, value: object, allowed: Sequence[str]) -> None:
        self.source = source
        self.path = path
        if not isinstance(value, dict):
            self.fail("", f"must be a mapping of fields, got {describe(value)}")
        for key in value:
            if not isinstance(key, str):
                self.fail("", f"field names must be text, got {describe(key)}")
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "expected one of: "
                if not close:
                    hint += ", ".join(allowed)
                self.fail(key, f"unknown field ({hint})")
        self.data: dict[str, object] = value

    def where(self, key: str) -> str:
        """The dotted path of ``key`` in this section (the section itself for ``""``)."""
        if not key:
            return self.path or "(top level)"
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> NoReturn:
        raise SpecError(self.where(key), problem, self.source)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: object = MISSING) -> object:
        if key not in self.data:
            if default is MISSING:
                self.fail(key, "is required but missing")
            return default
        value = self.data[key]
        if value is None:
            self.fail(key, "is empty; give it a value or remove the line")
        return value

    def text(
        self,
        key: str,
        default: object = MISSING,
        pattern: re.Pattern[str] | None = None,
        shape: str = "",
        max_len: int = 2000,
    ) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            self.fail(key, f"must be text, got {describe(value)}")
        value = value.strip()
        if not value:
            self.fail(key, "must not be empty")
        if len(value) > max_len:
            self.fail(key, f"is too long ({len(value)} characters, at most {max_len})")
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(key, f"must be {shape}, got {value!r}")
        return value

    def slug(self, key: str) -> str:
        """An identifier of a-z, 0-9 and _, at most 64 characters."""
        return self.text(key, pattern=SLUG, shape=_SLUG_SHAPE, max_len=64)

    def integer(self, key: str, lo: int, hi: int, default: object = MISSING) -> int:
        value = self.raw(key, default)
        return check_int(self, key, value, lo, hi)

    def bps(self, key: str, lo: int, hi: int, default: object = MISSING) -> int:
        value = self.raw(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(key, f"must be a whole number of basis points, got {describe(value)}")
        if not lo <= value <= hi:
            self.fail(
                key,
                f"must be between {lo} and {hi} basis points "
                f"({_pct(lo)} to {_pct(hi)}), got {value}",
            )
        return value

    def boolean(self, key: str, default: object = MISSING) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {describe(value)}")
        return value

    def amount(
        self,
        key: str,
        decimals: int,
        unit: str,
        *,
        positive: bool = True,
        default: object = MISSING,
    ) -> int:
        value = self.raw(key, default)
        try:
            result = parse_amount(value, decimals, unit)
        except ValueError as exc:
            self.fail(key, str(exc))
        if positive and result == 0:
            self.fail(key, f"must be greater than zero, got {show(value)}")
        if result > MAX_WHOLE_UNITS * 10**decimals:
            self.fail(
                key,
                f"is absurdly large ({show(value)} is more than 10**15 whole units of "
                f"{unit}); check the units",
            )
        return result

    def decimal(self, key: str, lo: Decimal, hi: Decimal, default: object = MISSING) -> Decimal:
        value = self.raw(key, default)
        try:
            number = to_decimal(value)
        except ValueError as exc:
            self.fail(key, str(exc))
        if not lo < number <= hi:
            self.fail(key, f"must be greater than {lo} and at most {hi}, got {show(value)}")
        return number

    def section(self, key: str, allowed: Sequence[str], default: object = MISSING) -> Section:
        return Section(self.source, self.where(key), self.raw(key, default), allowed)

    def items(self, key: str, default: object = MISSING) -> list[object]:
        value = self.raw(key, default)
        if not isinstance(value, list):
            self.fail(key, f"must be a list, got {describe(value)}")
        return value

    def weights(self, key: str, noun: str, names: Sequence[str] | None = None) -> dict[str, int]:
        """Percent weights keyed by ``names`` (or by country codes when ``names`` is None)."""
        value = self.raw(key)
        if not isinstance(value, dict) or not value:
            self.fail(
                key, f"must be a non-empty mapping of {noun} to percent, got {describe(value)}"
            )
        result: dict[str, int] = {}
        for name, weight in value.items():
            if names is None:
                code = country(self, key, name, allow_eu=True)
            elif isinstance(name, str) and name in names:
                code = name
            else:
                self.fail(key, f"unknown {noun} {show(name)} (expected one of: {', '.join(names)})")
            result[code] = check_int(self, f"{key}.{code}", weight, 0, 100)
        total = sum(result.values())
        if total != 100:
            self.fail(key, f"weights must sum to 100 (percent), got {total}")
        return result


def check_int(section: Section, key: str, value: object, lo: int, hi: int) -> int:
    """``value`` as a whole number in ``lo..hi``, else fail at ``section``'s ``key``."""
    if not isinstance(value, int) or isinstance(value, bool):
        section.fail(key, f"must be a whole number, got {describe(value)}")
    if value < lo:
        if lo == 1 and value <= 0:
            section.fail(key, f"must be greater than zero, got {value}")
        if lo == 0:
            section.fail(key, f"must not be negative, got {value}")
        section.fail(key, f"must be at least {lo}, got {value}")
    if value > hi:
        section.fail(key, f"must be at most {hi}, got {value}")
    return value


def _pct(bps: int) -> str:
    return f"{Decimal(bps) / 100:f} %"


def country(section: Section, key: str, code: object, *, allow_eu: bool) -> str:
    """A known ISO 3166-1 alpha-2 code (or ``"EU"`` when allowed), else fail at ``key``."""
    if isinstance(code, bool):
        section.fail(key, f"got {str(code).lower()}: YAML reads NO as false; quote it ('NO')")
    if not isinstance(code, str):
        section.fail(key, f"must be a country code, got {describe(code)}")
    if allow_eu and code == "EU":
        return code
    if code not in COUNTRY_NUMERIC:
        hint = (
            f" (codes are upper case: {code.upper()!r})" if code.upper() in COUNTRY_NUMERIC else ""
        )
        eu = " or 'EU'" if allow_eu else ""
        section.fail(
            key,
            f"unknown country code {code!r}{hint}; use an ISO 3166-1 alpha-2 code{eu} "
            "listed in tokenizer.spec.COUNTRY_NUMERIC",
        )
    return code
