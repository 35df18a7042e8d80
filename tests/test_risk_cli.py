"""``rwa risk``, ``rwa compare`` and ``rwa invest`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import rwa
from tokenizer.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "xiaoping_island.yaml"
WUHAN = ROOT / "seeds" / "wuhan_bus_tickets.yaml"


@pytest.fixture(autouse=True)
def private_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RWA_OUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))


def test_risk_prints_the_band_per_class_and_the_stresses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = rwa(capsys, "risk", SEED, "--paths", "300")
    assert (code, err) == (0, "")
    assert "IRR P5 / P50 / P95 (dated)" in out
    assert "chance of losing money" in out
    assert "breakeven revenue haircut" in out
    assert "a pandemic-like year" in out
    assert "never counted as yield" in out


def test_risk_json_is_the_same_for_the_same_seed(capsys: pytest.CaptureFixture[str]) -> None:
    _, a, _ = rwa(capsys, "risk", SEED, "--paths", "200", "--seed", "4", "--json")
    _, b, _ = rwa(capsys, "risk", SEED, "--paths", "200", "--seed", "4", "--json")
    assert a == b
    doc = json.loads(a)
    assert doc["paths"] == 200 and doc["classes"][0]["name"] == "holders"
    assert len(doc["classes"][0]["irr_p5_p50_p95"]) == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["risk", SEED, "--paths", "0"], "--paths must be a positive whole number"),
        (["risk", SEED, "--paths", "2000000"], "--paths must be at most 1,000,000"),
        (["risk", SEED, "--seed", "-1"], "--seed must be"),
        (["risk", SEED, "--purchase-day", "99"], "--purchase-day must be a day of the 30-day"),
        (["risk", "nope.yaml"], "nope.yaml"),
        (["invest", SEED, "--amount", "ten"], "--amount:"),
        (["invest", SEED, "--amount", "5"], "below the minimum purchase of 10,000.00 USDC"),
        (["invest", SEED, "--amount", "5000000"], "above the maximum purchase"),
        (["invest", SEED, "--amount", "20000", "--tranche", "senior"], "has no tranches"),
        (["compare", SEED, SEED], "already compared"),
    ],
)
def test_bad_input_is_one_line_naming_the_option(
    capsys: pytest.CaptureFixture[str], argv: list[object], message: str
) -> None:
    code, _, err = rwa(capsys, *map(str, argv))
    assert code != 0
    assert message in err
    assert err.count("\n") == 1 and err.startswith("error: ")


def test_invest_shows_cash_back_and_profit_apart_and_the_chance_of_loss(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = rwa(
        capsys, "invest", WUHAN, "--amount", "150000", "--paths", "200", "--tranche", "senior"
    )
    assert code == 0, err
    assert "(senior) buys 150,000.0000 WHBS" in out
    assert "Cash back over the term" in out and "Profit (cash back minus" in out
    assert "Chance of losing money" in out
    assert "the operator of" in out  # a main risk from the spec, in words


def test_compare_writes_one_chart_and_a_table_per_metric(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = rwa(capsys, "compare", SEED, WUHAN, "--paths", "200")
    assert code == 0
    folder = Workspace.current().out / "compare"
    png = (folder / "compare.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    md = (folder / "compare.md").read_text()
    assert md.count("## ") == 6
    assert "xiaoping_island / holders" in out  # one class
    assert "wuhan_bus_tickets / senior" in out and "wuhan_bus_tickets / junior" in out
    assert "IRR from dated cash flows:" in out
