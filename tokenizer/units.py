"""Constants shared by the whole toolkit: time, integer limits, addresses, roles, sale states."""

from __future__ import annotations

from typing import Final

from eth_utils.crypto import keccak

SECONDS_PER_DAY: Final = 86_400
SECONDS_PER_YEAR: Final = 365 * SECONDS_PER_DAY
MAX_UINT256: Final = 2**256 - 1
ZERO_ADDRESS: Final = "0x" + "00" * 20
BPS: Final = 10_000  # basis points in one

#: Role ids of the contracts' access control (``keccak256("AGENT_ROLE")`` ...).
AGENT_ROLE: Final = keccak(text="AGENT_ROLE")
SERVICER_ROLE: Final = keccak(text="SERVICER_ROLE")

#: ``PrimaryOffering.status()``: the sale is open (or not yet finalised), succeeded, or failed.
SALE_ACTIVE: Final = 0
SALE_SUCCEEDED: Final = 1
SALE_FAILED: Final = 2
SALE_STATUS_NAMES: Final[dict[int, str]] = {
    SALE_ACTIVE: "still open",
    SALE_SUCCEEDED: "succeeded",
    SALE_FAILED: "failed (refunds)",
}
