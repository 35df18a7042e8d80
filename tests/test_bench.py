"""The quick benchmark runs end to end and its figures behave as the design says.

No timing is asserted (machines differ); gas and structure are deterministic enough to check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tokenizer.bench import FULL, QUICK
from tokenizer.bench.table import table
from tokenizer.cli import main
from tokenizer.cli.bench import QUICK_HELP


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench-out")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RWA_OUT_DIR", str(out))
        assert main(["bench", "--quick"]) == 0
    path = out / "bench.json"
    assert path.is_file()
    doc: dict[str, Any] = json.loads(Path(path).read_text())
    return doc


def test_bench_json_has_the_keys(result: dict[str, Any]) -> None:
    assert {"machine", "gas", "throughput", "seconds", "goals"} <= set(result)
    assert {"cpu_count", "platform", "python", "anvil"} <= set(result["machine"])
    gas = result["gas"]
    for key in (
        "distribute",
        "distribute_first",
        "claim",
        "claim_first",
        "transfer_compliant",
        "transfer_plain_erc20",
        "push_distribution",
        "push_max_holders_30m",
    ):
        assert key in gas, key
    assert set(gas["distribute"]) == {"10", "100", "1000"}
    assert set(gas["push_distribution"]) == {"100", "300"}
    assert {"onboard_tx_per_s_sequential", "onboard_tx_per_s_batched"} <= set(result["throughput"])
    for key in (
        "simulate_100x24",
        "montecarlo_1000x240",
        "montecarlo_python_per_path",
        "compile_cold",
        "compile_cached",
    ):
        assert result["seconds"][key] > 0, key
    for goal in result["goals"].values():
        assert {"goal", "value", "met"} <= set(goal)
        assert isinstance(goal["met"], bool)
    assert result["quick"] is True
    assert result["sizes"]["holders"] == [10, 100, 1000]


def test_quick_timing_keys_are_named_after_the_sizes_that_ran(result: dict[str, Any]) -> None:
    sizes = result["sizes"]
    assert (sizes["sim_investors"], sizes["sim_periods"]) == (100, 24)
    assert (sizes["mc_paths"], sizes["mc_periods"]) == (1000, 240)
    assert set(result["seconds"]) == {
        "simulate_100x24",
        "montecarlo_1000x240",
        "montecarlo_python_per_path",
        "compile_cold",
        "compile_cached",
    }
    assert result["seconds"]["simulate_100x24"] == result["simulation"]["seconds"]
    assert result["seconds"]["montecarlo_1000x240"] == result["montecarlo"]["montecarlo"]


def test_the_full_run_keeps_its_timing_key_names() -> None:
    assert FULL.simulation_key == "simulate_1000x240"
    assert FULL.montecarlo_key == "montecarlo_10000x240"
    assert QUICK.simulation_key == "simulate_100x24"


def test_bench_help_states_the_quick_sizes_that_run() -> None:
    q = QUICK
    assert f"holders {'/'.join(map(str, q.holders))}" in QUICK_HELP
    assert f"push {q.push[0]}/{q.push[1]}" in QUICK_HELP
    assert f"simulation {q.sim_investors}x{q.sim_periods}" in QUICK_HELP
    assert f"Monte Carlo {q.mc_paths}x{q.mc_periods}" in QUICK_HELP


def test_bench_refuses_an_unwritable_out_before_measuring(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = main(["bench", "--quick", "--out", str(blocker / "sub" / "bench.json")])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --out "), captured.err
    assert "cannot write there" in lines[0]
    assert "Benchmarking" not in captured.err


def test_distribute_gas_is_flat(result: dict[str, Any]) -> None:
    distribute = result["gas"]["distribute"]
    assert abs(distribute["1000"] - distribute["10"]) <= 0.01 * distribute["10"]
    assert result["gas"]["distribute_first"] > 0


def test_push_distribution_grows_with_holders(result: dict[str, Any]) -> None:
    push = result["gas"]["push_distribution"]
    assert push["300"] / push["100"] > 2
    assert push["100"] > result["gas"]["distribute"]["1000"]
    assert result["gas"]["push_max_holders_30m"] > 300


def test_claims_and_transfers(result: dict[str, Any]) -> None:
    gas = result["gas"]
    assert 0 < gas["claim"] < gas["claim_first"]
    assert gas["transfer_compliant"] > gas["transfer_plain_erc20"] > 21_000


def test_batched_sending_is_faster(result: dict[str, Any]) -> None:
    tp = result["throughput"]
    assert tp["onboard_tx_per_s_batched"] > tp["onboard_tx_per_s_sequential"]


def test_simulation_reconciles(result: dict[str, Any]) -> None:
    sim = result["simulation"]
    assert sim["mismatches"] == 0
    assert sim["buyers"] > 0
    assert sim["periods_distributed"] == result["sizes"]["sim_periods"]


def test_a_waterfall_period_is_measured_on_the_tranched_seed(result: dict[str, Any]) -> None:
    w = result["waterfall"]
    assert w["seed"] == "xiaoping_island_tranched.yaml" and w["tranches"] == 2
    assert 0 < w["steady"] <= w["max"] and w["first"] <= w["max"]
    assert result["goals"]["waterfall_period_gas"]["value"] == w["steady"]
    assert result["goals"]["waterfall_period_gas"]["met"] == (w["steady"] <= w["goal_gas"])


def test_a_waterfall_period_of_the_issues_three_tranche_deal_is_measured_with_its_goal(
    result: dict[str, Any],
) -> None:
    w = result["waterfall"]["three_tranches"]
    assert w["tranches"] == 3 and w["goal_gas"] == 240_000
    assert 0 < w["steady"] <= w["max"] and w["first"] <= w["max"]
    goal = result["goals"]["waterfall_period_gas_three"]
    assert goal["value"] == w["steady"] and goal["met"] == (w["steady"] <= 240_000)
    shown = table(result)
    assert "waterfall period gas, 2 tranches (steady)" in shown
    row = next(line for line in shown.splitlines() if "3 tranches (steady)" in line)
    assert f"{w['steady']:,}" in row and "240,000" in row


def test_attested_distribution_and_document_registration_are_measured(
    result: dict[str, Any],
) -> None:
    d = result["disclosure"]
    assert set(d["attested_distribute"]) == {"10", "1000"}
    # The gate's work does not depend on the holders: the token's distribute is O(1).
    assert d["attested_distribute_spread"] <= 0.01
    hi = max(d["attested_distribute"].values())
    assert result["goals"]["attested_distribute_gas"]["value"] == hi
    assert result["goals"]["attested_distribute_gas"]["met"] == (hi <= 85_000)
    plain = result["gas"]["distribute"]["1000"]
    assert hi > plain  # two signatures and the sources cost something on top
    doc = d["register_document"]
    assert result["goals"]["register_document_gas"]["met"] == (doc <= 80_000)


def test_the_waterfall_mirrors_are_timed_against_each_other_with_the_two_second_goal(
    result: dict[str, Any],
) -> None:
    m = result["risk"]["mirror"]
    assert m["tranches"] == 3 and m["periods"] == 240 and m["paths"] == result["risk"]["paths"]
    assert m["equal_on_sample"] is True and m["dtype"] == "int64"
    assert m["scalar_seconds_estimated"] > m["vectorised_seconds"] > 0
    goal = result["goals"]["waterfall_mirror"]
    assert goal["value"] == m["vectorised_seconds"]
    assert goal["met"] == (m["vectorised_seconds"] <= 2)
    assert any("waterfall mirror" in line for line in table(result).splitlines())


def test_the_scale_section_times_the_retail_deal_at_each_size_against_its_floor(
    result: dict[str, Any],
) -> None:
    scale = result["scale"]
    sizes = result["sizes"]
    assert [int(n) for n in scale["by_holders"]] == sizes["scale_holders"]
    assert scale["holders"] == max(sizes["scale_holders"])
    assert scale["periods"] == sizes["scale_periods"]
    for run in scale["by_holders"].values():
        assert run["mismatches"] == 0
        assert run["buyers"] == run["holders"]  # the retail seed's cap leaves room for all
        assert run["seconds"] > run["floor_seconds"] > 0
        assert run["floor_ratio"] == pytest.approx(run["seconds"] / run["floor_seconds"], 0.01)
        assert run["peak_memory_mb"] > 0 and run["reconcile_seconds"] > 0
        assert set(run["stage_share"]) == {"kyc", "sale", "periods", "reconciliation", "report"}
        assert 0.5 < sum(run["stage_share"].values()) <= 1.0
    # Two transactions per buyer at least (approve and buy): the floor grows with holders.
    small, big = (
        scale["by_holders"][str(n)] for n in (min(sizes["scale_holders"]), scale["holders"])
    )
    assert big["transactions"] > small["transactions"] + 2 * (big["holders"] - small["holders"])
    for name in ("scale_end_to_end", "scale_floor_ratio", "scale_memory", "scale_reconcile"):
        assert name in result["goals"]
    assert scale["chart"] == "bench_scale.png"


def test_the_scale_chart_is_drawn_as_a_png(tmp_path: Path) -> None:
    from tokenizer.bench.scale import draw_scale_chart

    runs = {
        str(n): {"holders": n, "periods": 12, "seconds": s, "floor_seconds": s / 2}
        for n, s in ((100, 2.0), (1_000, 9.0), (10_000, 70.0))
    }
    path = tmp_path / "scale.png"
    draw_scale_chart(runs, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
