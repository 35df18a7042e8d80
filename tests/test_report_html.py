"""``report.html``: written next to ``report.json`` by a run and by ``rwa risk``, self-contained,
escaped, quoting the reconciliation and the band, and the same for the same seed."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_cli import rwa
from tokenizer.chain import Chain
from tokenizer.reports.format import fmt_pct, fmt_units
from tokenizer.reports.html import band_view, render_html
from tokenizer.reports.model import RunReport
from tokenizer.risk.band import band
from tokenizer.simulation.pipeline import RunSettings, run_deal
from tokenizer.spec import DealSpec, load_spec
from tokenizer.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
TRANCHED = ROOT / "seeds" / "xiaoping_island_tranched.yaml"
WUHAN = ROOT / "seeds" / "wuhan_bus_tickets.yaml"


class _Links(HTMLParser):
    """Every src and href of the page's real tags (text that only looks like one is not)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.found += [v or "" for k, v in attrs if k in ("src", "href")]


@dataclass(frozen=True)
class Run:
    spec: DealSpec
    report: RunReport
    folder: Path


@pytest.fixture(scope="module")
def run(session_chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("html")
    spec = load_spec(TRANCHED)
    with Workspace.current().with_records_in(base / "deployments").use():
        report = run_deal(
            session_chain,
            spec,
            RunSettings(investors=60, periods=12, out_dir=base / "report", quiet=True),
        )
    assert report.sale.status == "succeeded"
    return Run(spec, report, base / "report")


def _parsed(page: str) -> _Links:
    links = _Links()
    links.feed(page)
    return links


def _external(page: str) -> list[str]:
    return [u for u in _parsed(page).found if not u.startswith("data:image/png;base64,")]


def test_a_run_writes_report_html_next_to_report_json(run: Run) -> None:
    assert (run.folder / "report.json").is_file()
    page = (run.folder / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert run.spec.name in page
    assert "Tranches (most senior first)" in page
    assert page.count("data:image/png;base64,") == 4  # fan, losses, waterfall, sources


def test_the_page_loads_nothing_from_elsewhere(run: Run) -> None:
    page = (run.folder / "report.html").read_text()
    assert _external(page) == []  # the seed's sources carry no links
    assert not _parsed(page).tags & {"link", "script", "iframe", "object"}


def test_the_page_states_the_reconciliation_in_human_units_and_the_band(run: Run) -> None:
    page = (run.folder / "report.html").read_text()
    rec, sym, dec = run.report.reconciliation, run.spec.settlement.symbol, 6
    assert rec.tranches["senior"]["distributed"] > 0
    for name, t in rec.tranches.items():
        cells = "".join(
            f'<td class="n">{fmt_units(t[k], dec, sym)}</td>'
            for k in ("distributed", "claimed", "claimable")
        )
        assert f"<td>{name}</td>{cells}" in page
    assert f"; {rec.mismatches} mismatches.</p>" in page
    for c in band(run.spec):
        lo, mid, hi = (fmt_pct(v) for v in c.irr)
        assert f"median IRR {mid}; 90 % of paths between {lo} and {hi}" in page
        assert f"chance of losing money {fmt_pct(c.p_loss, 1)}" in page
    for contract in run.report.contracts.values():
        assert contract["address"] in page


def test_the_same_seed_gives_the_same_page(run: Run) -> None:
    again = load_spec(TRANCHED)  # a new spec object: the band's Monte Carlo runs afresh
    assert (
        render_html(run.report, again, band_view(again)) == (run.folder / "report.html").read_text()
    )


def test_every_text_is_escaped_and_only_the_sources_links_leave_the_page() -> None:
    spec = load_spec(WUHAN)
    spec = replace(
        spec,
        name='<script>alert("x")</script> & co',
        summary="<img src=https://evil.example/x.png>",
        sources=("report <b>one</b>: https://example.org/a?b=1&c=2",),
    )
    page = render_html(None, spec)
    assert "<script>alert" not in page and "<b>one</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page
    assert "&lt;img src=https://evil.example/x.png&gt;" in page
    assert _external(page) == ["https://example.org/a?b=1&c=2"]  # parsed: &amp; is &


def test_rwa_risk_writes_the_page_with_the_band_in_its_out_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RWA_OUT_DIR", str(tmp_path / "out"))
    code, out, err = rwa(capsys, "risk", str(WUHAN), "--paths", "300", "--seed", "3", "--json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    page = (tmp_path / "out" / "wuhan_bus_tickets" / "risk" / "report.html").read_text()
    for c in result["classes"]:
        lo, mid, hi = (fmt_pct(v) for v in c["irr_p5_p50_p95"])
        assert f"<b>{c['name']}</b>: median IRR {mid}; 90 % of paths between {lo} and {hi}" in page
    assert "300 paths of the revenue model, seed 3" in page
    assert page.count("data:image/png;base64,") == 2  # the fan and the losses: no chain run
    code, _, err = rwa(
        capsys, "risk", str(WUHAN), "--paths", "300", "--seed", "3", "--out", str(tmp_path / "x")
    )
    assert code == 0, err
    assert (tmp_path / "x" / "report.html").read_text() == page
