"""The deal's documents on chain: the plan's steps for a ``disclosure:`` section, registering,
attesting, revoking and listing documents, checking a file against the registry, and the
attested distribution of a period through the ReportGate.

Works on any chain; the attesters sign with their own keys (a keystore on a public network; on
a local chain, the wallets :func:`attester_account` derives from the deal and the attester's
name, which anyone can recompute: never use them on a public network).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

from tokenizer.chain import Chain, Contract, Receipt
from tokenizer.compliance.refusals import DOCUMENT_STATUS, attester_roles, document_kind
from tokenizer.disclosure.report import RevenueReport, sign
from tokenizer.errors import TokenizerError
from tokenizer.spec.disclosure import ASSET_TYPES, ATTESTER_ROLES, DOCUMENT_KINDS
from tokenizer.spec.model import AttesterSpec, DisclosureSpec, DocumentSpec

CURRENT = 1


def attester_account(deal_id: str, name: str) -> LocalAccount:
    """The local-chain wallet of attester ``name`` of deal ``deal_id`` (derived, public)."""
    account: LocalAccount = Account.from_key(keccak(text=f"rwa-attester:{deal_id}:{name}"))
    return account


def attester_address(deal_id: str, a: AttesterSpec) -> str:
    return a.address or attester_account(deal_id, a.name).address


def role_bits(roles: tuple[str, ...] | list[str]) -> int:
    bits = 0
    for role in roles:
        bits |= ATTESTER_ROLES[role]
    return bits


def plan_calls(spec_id: str, d: DisclosureSpec) -> list[tuple[str, str, str, tuple[Any, ...]]]:
    """(step name, target key, function, args) of the registry's set-up, in order."""
    steps: list[tuple[str, str, str, tuple[Any, ...]]] = []
    for a in d.attesters:
        steps.append(
            (
                f"attester {a.name}",
                "documents",
                "setAttester",
                (attester_address(spec_id, a), ATTESTER_ROLES[a.role]),
            )
        )
    for asset in d.assets:
        pool = d.asset_id(asset.pool) if asset.pool else 0
        steps.append(
            (
                f"asset {asset.key}",
                "documents",
                "registerAsset",
                (ASSET_TYPES.index(asset.type), asset.location, pool),
            )
        )
    for doc in d.documents:
        if doc.required:
            steps.append(
                (
                    f"require {doc.asset} {doc.kind}",
                    "documents",
                    "requireDocument",
                    (d.asset_id(doc.asset), DOCUMENT_KINDS[doc.kind], role_bits(doc.attested_by)),
                )
            )
    return steps


def document_bytes(spec_id: str, doc: DocumentSpec, version: int = 1) -> bytes:
    """A stand-in file for ``doc`` on a local chain (the real one is the issuer's PDF)."""
    text = (
        f"{doc.title}\n\nDeal: {spec_id}\nAsset: {doc.asset}\nKind: {doc.kind}\n"
        f"Version: {version}\n\nSimulated document: the toolkit's stand-in for the issuer's "
        "file. Its hash is what the registry records.\n"
    )
    return text.encode()


def register(
    chain: Chain,
    documents: Contract,
    registrar: LocalAccount,
    asset: int,
    kind: int,
    content: bytes,
    uri: str,
) -> bytes:
    """Registers a document; returns its content hash."""
    digest = keccak(content)
    chain.send(chain.tx(registrar, documents, "registerDocument", asset, kind, digest, uri))
    return digest


def attest(
    chain: Chain, documents: Contract, attester: LocalAccount, content_hash: bytes, role: str
) -> Receipt:
    return chain.send(chain.tx(attester, documents, "attest", content_hash, ATTESTER_ROLES[role]))


def revoke(
    chain: Chain, documents: Contract, registrar: LocalAccount, content_hash: bytes, reason: str
) -> Receipt:
    if not reason.strip():
        raise TokenizerError("revoke: a reason is required")
    return chain.send(chain.tx(registrar, documents, "revokeDocument", content_hash, reason))


