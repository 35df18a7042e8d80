"""Numbers for people: exact decimal amounts and percentages, rounded for display only."""

from __future__ import annotations

from decimal import Decimal


def fmt_units(units: int, decimals: int, symbol: str = "", places: int = 2) -> str:
    """``1234567891, 6, "USD"`` -> ``"1,234.57 USD"``; exact decimal, rounded for display only."""
    value = Decimal(units).scaleb(-decimals).quantize(Decimal(1).scaleb(-places))
    text = f"{value:,.{places}f}"
    return f"{text} {symbol}".strip()


def fmt_pct(ratio: float | None, places: int = 2) -> str:
    return "n/a" if ratio is None else f"{ratio * 100:.{places}f} %"


def refusals(by_rule: dict[str, int]) -> str:
    """``{"lock-up": 3, "freeze": 1}`` -> ``"lock-up 3, freeze 1"``, most frequent first."""
    return ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items(), key=lambda r: -r[1]))
