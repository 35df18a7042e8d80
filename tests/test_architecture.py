"""The shape the toolkit keeps: one door to the chain, one error for a dead node, local-only
simulation, batches the node accepts, and a workspace instead of patched globals."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from eth_account import Account
from eth_utils.crypto import keccak

from tests.conftest import ROOT, SEED, TokenSetup, wallet
from tokenizer.chain import AnvilNode, Chain, dev_accounts, keystore_account
from tokenizer.chain.rpc import MAX_BATCH
from tokenizer.compiler import Artifacts
from tokenizer.compliance.check import check_transfer
from tokenizer.compliance.refusals import describe
from tokenizer.deploy import deploy_deal
from tokenizer.errors import ChainError, TokenizerError, TransactionReverted
from tokenizer.simulation.population import make_population
from tokenizer.simulation.runner import Simulation
from tokenizer.spec import load_spec
from tokenizer.units import AGENT_ROLE, GATE_ROLE, SERVICER_ROLE, ZERO_ADDRESS
from tokenizer.workspace import Workspace

RPC_NAME = re.compile(r"""["'](eth|evm|anvil|hardhat|web3)_[A-Za-z]+["']""")


def test_no_module_outside_the_chain_package_names_a_json_rpc_method() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "tokenizer").rglob("*.py"))
        if "chain" not in path.relative_to(ROOT / "tokenizer").parts[:1]
        for match in RPC_NAME.finditer(path.read_text())
    ]
    assert offenders == []


def test_a_single_read_from_a_node_that_died_is_one_line_error(artifacts: Artifacts) -> None:
    node = AnvilNode().start()
    chain = Chain(node.url, artifacts, dev_accounts())
    stable = chain.contract("MockStablecoin", "0x" + "11" * 20)
    node.kill()
    with pytest.raises(ChainError) as caught:
        chain.call(stable.functions.totalSupply())
    assert caught.value.user_message.startswith(f"cannot reach the node at {node.url}")
    assert "\n" not in caught.value.user_message


def test_a_batch_larger_than_the_node_accepts_is_split_and_answered_in_order(
    session_chain: Chain,
) -> None:
    count = 2 * MAX_BATCH + 7
    replies = session_chain.rpc.batch([("eth_chainId", [])] * count)
    assert len(replies) == count
    assert all(r.get("result") == hex(session_chain.chain_id) for r in replies)


def test_a_batch_too_big_for_one_request_is_sent_in_halves(session_chain: Chain) -> None:
    """Anvil refuses a request body of several MB as a whole ("Invalid request")."""
    big = "0x" + "ab" * 40_000  # 80 kB of call data each: 200 of them make 16 MB
    calls = [("eth_call", [{"to": "0x" + "22" * 20, "data": big}, "latest"])] * 200
    replies = session_chain.rpc.batch(calls)
    assert len(replies) == 200
    assert all(r.get("result") == "0x" for r in replies)


def test_the_simulation_refuses_a_chain_that_is_not_local(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    spec = load_spec(SEED)
    deal = deploy_deal(chain, spec)
    block = chain.block_number()
    monkeypatch.setattr(chain, "is_local", False)
    with pytest.raises(ChainError) as caught:
        Simulation(chain, deal, spec, make_population(spec, 3), [1])
    assert "needs a local development chain" in caught.value.user_message
    with pytest.raises(ChainError):
        chain.fund([wallet("remote").address], 10**18)
    monkeypatch.setattr(chain, "is_local", True)
    assert chain.block_number() == block


def test_a_keystore_without_a_password_and_without_a_terminal_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(Account.encrypt(wallet("keystore").key, "pw", iterations=2)))
    monkeypatch.delenv("RWA_KEYSTORE_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", open("/dev/null"))  # noqa: SIM115 - closed by pytest
    with pytest.raises(ChainError) as caught:
        keystore_account(path)
    assert caught.value.user_message == (
        "keystore key.json needs its password: set RWA_KEYSTORE_PASSWORD (there is no terminal "
        "to ask on)"
    )


def test_a_refused_transaction_and_a_refused_check_read_from_the_same_table(
    setup: TokenSetup,
) -> None:
    outsider = wallet("not-verified").address
    with pytest.raises(TransactionReverted) as refused:
        setup.mint(outsider, 1)
    verdict = check_transfer(setup.chain, setup.token, ZERO_ADDRESS, outsider, 1)
    meaning = describe("ReceiverNotVerified", {})
    assert meaning is not None
    assert refused.value.error_name == verdict.error == "ReceiverNotVerified"
    assert refused.value.reason == f"{meaning}: ReceiverNotVerified(to={outsider})"
    assert verdict.explanation == refused.value.reason


def test_a_workspace_made_current_for_a_block_holds_the_records_there(tmp_path: Path) -> None:
    default = Workspace.current()
    moved = default.with_records_in(tmp_path)
    with moved.use():
        assert Workspace.current().record_path(31337, "deal") == (
            tmp_path / "deployments" / "31337" / "deal.json"
        )
        assert Workspace.current().contracts == default.contracts
    assert Workspace.current() == default


def test_the_environment_moves_the_records_and_the_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("RWA_OUT_DIR", str(tmp_path / "o"))
    ws = Workspace.current()
    assert (ws.deployments, ws.report_dir("x")) == (tmp_path / "d", tmp_path / "o" / "x")


def test_an_unwritable_report_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(TokenizerError) as caught:
        Workspace.ensure_writable(blocker / "reports", "--out")
    assert caught.value.user_message.startswith(f"--out {blocker / 'reports'}: cannot write")
    assert caught.value.user_message.endswith("nothing was run")


def test_the_role_constants_are_the_hashes_of_their_names() -> None:
    assert keccak(text="AGENT_ROLE") == AGENT_ROLE
    assert keccak(text="SERVICER_ROLE") == SERVICER_ROLE
    assert keccak(text="GATE_ROLE") == GATE_ROLE


def test_the_readme_architecture_names_every_folder_of_the_package() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Architecture")
    opening = readme.index("```\ntokenizer/", start)
    block = readme[opening : readme.index("\n```\n", opening)]
    listed = set(re.findall(r"^  ([a-z_]+)/", block, flags=re.M))
    folders = {
        p.name
        for p in (ROOT / "tokenizer").iterdir()
        if p.is_dir() and (p / "__init__.py").is_file()
    }
    assert listed == folders
