"""The ``disclosure:`` section of a deal spec and what the deployment plan makes of it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, SEED
from tokenizer.deploy.plan import Ref, RoleHolders, deal_plan
from tokenizer.errors import SpecError
from tokenizer.spec import load_spec
from tokenizer.units import SERVICER_ROLE

DISCLOSED = ROOT / "seeds" / "xiaoping_island_disclosed.yaml"
TRANCHED = ROOT / "seeds" / "xiaoping_island_tranched.yaml"
HOLDERS = RoleHolders(*(f"0x{n:040x}" for n in (1, 2, 3, 4)))


def rejected(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], base: Path = DISCLOSED
) -> SpecError:
    data: dict[str, Any] = copy.deepcopy(yaml.safe_load(base.read_text()))
    change(data)
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return info.value


def test_the_disclosed_seed_names_its_assets_documents_and_attesters() -> None:
    d = load_spec(DISCLOSED).disclosure
    assert d is not None
    assert [a.key for a in d.assets][:2] == ["island", "venues"]
    assert d.asset_id("deal") == 0 and d.asset_id("island") == 1 and d.asset_id("hot_springs") == 4
    assert {a.role for a in d.attesters} == {"appraiser", "lawyer", "auditor", "trustee"}
    assert sum(doc.required for doc in d.documents) == 4
    assert (d.covenant_below_bps, d.covenant_periods) == (8_000, 3)


def test_every_disclosure_line_of_the_seed_says_where_its_figure_comes_from() -> None:
    text = DISCLOSED.read_text()
    section = text[text.index("\ndisclosure:") :]
    for line in section.splitlines():
        if any(ch.isdigit() for ch in line.split("#")[0]) and "title:" not in line:
            assert "# source:" in line or "# assumption:" in line, line


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda d: d["disclosure"]["documents"][0].update(attested_by=["notary"]),
            "disclosure.documents[0].attested_by[0]",
        ),
        (lambda d: d["disclosure"]["assets"][2].update(pool="island"), "disclosure.assets[2].pool"),
        (lambda d: d["disclosure"]["assets"][0].update(type="castle"), "disclosure.assets[0].type"),
        (
            lambda d: d["disclosure"]["documents"][0].update(kind="horoscope"),
            "disclosure.documents[0].kind",
        ),
        (
            lambda d: d["disclosure"].update(attesters=[{"name": "x", "role": "lawyer"}]),
            "disclosure.documents[0].attested_by[0]",
        ),
        (
            lambda d: d["disclosure"]["covenant"].update(below_bps=12_000),
            "disclosure.covenant.below_bps",
        ),
        (lambda d: d["disclosure"].update(extra=1), "disclosure.extra"),
    ],
)
def test_a_bad_disclosure_field_is_one_error_naming_it(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], field: str
) -> None:
    assert rejected(tmp_path, change).field == field


def test_disclosure_with_a_structure_is_refused_for_now(tmp_path: Path) -> None:
    disclosure = yaml.safe_load(DISCLOSED.read_text())["disclosure"]
    err = rejected(tmp_path, lambda d: d.update(disclosure=disclosure), base=TRANCHED)
    assert err.field == "disclosure" and "waterfall" in err.problem


def test_a_deal_without_disclosure_deploys_as_before() -> None:
    plan = deal_plan(load_spec(SEED), HOLDERS)
    assert "DocumentRegistry" not in plan.keys.values() and "ReportGate" not in plan.keys.values()
    assert any(c.name == "grant token servicer" for c in plan.calls)


def test_the_report_gate_is_the_disclosed_tokens_only_servicer_and_the_sale_is_gated() -> None:
    plan = deal_plan(load_spec(DISCLOSED), HOLDERS)
    assert plan.keys["documents"] == "DocumentRegistry" and plan.keys["gate"] == "ReportGate"
    servicers = [
        c.args[1]
        for c in plan.calls
        if c.function == "grantRole" and c.target == "token" and c.args[0] == SERVICER_ROLE
    ]
    assert servicers == [Ref("gate")]
    assert [c.function for c in plan.calls if c.target == "offering"] == ["setDisclosure"]
    required = [c for c in plan.calls if c.function == "requireDocument"]
    assert len(required) == 4
