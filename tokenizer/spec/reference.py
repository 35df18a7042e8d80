"""Reference data a deal file is checked against: countries, currencies, investor classes, limits.

Asset-kind data (a venue's season, a mine's ore grades) belongs to the kind's own module in
:mod:`tokenizer.assets`, not here.
"""

from __future__ import annotations

from typing import Final

from tokenizer.units import BPS, MAX_UINT256

__all__ = [
    "BPS",
    "COUNTRY_NUMERIC",
    "CURRENCY_DECIMALS",
    "EU_MEMBERS",
    "INVESTOR_CLASSES",
    "MAX_WHOLE_UNITS",
    "UINT256_MAX",
]

UINT256_MAX: Final = MAX_UINT256
#: Any money or token figure above this many *whole* units is treated as a typo, not a deal.
MAX_WHOLE_UNITS: Final = 10**15

#: The 27 member states of the European Union (ISO 3166-1 alpha-2; Greece is GR, not EL).
EU_MEMBERS: Final[tuple[str, ...]] = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)  # fmt: skip

#: ISO 3166-1 numeric codes of the countries a deal may name (the identity registry stores these).
COUNTRY_NUMERIC: Final[dict[str, int]] = {
    # The Xiaoping Island sale: offshore investors, mainland China blocked.
    "HK": 344, "SG": 702, "US": 840, "CN": 156, "GB": 826,
    # EU member states.
    "AT": 40, "BE": 56, "BG": 100, "HR": 191, "CY": 196, "CZ": 203, "DK": 208, "EE": 233,
    "FI": 246, "FR": 250, "DE": 276, "GR": 300, "HU": 348, "IE": 372, "IT": 380, "LV": 428,
    "LT": 440, "LU": 442, "MT": 470, "NL": 528, "PL": 616, "PT": 620, "RO": 642, "SK": 703,
    "SI": 705, "ES": 724, "SE": 752,
    # Other financial centres a deal is likely to mention.
    "MO": 446, "TW": 158, "JP": 392, "KR": 410, "AU": 36, "NZ": 554, "CA": 124, "CH": 756,
    "NO": 578, "AE": 784,
}  # fmt: skip

#: Decimal places of the currencies a revenue model may be written in.
CURRENCY_DECIMALS: Final[dict[str, int]] = {
    "CNY": 2, "HKD": 2, "SGD": 2, "USD": 2, "EUR": 2, "GBP": 2, "JPY": 0,
}  # fmt: skip

INVESTOR_CLASSES: Final[tuple[str, ...]] = ("retail", "professional", "accredited", "institutional")