def publish_required(
    chain: Chain,
    documents: Contract,
    registrar: LocalAccount,
    spec_id: str,
    d: DisclosureSpec,
    signers: dict[str, LocalAccount],
) -> list[bytes]:
    """Registers every document of the spec not yet registered and has each attested by every
    role it needs (``signers``: role -> the attester's key). Returns the content hashes."""
    hashes = []
    for doc in d.documents:
        content = document_bytes(spec_id, doc)
        digest = keccak(content)
        record = chain.call(documents.functions.document(digest))
        if int(record[3]) == 0:
            register(
                chain,
                documents,
                registrar,
                d.asset_id(doc.asset),
                DOCUMENT_KINDS[doc.kind],
                content,
                f"local://{spec_id}/{doc.asset}/{doc.kind}",
            )
            record = chain.call(documents.functions.document(digest))
        for role in doc.attested_by:
            if int(record[4]) & ATTESTER_ROLES[role] == 0:
                attest(chain, documents, signers[role], digest, role)
        hashes.append(digest)
    return hashes


@dataclass(frozen=True)
class DocumentStatus:
    """One document as the registry and its events tell it."""

    content_hash: str
    asset: int
    kind: str
    version: int
    status: str
    attested_roles: str
    attesters: tuple[str, ...]
    uri: str
    revoked_reason: str = ""

    def line(self) -> str:
        by = f", attested by {', '.join(self.attesters)}" if self.attesters else ", not attested"
        why = f" ({self.revoked_reason})" if self.revoked_reason else ""
        return (
            f"{self.content_hash[:18]}… asset {self.asset} {self.kind} v{self.version}: "
            f"{self.status}{why}{by}"
        )


def _events(chain: Chain, contract: Contract, name: str, from_block: int) -> list[dict[str, Any]]:
    event = contract.interface.event(name)
    logs = chain.logs(contract.address, from_block, topics=[event.topic])
    return [event.decode(log) for log in logs]


def list_documents(chain: Chain, documents: Contract, from_block: int = 0) -> list[DocumentStatus]:
    """Every registered document, oldest first, with who attested it."""
    registered = _events(chain, documents, "DocumentRegistered", from_block)
    attested = _events(chain, documents, "DocumentAttested", from_block)
    revoked = {
        bytes(e["contentHash"]): e["reason"]
        for e in _events(chain, documents, "DocumentRevoked", from_block)
    }
    out = []
    for e in registered:
        h = bytes(e["contentHash"])
        record = chain.call(documents.functions.document(h))
        by = tuple(
            f"{a['attester']} ({attester_roles(int(a['role']))})"
            for a in attested
            if bytes(a["contentHash"]) == h
        )
        out.append(
            DocumentStatus(
                content_hash="0x" + h.hex(),
                asset=int(record[0]),
                kind=document_kind(int(record[1])),
                version=int(record[2]),
                status=DOCUMENT_STATUS.get(int(record[3]), "unknown"),
                attested_roles=attester_roles(int(record[4])),
                attesters=by,
                uri=str(e["uri"]),
                revoked_reason=str(revoked.get(h, "")),
            )
        )
    return out


def verify_file(
    chain: Chain, documents: Contract, path: Path, from_block: int = 0
) -> DocumentStatus | None:
    """The registry's record of the file at ``path`` (by its keccak256), or None if unknown."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise TokenizerError(f"{path}: cannot read ({exc.strerror})") from None
    wanted = "0x" + keccak(content).hex()
    for status in list_documents(chain, documents, from_block):
        if status.content_hash == wanted:
            return status
    return None


def distribute_attested(
    chain: Chain,
    gate: Contract,
    payer: LocalAccount,
    report: RevenueReport,
    servicer_sig: tuple[bytes, bytes],
    auditor_sig: tuple[bytes, bytes],
) -> Receipt:
    """Pays the report's total into the gate with both signatures; the gate distributes."""
    return chain.send(
        chain.tx(
            payer, gate, "distribute", report.struct(), report.total_paid, servicer_sig, auditor_sig
        )
    )


def sign_report(
    chain: Chain, gate: Contract, report: RevenueReport, signer: LocalAccount
) -> tuple[bytes, bytes]:
    return sign(report, gate.address, chain.chain_id, signer)
