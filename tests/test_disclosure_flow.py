"""The Xiaoping seed's disclosure end to end on Anvil: its documents registered and attested
before the sale, every period's report attested, a dishonest operator caught, the reports'
disclosure section; and the commands `rwa verify-doc`, `rwa disclose`, `rwa attest` and an
attested `rwa distribute`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tokenizer.chain import AnvilNode, Chain
from tokenizer.cli import main
from tokenizer.deploy import Deal, Deployment, attach, record_path
from tokenizer.disclosure.documents import attester_account, document_bytes
from tokenizer.disclosure.report import RevenueReport
from tokenizer.reports.model import RunReport
from tokenizer.simulation.pipeline import RunSettings, run_deal
from tokenizer.simulation.runner import SimulationOptions
from tokenizer.spec import DealSpec, load_spec

DISCLOSED = ROOT / "seeds" / "xiaoping_island_disclosed.yaml"
PERIODS, INVESTORS, DISHONEST = 3, 25, 2


@dataclass
class Run:
    chain: Chain
    url: str
    spec: DealSpec
    spec_path: Path
    deal: Deal
    report: RunReport
    folder: Path


@pytest.fixture(scope="module")
def run(
    session_chain: Chain, anvil: AnvilNode, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Run]:
    base = tmp_path_factory.mktemp("disclosure")
    spec_path = base / "deal.yaml"
    spec_path.write_text(
        DISCLOSED.read_text().replace('soft_cap: "10000000"', 'soft_cap: "1000000"')
    )
    spec = load_spec(spec_path)
    snapshot = session_chain.snapshot()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RWA_DEPLOYMENTS_DIR", str(base / "deployments"))
        mp.setenv("RWA_OUT_DIR", str(base / "out"))
        try:
            options = SimulationOptions(dishonest_periods=frozenset({DISHONEST}))
            settings = RunSettings(
                investors=INVESTORS,
                periods=PERIODS,
                quiet=True,
                options=options,
                out_dir=base / "report",
            )
            report = run_deal(session_chain, spec, settings)
            dep = Deployment.load(record_path(session_chain.chain_id, spec.id))
            assert dep is not None
            deal = attach(session_chain, dep)
            yield Run(session_chain, anvil.url, spec, spec_path, deal, report, base)
        finally:
            session_chain.revert_to(snapshot)


@pytest.fixture()
def undo(run: Run) -> Iterator[None]:
    snapshot = run.chain.snapshot()
    yield
    run.chain.revert_to(snapshot)


def rwa(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def logs(run: Run, contract: Any, name: str) -> list[dict[str, Any]]:
    event = contract.interface.event(name)
    found = run.chain.logs(contract.address, 0, topics=[event.topic])
    return [event.decode(x) | {"block": int(x["blockNumber"], 16)} for x in found]


def test_the_sale_sold_only_after_every_required_document_was_attested(run: Run) -> None:
    d = run.spec.disclosure
    assert d is not None
    assert run.chain.call(run.deal.documents.functions.requiredDocumentsMet())[0] is True  # type: ignore[union-attr]
    attested = logs(run, run.deal.documents, "DocumentAttested")
    needed = sum(len(doc.attested_by) for doc in d.documents)
    assert len(attested) == needed
    first_sale = min(e["block"] for e in logs(run, run.deal.offering, "TokensPurchased"))
    assert max(e["block"] for e in attested) < first_sale
    assert run.report.disclosure is not None and run.report.disclosure.sale_ready


def test_every_period_is_attested_by_the_auditor_and_the_lie_was_caught(run: Run) -> None:
    d = run.spec.disclosure
    assert d is not None and run.report.disclosure is not None
    (auditor,) = [a.name for a in d.attesters if a.role == "auditor"]
    gate_events = logs(run, run.deal.gate, "ReportAttested")
    assert [e["period"] for e in gate_events] == list(range(1, PERIODS + 1))
    assert {e["auditor"] for e in gate_events} == {attester_account(run.spec.id, auditor).address}
    token_events = logs(run, run.deal.token, "RevenueDistributed")
    assert [e["reportHash"] for e in token_events] == [e["reportHash"] for e in gate_events]
    (caught,) = run.report.disclosure.refused
    assert caught["period"] == DISHONEST and caught["refused_with"] == "ReportNotAttested"
    assert caught["reported"] > caught["collected"]
    distributed = run.chain.call(run.deal.token.functions.totalDistributed())
    assert run.report.disclosure.paid_by_source["operations"] == distributed
    assert run.report.reconciliation.mismatches == 0


def test_the_reports_show_disclosure_each_attestation_and_payouts_by_source(run: Run) -> None:
    md = (run.folder / "report" / "report.md").read_text()
    assert "## Disclosure: documents and attested reports" in md
    assert f"Refused report, period {DISHONEST}" in md
    html = (run.folder / "report" / "report.html").read_text()
    assert "Payouts by source of funds, per attested period" in html
    doc = json.loads((run.folder / "report" / "report.json").read_text())
    assert len(doc["disclosure"]["periods"]) == PERIODS


def test_verify_doc_names_the_attesters_and_a_revoked_document_fails(
    capsys: pytest.CaptureFixture[str], run: Run, undo: None, tmp_path: Path
) -> None:
    d = run.spec.disclosure
    assert d is not None
    opinion = next(doc for doc in d.documents if doc.kind == "legal_opinion")
    path = tmp_path / "opinion.txt"
    path.write_bytes(document_bytes(run.spec.id, opinion))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RWA_DEPLOYMENTS_DIR", str(run.folder / "deployments"))
        args = ["--spec", run.spec_path, "--rpc-url", run.url]
        code, out, err = rwa(capsys, "verify-doc", path, *args, "--json")
        assert code == 0, err
        shown = json.loads(out)
        assert shown["status"] == "current" and "lawyer" in shown["attesters"][0]
        stranger = tmp_path / "forged.txt"
        stranger.write_bytes(b"a document nobody registered")
        code, out, _ = rwa(capsys, "verify-doc", stranger, *args)
        assert code == 1 and "NOT registered" in out
        reason = "counsel withdrew the opinion"
        code, _, err = rwa(
            capsys,
            "disclose",
            run.spec_path,
            "revoke",
            path,
            "--reason",
            reason,
            "--rpc-url",
            run.url,
        )
        assert code == 0, err
        code, out, _ = rwa(capsys, "verify-doc", path, *args)
        assert code == 1 and "revoked" in out and reason in out
        code, out, _ = rwa(capsys, "disclose", run.spec_path, "list", "--rpc-url", run.url)
        assert "NOT met" in out


def test_the_auditor_attests_a_report_and_the_servicer_distributes_it(
    capsys: pytest.CaptureFixture[str], run: Run, undo: None, tmp_path: Path
) -> None:
    amount = 1_000 * 10**6
    report = RevenueReport(
        deal=run.spec.id,
        period=PERIODS + 1,
        gross_revenue=amount,
        costs=0,
        net_collections=amount,
        paid={"operations": amount},
    )
    path = report.write(tmp_path / "period.json")
    roles = run.deal.roles
    run.chain.send(
        run.chain.tx(roles.admin, run.deal.stablecoin, "mint", roles.servicer.address, amount)
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RWA_DEPLOYMENTS_DIR", str(run.folder / "deployments"))
        base = ["--spec", run.spec_path, "--rpc-url", run.url]
        code, _, err = rwa(capsys, "attest", path, *base, "--collected", "900")
        assert code != 0 and "refused" in err and len(err.strip().splitlines()) == 1
        code, _, err = rwa(capsys, "attest", path, *base, "--collected", "1000")
        assert code == 0, err
        signature = path.with_suffix(".auditor.json")
        code, _, err = rwa(
            capsys, "distribute", run.spec_path, "--period", PERIODS + 1, "--amount", "1000",
            "--report", path, "--attestation", signature, "--rpc-url", run.url,
        )  # fmt: skip
        assert code == 0, err
    assert run.chain.call(run.deal.token.functions.lastPeriodId()) == PERIODS + 1
    (last,) = logs(run, run.deal.gate, "ReportAttested")[-1:]
    assert last["reportHash"] == report.content_hash
