"""What the reports say about a deal's disclosure: its documents and their attestations, each
period's attested report, what was paid by source of funds, the covenant, and the reports the
auditor refused (how a dishonest operator was caught)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tokenizer.chain import Chain
from tokenizer.deploy import Deal
from tokenizer.disclosure.documents import list_documents
from tokenizer.reports.format import fmt_units
from tokenizer.simulation.disclosure import DisclosureLog

SOURCES = ("operations", "reserve", "guarantor", "other")


@dataclass(frozen=True)
class PeriodAttestation:
    period: int
    report_hash: str
    servicer: str
    auditor: str
    net_collections: int
    base_case: int
    paid: dict[str, int]


@dataclass(frozen=True)
class DisclosureSummary:
    documents: list[dict[str, Any]]
    sale_ready: bool
    periods: list[PeriodAttestation]
    paid_by_source: dict[str, int]
    covenant_breached_at: int
    refused: list[dict[str, Any]] = field(default_factory=list)  # caught reports


def summarise(chain: Chain, deal: Deal, log: DisclosureLog | None) -> DisclosureSummary:
    """The disclosure of ``deal`` as the chain has it, with the run's refused reports."""
    assert deal.documents is not None and deal.gate is not None
    docs = [
        {
            "hash": d.content_hash,
            "asset": d.asset,
            "kind": d.kind,
            "version": d.version,
            "status": d.status,
            "attesters": list(d.attesters),
        }
        for d in list_documents(chain, deal.documents)
    ]
    met, _ = chain.call(deal.documents.functions.requiredDocumentsMet())
    event = deal.gate.events.ReportAttested
    periods = []
    for raw in chain.logs(deal.gate.address, 0, topics=[event.topic]):
        e = event.decode(raw)
        periods.append(
            PeriodAttestation(
                period=int(e["period"]),
                report_hash="0x" + bytes(e["reportHash"]).hex(),
                servicer=str(e["servicer"]),
                auditor=str(e["auditor"]),
                net_collections=int(e["netCollections"]),
                base_case=int(e["baseCase"]),
                paid={
                    "operations": int(e["fromOperations"]),
                    "reserve": int(e["fromReserve"]),
                    "guarantor": int(e["fromGuarantor"]),
                    "other": int(e["fromOther"]),
                },
            )
        )
    ops, reserve, guarantor, other = chain.call(deal.gate.functions.paidBySource())
    _, breached = chain.call(deal.gate.functions.covenant())
    refused = [
        {
            "period": a.period,
            "collected": a.collected,
            "reported": a.reported,
            "refused_with": a.refused,
        }
        for a in (log.caught if log is not None else [])
    ]
    return DisclosureSummary(
        documents=docs,
        sale_ready=bool(met),
        periods=periods,
        paid_by_source={
            "operations": int(ops),
            "reserve": int(reserve),
            "guarantor": int(guarantor),
            "other": int(other),
        },
        covenant_breached_at=int(breached),
        refused=refused,
    )


def story_lines(s: DisclosureSummary, decimals: int, symbol: str) -> str:
    """The story's paragraph on disclosure."""
    attested = sum(1 for d in s.documents if d["attesters"])
    lines = [
        f"Disclosure: {len(s.documents)} documents registered on chain, {attested} attested; "
        "the sale opened only once the required ones were "
        f"({'met' if s.sale_ready else 'NOT met now'}).",
        f"Every one of the {len(s.periods)} distributions carried a report signed by the servicer "
        "and co-signed by the registered auditor; paid from operations "
        f"{fmt_units(s.paid_by_source['operations'], decimals, symbol)}, from the reserve "
        f"{fmt_units(s.paid_by_source['reserve'], decimals, symbol)}, from guarantors "
        f"{fmt_units(s.paid_by_source['guarantor'], decimals, symbol)}, from elsewhere "
        f"{fmt_units(s.paid_by_source['other'], decimals, symbol)}.",
    ]
    for r in s.refused:
        lines.append(
            f"Caught: in period {r['period']} the operator reported "
            f"{fmt_units(r['reported'], decimals, symbol)} against "
            f"{fmt_units(r['collected'], decimals, symbol)} in the collections ledger; the "
            f"auditor refused to co-sign, the chain refused the deposit ({r['refused_with']}), "
            "and only the honest report was paid."
        )
    if s.covenant_breached_at:
        lines.append(f"Covenant breached in period {s.covenant_breached_at}.")
    return "\n".join(lines)


def markdown(s: DisclosureSummary, decimals: int, symbol: str) -> list[str]:
    """The report.md section."""
    out = [
        "## Disclosure: documents and attested reports",
        "",
        "| document | asset | version | status | attested by |",
        "|---|---:|---:|---|---|",
    ]
    for d in s.documents:
        out.append(
            f"| {d['kind']} `{d['hash'][:12]}…` | {d['asset']} | {d['version']} | {d['status']} "
            f"| {', '.join(d['attesters']) or 'nobody'} |"
        )
    out += [
        "",
        "Documents the sale requires: "
        + ("all registered and attested." if s.sale_ready else "NOT all attested."),
        "",
        "| period | net collections | base case | from operations | reserve | guarantor | other "
        "| auditor |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in s.periods:
        out.append(
            f"| {p.period} | {fmt_units(p.net_collections, decimals, symbol)} | "
            f"{fmt_units(p.base_case, decimals, symbol) if p.base_case else '-'} | "
            + " | ".join(fmt_units(p.paid[k], decimals, symbol) for k in SOURCES)
            + f" | `{p.auditor[:10]}…` |"
        )
    out.append("")
    for r in s.refused:
        out.append(
            f"Refused report, period {r['period']}: reported "
            f"{fmt_units(r['reported'], decimals, symbol)}, ledger "
            f"{fmt_units(r['collected'], decimals, symbol)}; the auditor did not sign and the "
            f"gate refused it ({r['refused_with']})."
        )
    out += [
        "",
        "The chain proves who signed which figures and that the money paid matches them; it "
        "cannot prove the figures are true.",
        "",
    ]
    return out
