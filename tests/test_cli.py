"""The ``rwa`` command line: its commands, its one-line errors, and whole runs on a real Anvil."""

from __future__ import annotations

import copy
import json
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from eth_utils.address import to_checksum_address

from tokenizer.chain import AnvilNode, Chain
from tokenizer.cli import main
from tokenizer.compiler import Artifacts
from tokenizer.deploy import Deal, Deployment, attach, record_path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "xiaoping_island.yaml"
COMMANDS = (
    "compile", "node", "validate", "deploy", "check-transfer", "simulate", "export", "demo",
    "risk", "compare", "invest", "distribute", "claim-for", "freeze", "recover", "holders",
    "position", "account", "web",
)  # fmt: skip
DEAD_NODE = "http://127.0.0.1:1"  # nothing listens on port 1
ZERO = "0x" + "0" * 40


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    monkeypatch.setenv("RWA_OUT_DIR", str(tmp_path / "out"))


def rwa(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def seed_data() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(yaml.safe_load(SEED.read_text()))
    return data


def write_spec(folder: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = seed_data()
    change(data)
    path = folder / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def low_soft_cap(data: dict[str, Any]) -> None:
    data["offering"]["soft_cap"] = "1000000"  # a sale 25 simulated investors can complete


def assert_one_error_line(err: str, *fragments: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], err


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"    {command} " in out, command


def test_a_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "usage: rwa" in capsys.readouterr().err


HEAVY_MODULES = (
    "web3", "numpy", "tokenizer.bench", "tokenizer.chain", "eth_account", "fastapi", "uvicorn",
)  # fmt: skip


def test_help_of_rwa_and_of_every_command_imports_neither_web3_numpy_nor_the_bench() -> None:
    script = textwrap.dedent(
        f"""
        import contextlib, io, json, sys
        from tokenizer.cli import main
        for argv in [["--help"], *([c, "--help"] for c in {[*COMMANDS, "roles", "bench"]!r})]:
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    main(argv)
                except SystemExit as exited:
                    assert exited.code == 0, argv
        print(json.dumps([m for m in {list(HEAVY_MODULES)!r} if m in sys.modules]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(done.stdout) == [], done.stdout


def test_validate_accepts_the_seed_and_summarises_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = rwa(capsys, "validate", SEED)
    assert code == 0
    assert err == ""
    assert "xiaoping_island.yaml" in out
    assert "is valid" in out
    assert "240 periods" in out


def test_validate_json_gives_the_deal_in_smallest_units(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = rwa(capsys, "validate", SEED, "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["id"] == "xiaoping_island"
    assert summary["periods"] == 240
    assert summary["price"] == 1_000_000
    assert summary["hard_cap"] == 40_000_000 * 10**6
    assert summary["supply"] == 40_000_000 * 10**18


BAD_SPECS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "soft-cap-above-hard-cap": (
        lambda d: d["offering"].__setitem__("soft_cap", "50000000"),
        "offering.soft_cap",
    ),
    "unknown-field": (lambda d: d["offering"].__setitem__("discount", "5"), "offering.discount"),
    "negative-price": (lambda d: d["offering"].__setitem__("price", "-1.00"), "offering.price"),
    "too-many-decimals": (
        lambda d: d["offering"].__setitem__("min_purchase", "10000.0000001"),
        "offering.min_purchase",
    ),
}


@pytest.mark.parametrize("command", ["validate", "deploy", "simulate"])
@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_a_bad_spec_field_is_refused_with_one_line_naming_the_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, case: str
) -> None:
    change, field = BAD_SPECS[case]
    path = write_spec(tmp_path, change)
    # With a dead node, a command that looked at the chain before the spec would fail differently.
    extra = [] if command == "validate" else ["--rpc-url", DEAD_NODE]
    started = time.perf_counter()
    code, out, err = rwa(capsys, command, path, *extra)
    assert code == 2
    assert out == ""
    assert_one_error_line(err, field, str(path))
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("command", ["validate", "deploy", "simulate"])
def test_a_missing_spec_file_is_refused_with_one_line_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    path = tmp_path / "nowhere.yaml"
    extra = [] if command == "validate" else ["--rpc-url", DEAD_NODE]
    code, out, err = rwa(capsys, command, path, *extra)
    assert code != 0
    assert out == ""
    assert_one_error_line(err, str(path), "does not exist")


def test_simulate_refuses_zero_periods(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = rwa(capsys, "simulate", SEED, "--periods", "0", "--rpc-url", DEAD_NODE)
    assert code != 0
    assert_one_error_line(err, "--periods", "positive", "0")


def test_simulate_refuses_more_periods_than_the_term(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = rwa(capsys, "simulate", SEED, "--periods", "241", "--rpc-url", DEAD_NODE)
    assert code != 0
    assert_one_error_line(err, "--periods 241", "longer than the term", "240")


def test_simulate_refuses_a_negative_investor_count(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = rwa(capsys, "simulate", SEED, "--investors", "-3", "--rpc-url", DEAD_NODE)
    assert code != 0
    assert_one_error_line(err, "--investors", "-3")


@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [
        ("--seed", "-1", "0 or more, got -1"),
        ("--seed", "one", "0 or more, got 'one'"),
        ("--investors", "0", "positive whole number, got 0"),
        ("--periods", "2.5", "positive whole number, got '2.5'"),
    ],
)
def test_a_bad_run_size_or_seed_is_refused_at_parse_time_before_anything_is_sent(
    capsys: pytest.CaptureFixture[str],
    anvil: AnvilNode,
    chain: Chain,
    tmp_path: Path,
    option: str,
    value: str,
    fragment: str,
) -> None:
    block = chain.block_number()
    code, out, err = rwa(
        capsys, "simulate", SEED, option, value, "--rpc-url", anvil.url, "--out", tmp_path / "r"
    )
    assert code == 2
    assert out == ""
    assert_one_error_line(err, option, fragment)
    assert chain.block_number() == block
    assert not (tmp_path / "deployments").exists()
    assert not (tmp_path / "r").exists()


def test_demo_refuses_a_negative_seed_before_starting_its_anvil(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    started = time.perf_counter()
    code, out, err = rwa(capsys, "demo", "--seed", "-1")
    assert code == 2
    assert out == ""
    assert_one_error_line(err, "--seed", "-1")
    assert time.perf_counter() - started < 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["simulate", "demo"])
def test_an_out_folder_that_cannot_be_written_is_refused_before_deploying(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, tmp_path: Path,
    command: str,
) -> None:  # fmt: skip
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the report folder's parent should be")
    out_dir = blocker / "report"
    extra = ["--rpc-url", anvil.url] if command == "simulate" else []
    block = chain.block_number()
    started = time.perf_counter()
    code, out, err = rwa(
        capsys, command, SEED, "--periods", "6", "--investors", "20", "--out", out_dir, *extra,
        "--json",
    )  # fmt: skip
    assert code == 1
    assert out == ""
    assert_one_error_line(err, f"--out {out_dir}", "cannot write there")
    assert chain.block_number() == block
    assert not (tmp_path / "deployments").exists()
    assert time.perf_counter() - started < 5  # refused before an embedded Anvil ran a deal


def test_node_on_a_port_another_anvil_listens_on_fails_with_one_line_naming_the_port(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain
) -> None:
    code, out, err = rwa(capsys, "node", "--port", str(anvil.port))
    assert code != 0
    assert "listening" not in out
    assert_one_error_line(err, f"port {anvil.port}", "already in use")
    assert chain.block_number() >= 0  # the node that holds the port is untouched


def test_node_on_a_port_any_program_holds_fails_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        code, out, err = rwa(capsys, "node", "--port", str(port))
    assert code != 0
    assert out == ""
    assert_one_error_line(err, f"port {port}", "--port")


def test_node_refuses_a_port_number_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = rwa(capsys, "node", "--port", "70000")
    assert code == 2
    assert out == ""
    assert_one_error_line(err, "--port", "65535", "70000")


@pytest.mark.parametrize("command", ["deploy", "simulate"])
def test_an_unreachable_node_is_one_line_error_not_a_traceback_and_quick(
    capsys: pytest.CaptureFixture[str], command: str, tmp_path: Path
) -> None:
    extra = ["--periods", "6"] if command == "simulate" else []
    started = time.perf_counter()
    code, _, err = rwa(capsys, command, SEED, "--rpc-url", DEAD_NODE, *extra)
    seconds = time.perf_counter() - started
    assert code != 0
    assert_one_error_line(err, "127.0.0.1:1", "cannot reach")
    assert seconds < 10
    assert not (tmp_path / "deployments").exists()


def test_a_node_with_another_chain_id_is_refused_as_the_wrong_chain(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, tmp_path: Path
) -> None:
    block = chain.block_number()
    code, out, err = rwa(
        capsys, "deploy", SEED, "--rpc-url", anvil.url, "--chain-id", "5", "--json"
    )
    assert code != 0
    assert out == ""
    assert_one_error_line(err, "wrong chain", "5", "31337")
    assert chain.block_number() == block
    assert not (tmp_path / "deployments").exists()


def test_compile_json_reports_the_cached_contracts_without_warnings(
    capsys: pytest.CaptureFixture[str], artifacts: Artifacts
) -> None:
    code, out, _ = rwa(capsys, "compile", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["from_cache"] is True
    assert summary["warnings"] == []
    assert summary["compiler"] == artifacts.compiler_version
    assert summary["contracts"]["RevenueShareToken"] == (
        artifacts.get("RevenueShareToken").deployed_size
    )


def test_deploy_json_prints_the_record_and_a_second_deploy_reuses_it(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, tmp_path: Path
) -> None:
    code, out, err = rwa(capsys, "deploy", SEED, "--rpc-url", anvil.url, "--json")
    assert code == 0, err
    printed = json.loads(out)
    saved = tmp_path / "deployments" / "31337" / "xiaoping_island.json"
    assert json.loads(saved.read_text()) == printed
    assert set(printed["contracts"]) == {"stablecoin", "registry", "token", "offering", "market"}
    assert all(chain.code_at(c["address"]) for c in printed["contracts"].values())
    block = chain.block_number()
    code, again, err = rwa(capsys, "deploy", SEED, "--rpc-url", anvil.url, "--json")
    assert code == 0, err
    assert json.loads(again) == printed
    assert chain.block_number() == block


def test_simulate_json_on_the_seed_exits_zero_reconciles_and_writes_both_reports(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, tmp_path: Path
) -> None:
    out_dir = tmp_path / "report"
    code, out, err = rwa(
        capsys,
        "simulate",
        SEED,
        "--periods",
        "12",
        "--investors",
        "25",
        "--rpc-url",
        anvil.url,
        "--out",
        out_dir,
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)  # the whole of stdout is the JSON report
    assert report["reconciliation"]["mismatches"] == 0
    assert report["investors"]["registered"] == 25
    assert report["revenue"]["periods"] == 12
    assert json.loads((out_dir / "report.json").read_text()) == report
    markdown = (out_dir / "report.md").read_text()
    assert report["deal"]["name"] in markdown
    assert not (ROOT / "out" / "report.json").exists()


def test_simulate_distributes_every_requested_period_when_the_sale_succeeds(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, low_soft_cap)
    code, out, err = rwa(
        capsys,
        "simulate",
        spec,
        "--periods",
        "12",
        "--investors",
        "25",
        "--rpc-url",
        anvil.url,
        "--out",
        tmp_path / "report",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["sale"]["status"] == "succeeded"
    assert report["revenue"]["periods_distributed"] == 12
    rec = report["reconciliation"]
    assert rec["mismatches"] == 0
    assert rec["periods"] == 12
    assert rec["distributed"] == sum(report["revenue"]["per_period"]) > 0
    assert rec["claimed"] + rec["claimable"] + rec["dust"] == rec["distributed"]


def test_demo_runs_on_its_own_embedded_anvil_and_reports_to_the_deals_out_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = rwa(capsys, "demo", "--periods", "6", "--investors", "20", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["chain"]["embedded"] is True
    assert report["revenue"]["periods"] == 6
    assert report["reconciliation"]["mismatches"] == 0
    assert (tmp_path / "out" / "xiaoping_island" / "report.json").is_file()
    assert (tmp_path / "out" / "xiaoping_island" / "report.md").is_file()
    page = (tmp_path / "out" / "xiaoping_island" / "report.html").read_text()
    assert "Risk band" in page and "Reconciliation at block" in page


# --------------------------------------------------------------------------- check-transfer


def deployed_seed(capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain) -> Deal:
    code, _, err = rwa(capsys, "deploy", SEED, "--rpc-url", anvil.url, "--json")
    assert code == 0, err
    dep = Deployment.load(record_path(chain.chain_id, "xiaoping_island"))
    assert dep is not None
    return attach(chain, dep)


def test_check_transfer_says_which_rule_refuses_and_exits_three(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain
) -> None:
    deal = deployed_seed(capsys, anvil, chain)
    outsider = "0x" + "ab" * 20
    code, out, err = rwa(
        capsys, "check-transfer", SEED, ZERO, outsider, "10", "--rpc-url", anvil.url
    )
    assert code == 3, err
    line = out.strip()
    assert line.startswith("refused by the identity rule: a mint of 10 XPDR from "), line
    assert "not a verified investor" in line and "ReceiverNotVerified" in line
    assert len(out.splitlines()) == 1
    assert deal.token.address  # the deployment it asked is the recorded one


def test_check_transfer_allows_what_the_rules_allow_and_answers_in_json(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain
) -> None:
    deal = deployed_seed(capsys, anvil, chain)
    hk, us_retail = "0x" + "11" * 20, "0x" + "22" * 20
    expiry = chain.timestamp() + 10**7
    chain.send(
        chain.tx(
            deal.roles.agent, deal.registry, "batchRegisterInvestors",
            [hk, us_retail], [344, 840], [1, 0], [expiry, expiry],
        )
    )  # fmt: skip
    code, out, err = rwa(capsys, "check-transfer", SEED, ZERO, hk, "12.5", "--rpc-url", anvil.url)
    assert (code, out.strip()) == (0, f"allowed: a mint of 12.5 XPDR from {ZERO} to "
                                      f"{to_checksum_address(hk)} passes every rule.")  # fmt: skip
    code, out, err = rwa(
        capsys, "check-transfer", SEED, ZERO, us_retail, "1", "--rpc-url", anvil.url, "--json"
    )
    assert code == 3, err
    answer = json.loads(out)
    assert (answer["allowed"], answer["rule"], answer["error"]) == (
        False,
        "investor class",
        "InvestorClassTooLow",
    )
    assert answer["args"]["minimumClass"] == 2 and answer["amount"] == 10**18
    assert answer["token"] == deal.token.address


def test_check_transfer_without_a_deployment_is_one_line_error(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain
) -> None:
    code, _, err = rwa(capsys, "check-transfer", SEED, ZERO, ZERO, "1", "--rpc-url", anvil.url)
    assert code == 1
    assert_one_error_line(err, "no recorded deployment on chain 31337", "rwa deploy")


def test_check_transfer_on_a_fresh_embedded_anvil_says_where_to_look(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = rwa(capsys, "check-transfer", SEED, ZERO, ZERO, "1")
    assert code == 1
    assert_one_error_line(err, "not deployed on this embedded Anvil", "--rpc-url", "--state")


@pytest.mark.parametrize(
    ("sender", "receiver", "amount", "fragment"),
    [
        ("0x12", ZERO, "1", "FROM: not an address"),
        (ZERO, "nobody", "1", "TO: not an address"),
        (ZERO, ZERO, "0.0000000000000000001", "AMOUNT: has more decimal places"),
        (ZERO, ZERO, "ten", "AMOUNT: "),
    ],
)
def test_check_transfer_refuses_bad_arguments_with_one_line(
    capsys: pytest.CaptureFixture[str], sender: str, receiver: str, amount: str, fragment: str
) -> None:
    code, _, err = rwa(capsys, "check-transfer", SEED, sender, receiver, amount)
    assert code == 1
    assert_one_error_line(err, fragment)
