"""The tools developers already use, each run for real against a deal the toolkit deployed:
ethers v6 (from the exported ABIs and address book), Foundry's cast (reads, a claim, a refused
transfer it names from the exported signatures), a Ganache 7 node and a Hardhat 2 node (the
commands the README gives). Every tool comes from npm (package.json); a missing one fails."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from eth_utils.crypto import keccak

from tests.conftest import ROOT, SEED
from tokenizer.chain import DEV_MNEMONIC, AnvilNode
from tokenizer.chain.node import free_port
from tokenizer.cli import main
from tokenizer.cli.deals import EXIT_REFUSED

BIN = ROOT / "node_modules" / ".bin"
CAST = ROOT / "node_modules" / "@foundry-rs" / "cast-linux-amd64" / "bin" / "cast"
FLOW = ROOT / "tests" / "tools" / "flow.mjs"
DEAL = "xiaoping_island"
REFUSAL = "ReceiverNotVerified"  # a transfer to a wallet without KYC


def _answers(url: str) -> bool:
    try:
        reply = requests.post(
            url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}, timeout=2
        )
        return reply.ok and "result" in reply.json()
    except (requests.RequestException, ValueError):
        return False


@contextmanager
def npm_node(argv: list[str], port: int, log: Path) -> Iterator[str]:
    """A node from npm on ``port``, in its own process group (Hardhat's launcher starts a
    child), stopped with that group when the block ends."""
    import time

    with log.open("wb") as sink:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{argv[0]} did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def deal_through_ethers(url: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``rwa deploy`` and ``rwa export`` on the node at ``url``, then the ethers script: what it
    reports, with the export folder and the record's network key."""
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(folder / "deployments"))
    monkeypatch.setenv("RWA_OUT_DIR", str(folder / "out"))
    assert main(["deploy", str(SEED), "--rpc-url", url]) == 0
    out = folder / "export"
    assert main(["export", "--rpc-url", url, "--out", str(out)]) == 0
    (key,) = [p.name for p in (folder / "deployments").iterdir()]
    done = subprocess.run(
        ["node", str(FLOW), str(out), url, key, DEAL, DEV_MNEMONIC],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return {**result, "export": out, "key": key, "url": url}


def assert_the_deal_ran(result: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """Sold to the soft cap, closed as successful, one period paid and claimed to the unit,
    and a transfer to a wallet without KYC refused with the project's error by name -- in
    ethers, and in the toolkit's own check on the same chain."""
    assert result["status"] == 1  # Succeeded
    assert int(result["raised"]) == 10_000_000 * 10**6
    assert int(result["claimed"]) == int(result["claimable"]) > 0
    assert int(result["claimed"]) == int(result["revenue"]) // result["buyers"] - 1  # floored
    assert result["refusal"]["name"] == REFUSAL, result["refusal"]
    assert result["refusal"]["args"] == [result["stranger"]]
    capsys.readouterr()
    argv = ["check-transfer", str(SEED), result["holder"], result["stranger"], "1"]
    assert main([*argv, "--rpc-url", result["url"]]) == EXIT_REFUSED
    assert f"{REFUSAL}(to={result['stranger']})" in capsys.readouterr().out


@pytest.fixture(scope="module")
def anvil_deal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    env = pytest.MonkeyPatch()
    try:
        with AnvilNode() as node:
            yield deal_through_ethers(node.url, tmp_path_factory.mktemp("anvil"), env)
    finally:
        env.undo()


def test_ethers_v6_runs_a_deal_from_the_exported_abis_and_addresses(
    anvil_deal: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert_the_deal_ran(anvil_deal, capsys)


def cast(*argv: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The cast binary itself (its npm launcher always exits 0), with its own home folder."""
    return subprocess.run(
        [str(CAST), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(home)},
        cwd=ROOT,
    )


def test_cast_reads_claims_and_names_a_refused_transfer_from_the_exported_signatures(
    anvil_deal: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = anvil_deal["url"]
    book = json.loads(
        (anvil_deal["export"] / "addresses" / f"{anvil_deal['key']}.json").read_text()
    )
    contracts = book["deals"][DEAL]["contracts"]
    token, usd = contracts["token"]["address"], contracts["stablecoin"]["address"]
    home = tmp_path / "home"
    home.mkdir()
    # Reads.
    assert cast("call", token, "symbol()(string)", "-r", url, home=home).stdout.strip() == '"XPDR"'
    holder = anvil_deal["holder"]
    balance = cast("call", token, "balanceOf(address)(uint256)", holder, "-r", url, home=home)
    assert balance.stdout.split()[0] == anvil_deal["balance"]
    # A claim, signed by cast: the second buyer's share of the period.
    key = "0x" + keccak(text="rwa-ethers-buyer:1").hex()
    buyer = cast("wallet", "address", key, home=home).stdout.strip()
    owed = int(
        cast(
            "call", token, "claimable(address)(uint256)", buyer, "-r", url, home=home
        ).stdout.split()[0]
    )
    before = int(
        cast(
            "call", usd, "balanceOf(address)(uint256)", buyer, "-r", url, home=home
        ).stdout.split()[0]
    )
    sent = cast("send", token, "claim()", "--private-key", key, "-r", url, "--json", home=home)
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["status"] == "0x1"
    after = int(
        cast(
            "call", usd, "balanceOf(address)(uint256)", buyer, "-r", url, home=home
        ).stdout.split()[0]
    )
    assert after - before == owed > 0
    # A refused transfer: a bare selector without the project's signatures, its name with them.
    transfer = [
        "send",
        token,
        "transfer(address,uint256)",
        anvil_deal["stranger"],
        "1",
        "--private-key",
        key,
        "-r",
        url,
    ]
    bare = cast(*transfer, home=home)
    assert bare.returncode != 0
    assert "custom error 0x69d5fea9" in bare.stderr and REFUSAL not in bare.stderr
    monkeypatch.setenv("HOME", str(home))
    assert main(["export", "--out", str(tmp_path / "export"), "--cast-cache"]) == 0
    named = cast(*transfer, home=home)
    assert named.returncode != 0
    assert f"{REFUSAL}({anvil_deal['stranger']})" in named.stderr, named.stderr
    data = "0x69d5fea9" + anvil_deal["stranger"][2:].lower().rjust(64, "0")
    decoded = cast("decode-error", data, home=home)  # offline, from the cache
    assert decoded.stdout.splitlines()[0] == f"{REFUSAL}(address)"


VIEM_FLOW = ROOT / "tests" / "tools" / "viem_flow.ts"
TSC = BIN / "tsc"


def test_viem_reads_claims_and_names_a_refused_transfer_typed_by_the_exported_ts_modules(
    anvil_deal: dict[str, Any], tmp_path: Path
) -> None:
    """The exported ``as const`` modules and a viem script, compiled together by tsc --strict
    (viem's types checked against the ABIs), then run: reads, a claim, a refusal by name."""
    work = tmp_path / "viem"
    work.mkdir()
    shutil.copytree(anvil_deal["export"] / "ts", work / "ts")
    shutil.copy(VIEM_FLOW, work / "viem_flow.ts")
    (work / "node_modules").symlink_to(ROOT / "node_modules")
    (work / "package.json").write_text('{"type": "module"}\n')
    options = ["--strict", "--target", "es2022", "--module", "nodenext", "--skipLibCheck"]
    built = subprocess.run(
        [str(TSC), *options, "--outDir", "dist", "viem_flow.ts"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=work,
    )
    assert built.returncode == 0, built.stdout[-3000:]
    buyers = anvil_deal["buyers"]
    assert buyers >= 3  # the last buyer: neither ethers' claimer (0) nor cast's (1)
    key = "0x" + keccak(text=f"rwa-ethers-buyer:{buyers - 1}").hex()
    argv = [anvil_deal["url"], anvil_deal["key"], DEAL, key, anvil_deal["stranger"]]
    done = subprocess.run(
        ["node", "dist/viem_flow.js", *argv],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=work,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["symbol"] == "XPDR"
    assert int(result["balance"]) > 0
    assert result["status"] == "success"
    assert int(result["claimed"]) == int(result["claimable"]) > 0
    assert result["refusal"] == {"name": REFUSAL, "args": [anvil_deal["stranger"]]}


def test_ganache_7_runs_a_deal_started_as_the_readme_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    argv = [
        str(BIN / "ganache"),
        "--wallet.mnemonic",
        DEV_MNEMONIC,
        "--chain.hardfork",
        "shanghai",
        "--server.host",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--logging.quiet",
    ]
    with npm_node(argv, port, tmp_path / "ganache.log") as url:
        result = deal_through_ethers(url, tmp_path, monkeypatch)
        assert result["key"] == "1337"  # Ganache's chain id, a development chain
        assert_the_deal_ran(result, capsys)


def test_hardhat_2_node_runs_a_deal_started_as_the_readme_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    argv = [str(BIN / "hardhat"), "node", "--hostname", "127.0.0.1", "--port", str(port)]
    with npm_node(argv, port, tmp_path / "hardhat.log") as url:
        result = deal_through_ethers(url, tmp_path, monkeypatch)
        assert result["key"] == "31337"
        assert_the_deal_ran(result, capsys)
