"""Disclosure commands: ``rwa disclose SPEC list|add|revoke`` (the deal's documents in its
DocumentRegistry), ``rwa attest REPORT`` (the auditor checks a revenue report and signs it with
its keystore) and ``rwa verify-doc FILE`` (is this file the registered, unrevoked version, and
who attested it). Passwords come from RWA_KEYSTORE_PASSWORD or a prompt, never the command line.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from tokenizer.cli.chain import open_chain_for
from tokenizer.cli.options import chain_options
from tokenizer.errors import TokenizerError

if TYPE_CHECKING:
    from tokenizer.chain import Chain
    from tokenizer.deploy import Deal
    from tokenizer.spec import DealSpec

    Sub = argparse._SubParsersAction[argparse.ArgumentParser]


def add_disclose(sub: Sub) -> None:
    p = sub.add_parser("disclose", help="list, add or revoke the deal's registered documents")
    p.add_argument("spec", type=Path, help="deal spec (YAML) of a deployed deal with disclosure:")
    p.add_argument("action", choices=("list", "add", "revoke"), help="what to do")
    p.add_argument("file", nargs="?", type=Path, help="add/revoke: the document's file")
    p.add_argument("--asset", default="deal", help="add: the spec's asset key (default: deal)")
    p.add_argument("--kind", help="add: document kind (appraisal, legal_opinion, ...)")
    p.add_argument("--uri", default="", help="add: where the file can be fetched")
    p.add_argument("--reason", default="", help="revoke: why (required)")
    p.add_argument("--json", action="store_true", help="list: print JSON")
    chain_options(p)
    p.set_defaults(handler=cmd_disclose)


def add_attest(sub: Sub) -> None:
    p = sub.add_parser("attest", help="the auditor checks a revenue report and co-signs it")
    p.add_argument("report", type=Path, help="the period's revenue report (JSON, as written)")
    p.add_argument("--spec", type=Path, required=True, help="deal spec of the deployed deal")
    p.add_argument(
        "--collected",
        help="the collections the auditor's ledger shows for the period, in the settlement "
        "unit: the report is refused if it claims more",
    )
    p.add_argument("--out", type=Path, help="signature file (default: REPORT.auditor.json)")
    chain_options(p)
    p.set_defaults(handler=cmd_attest)


def add_verify_doc(sub: Sub) -> None:
    p = sub.add_parser("verify-doc", help="is this file a registered, unrevoked document?")
    p.add_argument("file", type=Path, help="the document's file")
    p.add_argument("--spec", type=Path, required=True, help="deal spec of the deployed deal")
    p.add_argument("--json", action="store_true", help="print JSON")
    chain_options(p)
    p.set_defaults(handler=cmd_verify_doc)


def _deal(chain: Chain, path: Path) -> tuple[DealSpec, Deal]:
    from tokenizer.deploy import recorded_deal
    from tokenizer.spec import load_spec

    spec = load_spec(path)
    deal = recorded_deal(chain, spec)
    if deal.documents is None or deal.gate is None:
        raise TokenizerError(f"{path}: this deal was deployed without a disclosure: section")
    return spec, deal


def cmd_disclose(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from tokenizer.disclosure import documents as docs
    from tokenizer.spec.disclosure import DOCUMENT_KINDS

    read_only = args.action == "list"
    with open_chain_for(args, read_only=read_only) as chain:
        spec, deal = _deal(chain, args.spec)
        registry = deal.documents
        assert registry is not None and spec.disclosure is not None
        if args.action == "list":
            found = docs.list_documents(chain, registry)
            met, missing = chain.call(registry.functions.requiredDocumentsMet())
            if args.json:
                print(json.dumps({"documents": [asdict(d) for d in found], "sale_ready": met}))
                return 0
            for d in found:
                print(d.line())
            state = "met" if met else f"NOT met (requirement {missing} is missing)"
            print(f"{len(found)} document(s); the documents the sale requires: {state}")
            return 0
        if args.file is None:
            raise TokenizerError(f"disclose {args.action}: name the document's FILE")
        try:
            content = args.file.read_bytes()
        except OSError as exc:
            raise TokenizerError(f"{args.file}: cannot read ({exc.strerror})") from None
        if args.action == "add":
            if args.kind not in DOCUMENT_KINDS:
                raise TokenizerError(f"--kind: expected one of {', '.join(DOCUMENT_KINDS)}")
            keys = ["deal", *(a.key for a in spec.disclosure.assets)]
            if args.asset not in keys:
                raise TokenizerError(f"--asset: expected one of {', '.join(keys)}")
            digest = docs.register(
                chain,
                registry,
                deal.roles.admin,
                spec.disclosure.asset_id(args.asset),
                DOCUMENT_KINDS[args.kind],
                content,
                args.uri or args.file.name,
            )
            print(f"registered {args.file.name}: 0x{digest.hex()}")
            return 0
        from eth_utils.crypto import keccak

        docs.revoke(chain, registry, deal.roles.admin, keccak(content), args.reason)
        print(f"revoked {args.file.name}: {args.reason}")
        return 0


def cmd_attest(args: argparse.Namespace) -> int:
    from tokenizer.disclosure.report import load_report, sign
    from tokenizer.spec import parse_amount

    report = load_report(args.report)
    with open_chain_for(args) as chain:
        spec, deal = _deal(chain, args.spec)
        assert deal.gate is not None and deal.documents is not None
        assert spec.disclosure is not None
        if args.collected is not None:
            try:
                ledger = parse_amount(
                    args.collected, spec.settlement.decimals, spec.settlement.symbol
                )
            except ValueError as exc:
                raise TokenizerError(f"--collected: {exc}") from None
            if report.net_collections > ledger or report.paid_from("operations") > ledger:
                raise TokenizerError(
                    f"{args.report}: refused: it reports {report.net_collections:,} collected and "
                    f"pays {report.paid_from('operations'):,} from operations; the ledger shows "
                    f"{ledger:,} (smallest units)"
                )
        if args.keystore is not None:
            signer = chain.accounts[0]  # the auditor's own keystore
        elif chain.is_local:
            from tokenizer.disclosure.documents import attester_account

            (name,) = [a.name for a in spec.disclosure.attesters if a.role == "auditor"][:1] or [""]
            signer = attester_account(spec.id, name)  # the simulation's derived auditor
        else:
            raise TokenizerError("attest: pass --keystore (the auditor's own key)")
        if not chain.call(deal.documents.functions.hasAttesterRoles(signer.address, 4)):
            raise TokenizerError(
                f"{signer.address} is not an auditor of this deal's registry: the gate would "
                "refuse its signature (ReportNotAttested)"
            )
        r, vs = sign(report, deal.gate.address, chain.chain_id, signer)
        out = args.out or args.report.with_suffix(".auditor.json")
        out.write_text(
            json.dumps(
                {
                    "report": args.report.name,
                    "report_hash": "0x" + report.content_hash.hex(),
                    "signer": signer.address,
                    "role": "auditor",
                    "gate": deal.gate.address,
                    "chain_id": chain.chain_id,
                    "r": "0x" + r.hex(),
                    "vs": "0x" + vs.hex(),
                },
                indent=2,
            )
            + "\n"
        )
        print(f"attested period {report.period} as {signer.address}: {out}")
        return 0


def cmd_verify_doc(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from tokenizer.disclosure import documents as docs

    with open_chain_for(args, read_only=True) as chain:
        _, deal = _deal(chain, args.spec)
        assert deal.documents is not None
        found = docs.verify_file(chain, deal.documents, args.file)
        if args.json:
            print(json.dumps(asdict(found) if found else None))
        elif found is None:
            print(f"{args.file}: NOT registered (no document with this content hash)")
        else:
            print(f"{args.file}: {found.line()}")
        return 0 if found is not None and found.status == "current" else 1
