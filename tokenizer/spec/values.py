"""Scalar values of a deal file: exact amounts and decimals, and how a value is named in errors.

Money is integer money. Amounts are written in whole currency units, as YAML numbers or
(preferably) quoted decimal strings, and converted with :class:`decimal.Decimal` to integer
smallest units *exactly*; an amount with more decimal places than its currency has is rejected
rather than rounded.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext

from tokenizer.spec.reference import UINT256_MAX

__all__ = ["describe", "parse_amount", "show", "to_decimal"]


def parse_amount(value: object, decimals: int, unit: str = "the currency") -> int:
    """Convert a whole-unit amount (int, float or decimal string) to integer smallest units.

    Exact: ``"1.5"`` with 6 decimals is ``1500000``. Raises :class:`ValueError` with a short
    problem text when the value is not a number, not finite, negative, has more decimal places
    than ``decimals``, or does not fit in a uint256. Floats are read through their shortest
    ``repr`` (YAML ``0.1`` means the decimal 0.1), so no binary noise leaks in.
    """
    number = to_decimal(value)
    if number < 0:
        raise ValueError(f"must not be negative, got {show(value)}")
    if number.adjusted() > 80:
        raise ValueError("does not fit in a uint256 (more than 2**256 - 1 smallest units)")
    with localcontext() as ctx:
        ctx.prec = 250
        scaled = number.scaleb(decimals)
        if scaled != scaled.to_integral_value():
            raise ValueError(
                f"has more decimal places than {unit} allows ({decimals}), got {show(value)}"
            )
        result = int(scaled)
    if result > UINT256_MAX:
        raise ValueError("does not fit in a uint256 (more than 2**256 - 1 smallest units)")
    return result


def to_decimal(value: object) -> Decimal:
    """A finite :class:`Decimal` from a YAML number or decimal string, else :class:`ValueError`."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"must be a number or a decimal string, got {describe(value)}")
    if isinstance(value, str) and len(value) > 100:
        raise ValueError("must be a number or a decimal string, got a very long text")
    text = repr(value) if isinstance(value, float) else value
    try:
        number = Decimal(text.strip()) if isinstance(text, str) else Decimal(text)
    except InvalidOperation:
        raise ValueError(f"must be a number or a decimal string, got {describe(value)}") from None
    if not number.is_finite():
        raise ValueError(f"must be a finite number, got {show(value)}")
    return number


def show(value: object) -> str:
    """A value as the user wrote it: text quoted, numbers bare."""
    return repr(value) if isinstance(value, str) else str(value)


def describe(value: object) -> str:
    """What a value is, for "must be X, got Y" messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"
