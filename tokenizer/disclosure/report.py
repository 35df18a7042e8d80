"""A period's revenue report: the JSON document the toolkit writes, its hash, and the EIP-712
signatures a servicer and an auditor give it for the deal's ``ReportGate``.

The document carries every figure in the settlement token's smallest unit (integers only): the
period, gross revenue, costs, net collections, and what is paid out by source of funds
(operating collections, reserve, guarantor, other). Its hash (keccak256 of the canonical JSON
bytes) is what goes on chain with the distribution; the signed EIP-712 struct repeats the
figures, so the chain can refuse a deposit whose amounts differ from the signed ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_keys.datatypes import Signature
from eth_utils.crypto import keccak

from tokenizer.errors import TokenizerError

#: The sources of funds a payout may come from, in the contract's order.
SOURCES = ("operations", "reserve", "guarantor", "other")
DOMAIN_NAME = "RWA ReportGate"
DOMAIN_VERSION = "1"
REPORT_FIELDS = (
    ("period", "uint256"),
    ("grossRevenue", "uint256"),
    ("costs", "uint256"),
    ("netCollections", "uint256"),
    ("fromOperations", "uint256"),
    ("fromReserve", "uint256"),
    ("fromGuarantor", "uint256"),
    ("fromOther", "uint256"),
    ("reportHash", "bytes32"),
)
FORMAT = "rwa-revenue-report/1"


@dataclass(frozen=True)
class RevenueReport:
    """One period's report. Amounts in the settlement token's smallest unit."""

    deal: str
    period: int
    gross_revenue: int
    costs: int
    net_collections: int
    paid: dict[str, int]  # source -> amount paid out from it
    currency: str = "USD"
    notes: str = ""

    def __post_init__(self) -> None:
        for name in ("period", "gross_revenue", "costs", "net_collections"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise TokenizerError(f"report {name}: expected a whole number >= 0, got {value!r}")
        if self.period < 1:
            raise TokenizerError(f"report period: expected 1 or more, got {self.period}")
        unknown = sorted(set(self.paid) - set(SOURCES))
        if unknown:
            raise TokenizerError(
                f"report paid: unknown source {unknown[0]!r} (known: {', '.join(SOURCES)})"
            )
        for source, value in self.paid.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise TokenizerError(f"report paid.{source}: expected a whole number >= 0")

    def paid_from(self, source: str) -> int:
        return self.paid.get(source, 0)

    @property
    def total_paid(self) -> int:
        return sum(self.paid_from(s) for s in SOURCES)

    def document(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "deal": self.deal,
            "period": self.period,
            "currency": self.currency,
            "gross_revenue": self.gross_revenue,
            "costs": self.costs,
            "net_collections": self.net_collections,
            "paid": {s: self.paid_from(s) for s in SOURCES},
            "notes": self.notes,
        }

    def to_bytes(self) -> bytes:
        """The canonical JSON bytes (sorted keys, no spaces): what is hashed."""
        return json.dumps(self.document(), sort_keys=True, separators=(",", ":")).encode()

    @property
    def content_hash(self) -> bytes:
        return keccak(self.to_bytes())

    def struct(self) -> tuple[int | bytes, ...]:
        """The ``ReportGate.Report`` tuple."""
        return (
            self.period,
            self.gross_revenue,
            self.costs,
            self.net_collections,
            *(self.paid_from(s) for s in SOURCES),
            self.content_hash,
        )

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_bytes())
        return path


def load_report(path: Path) -> RevenueReport:
    """Reads a report the toolkit wrote; a bad file is one clear line."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise TokenizerError(f"{path}: not a readable JSON revenue report ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TokenizerError(f"{path}: format: expected {FORMAT!r}")
    try:
        report = RevenueReport(
            deal=str(data["deal"]),
            period=data["period"],
            gross_revenue=data["gross_revenue"],
            costs=data["costs"],
            net_collections=data["net_collections"],
            paid=dict(data["paid"]),
            currency=str(data.get("currency", "USD")),
            notes=str(data.get("notes", "")),
        )
    except KeyError as exc:
        raise TokenizerError(f"{path}: missing field {exc.args[0]!r}") from None
    if report.to_bytes() != path.read_bytes():
        raise TokenizerError(f"{path}: not in the toolkit's canonical form (its hash would differ)")
    return report


def typed_data(report: RevenueReport, gate: str, chain_id: int) -> dict[str, Any]:
    """The EIP-712 message a servicer and an auditor sign for ``gate`` on ``chain_id``."""
    values = report.struct()
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Report": [{"name": n, "type": t} for n, t in REPORT_FIELDS],
        },
        "primaryType": "Report",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": chain_id,
            "verifyingContract": gate,
        },
        "message": {n: v for (n, _), v in zip(REPORT_FIELDS, values, strict=True)},
    }


def digest(report: RevenueReport, gate: str, chain_id: int) -> bytes:
    """The 32-byte EIP-712 digest (what ``ReportGate.reportDigest`` returns)."""
    signable = encode_typed_data(full_message=typed_data(report, gate, chain_id))
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def sign(
    report: RevenueReport, gate: str, chain_id: int, signer: LocalAccount
) -> tuple[bytes, bytes]:
    """A compact (EIP-2098) signature ``(r, vs)`` of the report by ``signer``."""
    signed = Account.unsafe_sign_hash(digest(report, gate, chain_id), signer.key)
    return compact(signed.v, signed.r, signed.s)


def compact(v: int, r: int, s: int) -> tuple[bytes, bytes]:
    """``(r, vs)``: the parity bit of ``v`` in the top bit of ``s``."""
    vs = s | ((v - 27) << 255)
    return r.to_bytes(32, "big"), vs.to_bytes(32, "big")


def signer_of(report: RevenueReport, gate: str, chain_id: int, sig: tuple[bytes, bytes]) -> str:
    """The address that made a compact signature of the report."""
    r = int.from_bytes(sig[0], "big")
    vs = int.from_bytes(sig[1], "big")
    s = vs & ((1 << 255) - 1)
    v = (vs >> 255) + 27
    public = Signature(vrs=(v - 27, r, s)).recover_public_key_from_msg_hash(
        digest(report, gate, chain_id)
    )
    address: str = public.to_checksum_address()
    return address
