"""The web app's server side without a browser: what it refuses off a local chain, what its
JSON-RPC relay passes, its checks before sending, and `rwa web` reopening its own chain."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from eth_account import Account

from tests.conftest import ROOT, USD
from tokenizer.chain import Chain
from tokenizer.chain.networks import Network
from tokenizer.chain.node import free_port
from tokenizer.compiler import Artifacts
from tokenizer.deploy import attach, deploy_deal
from tokenizer.spec import DealSpec
from tokenizer.web.server import serving
from tokenizer.web.session import WebDeal


def _get(url: str) -> requests.Response:
    return requests.get(url, timeout=30)


def _post(url: str, body: Any) -> requests.Response:
    return requests.post(url, json=body, timeout=30)


@pytest.fixture()
def deployed(
    chain: Chain, xiaoping: DealSpec, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[WebDeal]:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    deal = deploy_deal(chain, xiaoping)
    yield WebDeal(chain, xiaoping, deal)


def test_off_a_local_chain_the_console_and_the_development_keys_are_refused(
    deployed: WebDeal, artifacts: Artifacts
) -> None:
    testnet = Network(name="testnet", chain_id=deployed.chain.chain_id, local=False)
    remote = Chain(deployed.chain.url, artifacts, [], network=testnet)
    web = WebDeal(remote, deployed.spec, attach(remote, deployed.deal.deployment))
    investor = Account.create().address
    with serving(web, free_port()) as url:
        config = _get(url + "api/config").json()
        assert config["local"] is False and config["network"] == "testnet"
        for path in ("api/local/investors", f"api/local/key/{investor}", "api/local/next-period"):
            answer = _get(url + path)
            assert answer.status_code == 403, path
            assert "not a local chain" in answer.json()["error"]
        for path, body in (
            ("api/local/distribute", {"amount": "1000000"}),
            ("api/local/freeze", {"wallet": investor}),
            ("api/local/close-sale", {}),
            ("api/local/investors", {"country": "SG", "class": "professional"}),
        ):
            assert _post(url + path, body).status_code == 403, path
        assert _get(url + "api/offering").json()["open"] is True  # reading still works


def test_the_relay_passes_reads_and_refuses_methods_that_move_a_local_chain(
    deployed: WebDeal,
) -> None:
    with serving(deployed, free_port()) as url:
        chain_id = _post(url + "rpc", {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"})
        assert int(chain_id.json()["result"], 16) == deployed.chain.chain_id
        before = deployed.chain.timestamp()
        for method, params in (
            ("evm_increaseTime", [10**8]),
            ("anvil_setBalance", ["0x" + "11" * 20, "0x1"]),
        ):
            reply = _post(
                url + "rpc", [{"jsonrpc": "2.0", "id": 7, "method": method, "params": params}]
            )
            assert reply.json()[0]["error"]["message"] == f"{method} is not relayed here"
        assert deployed.chain.timestamp() < before + 10**8


def test_the_buy_check_names_the_sale_rule_before_anything_is_sent(deployed: WebDeal) -> None:
    stranger = Account.create().address
    block = deployed.chain.block_number()
    with serving(deployed, free_port()) as url:
        unknown = _post(url + "api/check/buy", {"wallet": stranger, "amount": str(10_000 * USD)})
        bad = _post(url + "api/check/buy", {"wallet": "0x12", "amount": "5"})
        explained = _post(url + "api/explain", {"data": "0x"})
    verdict = unknown.json()
    assert verdict["allowed"] is False and verdict["rule"] == "sale"
    assert verdict["error"] == "BuyerNotVerified"
    assert "not a verified investor" in verdict["message"]
    assert bad.status_code == 400 and bad.json()["error"].startswith("address: '0x12'")
    assert explained.json()["allowed"] is False
    assert deployed.chain.block_number() == block  # nothing was sent


def test_rwa_web_keeps_its_own_chain_and_reopens_it(tmp_path: Any) -> None:
    """The first run deploys the deal on the app's own chain; a second run finds the same
    contracts and the investor the first run registered."""
    env = {**os.environ, "RWA_OUT_DIR": str(tmp_path / "out")}
    port = free_port()
    url = f"http://127.0.0.1:{port}/"

    def run() -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "tokenizer.cli", "web", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Open http"):
                break
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                _get(url + "api/config")
                return process
            except requests.ConnectionError:
                time.sleep(0.1)
        process.kill()
        raise AssertionError("rwa web did not answer")

    def stop(process: subprocess.Popen[str]) -> None:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0

    first = run()
    try:
        token = _get(url + "api/config").json()["contracts"]["token"]["address"]
        made = _post(url + "api/local/investors", {"country": "HK", "class": "professional"})
        assert made.status_code == 200, made.text
    finally:
        stop(first)
    assert (tmp_path / "out" / "web" / "xiaoping_island" / "chain.json").is_file()
    second = run()
    try:
        assert _get(url + "api/config").json()["contracts"]["token"]["address"] == token
        labels = [i["address"] for i in _get(url + "api/local/investors").json()]
        assert made.json()["address"] in labels
    finally:
        stop(second)
