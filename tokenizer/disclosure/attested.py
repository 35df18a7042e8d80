"""The servicer's attested deposit from files: the period's revenue report (as the toolkit
wrote it) and the auditor's signature file (``rwa attest``); the servicer signs the report with
its own key and the ReportGate checks both signatures."""

from __future__ import annotations

import json
from pathlib import Path

from tokenizer.chain import Chain, TxRequest
from tokenizer.deploy import Deal
from tokenizer.disclosure.report import load_report, sign, signer_of
from tokenizer.errors import TokenizerError


def load_attestation(path: Path) -> tuple[str, tuple[bytes, bytes], str]:
    """(report hash, (r, vs), signer) of an auditor's signature file."""
    try:
        data = json.loads(path.read_text())
        sig = (bytes.fromhex(data["r"][2:]), bytes.fromhex(data["vs"][2:]))
        return str(data["report_hash"]), sig, str(data["signer"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TokenizerError(
            f"--attestation {path}: not an auditor's signature file ({exc})"
        ) from None


def attested_deposit_tx(
    chain: Chain, deal: Deal, report_path: Path, attestation: Path | None, amount: int
) -> TxRequest:
    """The servicer's call of the gate for the report at ``report_path``."""
    assert deal.gate is not None
    if attestation is None:
        raise TokenizerError(
            "--attestation: this deal distributes only attested reports; have the auditor run "
            "`rwa attest REPORT` and pass its signature file"
        )
    report = load_report(report_path)
    digest, auditor_sig, auditor = load_attestation(attestation)
    if digest != "0x" + report.content_hash.hex():
        raise TokenizerError(f"--attestation {attestation}: signs another report ({digest})")
    recovered = signer_of(report, deal.gate.address, chain.chain_id, auditor_sig)
    if recovered.lower() != auditor.lower():
        raise TokenizerError(f"--attestation {attestation}: the signature is not {auditor}'s")
    if amount != report.total_paid:
        raise TokenizerError(
            f"--amount: {amount:,} differs from the report's total paid {report.total_paid:,} "
            "(smallest units); the gate would refuse it (ReportAmountMismatch)"
        )
    servicer = deal.roles.servicer
    servicer_sig = sign(report, deal.gate.address, chain.chain_id, servicer)
    return chain.tx(
        servicer, deal.gate, "distribute", report.struct(), amount, servicer_sig, auditor_sig
    )
