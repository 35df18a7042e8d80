"""Disclosure in a simulated deal (local chains only): the issuer registers the spec's documents
and the attesters attest them before the sale opens; each period the servicer writes the
revenue report, the auditor checks it against the collections ledger and co-signs it, and the
ReportGate distributes.

A dishonest operator (``dishonest_periods``) reports more than it collected in those periods:
the auditor's check finds the gap and refuses to sign; the operator tries to deposit its report
anyway, co-signed by a key of its own; the chain refuses it (``ReportNotAttested``); then the
honest report is attested and paid. Every period's outcome is kept for the story.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from eth_account.signers.local import LocalAccount

from tokenizer.chain import Chain
from tokenizer.deploy import Deal
from tokenizer.disclosure import documents as docs
from tokenizer.disclosure.report import RevenueReport
from tokenizer.errors import TransactionReverted
from tokenizer.spec import DealSpec

if TYPE_CHECKING:
    from tokenizer.simulation.runner import SimulationOptions

EMPTY_PERIOD_CLAIM = 1_000  # assumption: whole settlement units claimed for an empty period
BASE_CASE_BATCH = 120  # periods per setBaseCase transaction
#: How much more the dishonest operator reports than it collected.
OVERSTATEMENT_BPS = 2_500  # assumption: a 25 % overstatement, large enough to matter


@dataclass
class Attestation:
    """One period's report and what happened to it."""

    period: int
    collected: int  # what the collections ledger shows (settlement units)
    reported: int  # what the operator's first report said
    attested: bool  # the auditor co-signed the report that was paid
    refused: str = ""  # the chain's refusal of the unattested report, if there was one
    report_hash: str = ""


@dataclass
class DisclosureLog:
    """What the disclosure did in a run: documents published, every period's attestation."""

    documents: int = 0
    periods: list[Attestation] = field(default_factory=list)
    paid_by_source: dict[str, int] = field(default_factory=dict)
    covenant_breached_at: int = 0

    @property
    def caught(self) -> list[Attestation]:
        return [a for a in self.periods if a.refused]


class Disclosure:
    """The issuer, servicer and auditor of one simulated deal with ``disclosure:``."""

    def __init__(
        self,
        chain: Chain,
        deal: Deal,
        spec: DealSpec,
        dishonest_periods: frozenset[int] = frozenset(),
        reports_dir: Path | None = None,
    ) -> None:
        assert spec.disclosure is not None and deal.documents is not None and deal.gate is not None
        self.chain, self.deal, self.spec = chain, deal, spec
        self.d = spec.disclosure
        self.documents, self.gate = deal.documents, deal.gate
        self.signers: dict[str, LocalAccount] = {
            a.role: docs.attester_account(spec.id, a.name) for a in self.d.attesters
        }
        chain.fund([a.address for a in self.signers.values()], 10**18, deal.roles.admin)
        self.dishonest = dishonest_periods
        self.reports_dir = reports_dir
        self.log = DisclosureLog()
        self.unit = spec.settlement.unit

    def publish(self) -> None:
        """Before the sale: every document registered and attested by the roles it needs, and
        the base case each period's collections are compared with (the covenant)."""
        hashes = docs.publish_required(
            self.chain, self.documents, self.deal.roles.admin, self.spec.id, self.d, self.signers
        )
        self.log.documents = len(hashes)
        if self.chain.call(self.gate.functions.baseCase(1)) == 0 and self.d.covenant_below_bps:
            expected = base_case(self.spec)
            for first in range(0, len(expected), BASE_CASE_BATCH):
                chunk = expected[first : first + BASE_CASE_BATCH]
                self.chain.send(
                    self.chain.tx(self.deal.roles.admin, self.gate, "setBaseCase", first + 1, chunk)
                )

    def distribute(self, period: int, amount: int) -> None:
        """Period ``period``: report, audit, attested distribution (and a caught lie)."""
        collected = amount
        reported = collected
        refused = ""
        if period in self.dishonest:
            # A period without collections is "reported" at a round figure instead.
            extra = collected * OVERSTATEMENT_BPS // 10_000 or EMPTY_PERIOD_CLAIM * self.unit
            reported = collected + extra
            lie = self._report(period, reported)
            if self.audit(lie, collected):  # never: the ledger shows less
                raise AssertionError("the auditor signed a report above the collections")
            refused = self._deposit_unattested(lie)
        honest = self._report(period, collected)
        if not self.audit(honest, collected):
            raise AssertionError("the auditor refused an honest report")
        sig_s = docs.sign_report(self.chain, self.gate, honest, self.deal.roles.servicer)
        sig_a = docs.sign_report(self.chain, self.gate, honest, self.signers["auditor"])
        docs.distribute_attested(
            self.chain, self.gate, self.deal.roles.servicer, honest, sig_s, sig_a
        )
        if self.reports_dir is not None:
            honest.write(self.reports_dir / f"period_{period:03d}.json")
        self.log.periods.append(
            Attestation(
                period, collected, reported, True, refused, "0x" + honest.content_hash.hex()
            )
        )

    def audit(self, report: RevenueReport, ledger_collections: int) -> bool:
        """The auditor's check: the report's collections and what it pays from operations are
        what the collections ledger shows, no more."""
        return (
            report.net_collections <= ledger_collections
            and report.paid_from("operations") <= ledger_collections
        )

    def finish(self) -> DisclosureLog:
        ops, reserve, guarantor, other = self.chain.call(self.gate.functions.paidBySource())
        self.log.paid_by_source = {
            "operations": int(ops),
            "reserve": int(reserve),
            "guarantor": int(guarantor),
            "other": int(other),
        }
        _, breached = self.chain.call(self.gate.functions.covenant())
        self.log.covenant_breached_at = int(breached)
        return self.log

    def _report(self, period: int, net: int) -> RevenueReport:
        return RevenueReport(
            deal=self.spec.id,
            period=period,
            gross_revenue=net,
            costs=0,
            net_collections=net,
            paid={"operations": net},
            currency=self.spec.settlement.symbol,
            notes="holders' slice of net revenue, in settlement units",
        )

    def _deposit_unattested(self, report: RevenueReport) -> str:
        """The dishonest operator deposits its report co-signed by a key of its own."""
        own = docs.attester_account(self.spec.id, "operator's own key")
        sig_s = docs.sign_report(self.chain, self.gate, report, self.deal.roles.servicer)
        sig_a = docs.sign_report(self.chain, self.gate, report, own)
        try:
            docs.distribute_attested(
                self.chain, self.gate, self.deal.roles.servicer, report, sig_s, sig_a
            )
        except TransactionReverted as exc:
            return exc.error_name or exc.reason
        raise AssertionError("the gate accepted a report no registered auditor signed")


def base_case(spec: DealSpec) -> list[int]:
    """Each period's expected payment to holders (settlement smallest units): the base case of
    the report's variance and of the covenant (as ``rwa validate``'s expectation)."""
    import numpy as np

    from tokenizer.revenue import expected_streams, holder_rate, quantise

    gross = np.zeros(spec.periods)
    for values in expected_streams(spec.revenue, spec.periods).values():
        gross += values
    return [int(v) for v in quantise(gross * float(holder_rate(spec)))]


def disclosure_of(
    chain: Chain, deal: Deal, spec: DealSpec, options: SimulationOptions
) -> Disclosure | None:
    """The simulation's disclosure actors for a deal deployed with ``disclosure:``, else None."""
    if deal.gate is None or spec.disclosure is None:
        return None
    return Disclosure(chain, deal, spec, options.dishonest_periods)
