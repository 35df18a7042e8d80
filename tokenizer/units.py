"""Constants shared by the whole toolkit: time, integer limits, addresses, roles, sale states.

Plain values only, no imports beyond the standard library: the command line's parser may use
them without slowing ``rwa --help``.
"""

from __future__ import annotations

from typing import Final

SECONDS_PER_DAY: Final = 86_400
SECONDS_PER_YEAR: Final = 365 * SECONDS_PER_DAY
MAX_UINT256: Final = 2**256 - 1
ZERO_ADDRESS: Final = "0x" + "00" * 20
BPS: Final = 10_000  # basis points in one

#: Role ids of the contracts' access control: ``keccak256("AGENT_ROLE")`` and
#: ``keccak256("SERVICER_ROLE")`` (a test checks them against the hash).
AGENT_ROLE: Final = bytes.fromhex(
    "cab5a0bfe0b79d2c4b1c2e02599fa044d115b7511f9659307cb4276950967709"
)
SERVICER_ROLE: Final = bytes.fromhex(
    "250b76734a070a69c7b3930477dd35007ad9c9d0952e97903fdafb2db6980537"
)
#: ``keccak256("GATE_ROLE")``: the token's role of a deal's report gate (``distributeFrom``).
GATE_ROLE: Final = bytes.fromhex("79aaa02ca9ee405c105f18ab3335a0dcabff839ebd075c93f39bce4cef295be4")

#: ``PrimaryOffering.status()``: the sale is open (or not yet finalised), succeeded, or failed.
SALE_ACTIVE: Final = 0
SALE_SUCCEEDED: Final = 1
SALE_FAILED: Final = 2
SALE_STATUS_NAMES: Final[dict[int, str]] = {
    SALE_ACTIVE: "still open",
    SALE_SUCCEEDED: "succeeded",
    SALE_FAILED: "failed (refunds)",
}
