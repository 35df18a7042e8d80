"""The issuer's jobs from the command line on a deployed deal: distribute, claim-for, freeze,
recover, with dry runs; holders and position, read-only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_utils.crypto import keccak

from tests.conftest import SEED, wallet
from tokenizer.chain import AnvilNode, Chain
from tokenizer.cli import main
from tokenizer.deploy import Deal, Deployment, attach, record_path


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    monkeypatch.setenv("RWA_OUT_DIR", str(tmp_path / "out"))


def rwa(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


SPEC = Path()  # set by `running`: the seed deal with a soft cap 25 investors can meet


@pytest.fixture()
def running(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, tmp_path: Path
) -> Iterator[Deal]:
    """The seed deal (soft cap lowered) deployed and run for two periods on the session's
    Anvil."""
    global SPEC
    SPEC = tmp_path / "deal.yaml"
    SPEC.write_text(SEED.read_text().replace('soft_cap: "10000000"', 'soft_cap: "1000000"'))
    assert SPEC.read_text() != SEED.read_text()
    code, _, err = rwa(
        capsys, "simulate", SPEC, "--rpc-url", anvil.url, "--periods", "2",
        "--investors", "25", "--out", tmp_path / "report",
    )  # fmt: skip
    assert code == 0, err
    dep = Deployment.load(record_path(chain.chain_id, "xiaoping_island"))
    assert dep is not None
    yield attach(chain, dep)


def holders(capsys: pytest.CaptureFixture[str], url: str) -> list[dict[str, Any]]:
    code, out, err = rwa(capsys, "holders", SPEC, "--rpc-url", url, "--json")
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_holders_lists_every_holding_with_its_claimable_revenue(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, running: Deal
) -> None:
    rows = holders(capsys, anvil.url)
    assert rows and sum(r["balance"] for r in rows) == chain.call(
        running.token.functions.totalSupply()
    )
    for r in rows:
        assert r["claimable"] == chain.call(running.token.functions.claimable(r["address"]))
    assert [r["balance"] for r in rows] == sorted((r["balance"] for r in rows), reverse=True)


def test_position_shows_a_wallets_holding_lockup_and_kyc(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, running: Deal
) -> None:
    holder = holders(capsys, anvil.url)[0]["address"]
    code, out, err = rwa(capsys, "position", SPEC, holder, "--rpc-url", anvil.url, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["registered"] is True and shown["balance"] > 0 and shown["lockup_end"] > 0


def test_distribute_deposits_the_next_period_with_the_reports_hash(
    capsys: pytest.CaptureFixture[str],
    anvil: AnvilNode,
    chain: Chain,
    running: Deal,
    tmp_path: Path,
) -> None:
    report = tmp_path / "period-3.json"
    report.write_text('{"period": 3, "collected": "1000.00"}')
    roles = running.roles  # the servicer's collections arrive from its bank (minted here)
    chain.send(
        chain.tx(roles.admin, running.stablecoin, "mint", roles.servicer.address, 1000 * 10**6)
    )
    code, _, err = rwa(
        capsys, "distribute", SPEC, "--period", "3", "--amount", "1000", "--report", report,
        "--rpc-url", anvil.url,
    )  # fmt: skip
    assert code == 0, err
    assert chain.call(running.token.functions.lastPeriodId()) == 3
    event = running.token.events.RevenueDistributed
    last = chain.logs(running.token.address, 0, topics=[event.topic])[-1]
    fields = event.decode(last)
    assert (fields["amount"], fields["reportHash"]) == (1000 * 10**6, keccak(report.read_bytes()))


def test_a_servicer_short_of_money_is_refused_readably_and_nothing_moves(
    capsys: pytest.CaptureFixture[str],
    anvil: AnvilNode,
    chain: Chain,
    running: Deal,
    tmp_path: Path,
) -> None:
    report = tmp_path / "r.json"
    report.write_text("{}")
    servicer = running.roles.servicer.address
    held = chain.call(running.stablecoin.functions.balanceOf(servicer))
    code, _, err = rwa(
        capsys, "distribute", SPEC, "--period", "3", "--amount", f"{held // 10**6 + 1}",
        "--report", report, "--rpc-url", anvil.url,
    )  # fmt: skip
    assert code != 0
    assert "was refused: the sender's balance is too small" in err
    assert len(err.strip().splitlines()) == 1
    assert chain.call(running.token.functions.lastPeriodId()) == 2


def test_a_period_out_of_order_is_one_line_and_sends_nothing(
    capsys: pytest.CaptureFixture[str],
    anvil: AnvilNode,
    chain: Chain,
    running: Deal,
    tmp_path: Path,
) -> None:
    report = tmp_path / "r.json"
    report.write_text("{}")
    block = chain.block_number()
    code, _, err = rwa(
        capsys, "distribute", SPEC, "--period", "5", "--amount", "1", "--report", report,
        "--rpc-url", anvil.url,
    )  # fmt: skip
    assert code != 0
    assert err.strip() == (
        "error: --period 5: the token's last period is 2, so the next one is 3 (periods go in "
        "order, without gaps or repeats)"
    )
    assert chain.block_number() == block


def test_a_dry_run_estimates_and_sends_nothing(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, running: Deal
) -> None:
    wallets = [r["address"] for r in holders(capsys, anvil.url)[:2]]
    block = chain.block_number()
    code, out, err = rwa(capsys, "freeze", SPEC, *wallets, "--rpc-url", anvil.url, "--dry-run")
    assert code == 0, err
    assert "batchSetWalletFrozen" in out and "gas" in out and "nothing was sent" in out
    assert chain.block_number() == block


def test_freeze_then_release_and_claim_for(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, running: Deal
) -> None:
    rows = holders(capsys, anvil.url)
    owed = next(r for r in rows if r["claimable"] > 0)
    wallet_ = owed["address"]
    assert rwa(capsys, "freeze", SPEC, wallet_, "--rpc-url", anvil.url)[0] == 0
    assert chain.call(running.token.functions.isWalletFrozen(wallet_)) is True
    assert rwa(capsys, "freeze", SPEC, wallet_, "--release", "--rpc-url", anvil.url)[0] == 0
    assert chain.call(running.token.functions.isWalletFrozen(wallet_)) is False
    before = chain.call(running.stablecoin.functions.balanceOf(wallet_))
    assert rwa(capsys, "claim-for", SPEC, wallet_, "--rpc-url", anvil.url)[0] == 0
    after = chain.call(running.stablecoin.functions.balanceOf(wallet_))
    assert after - before == owed["claimable"]
    assert chain.call(running.token.functions.claimable(wallet_)) == 0


def test_recover_moves_the_identity_and_the_holding_to_the_new_wallet(
    capsys: pytest.CaptureFixture[str], anvil: AnvilNode, chain: Chain, running: Deal
) -> None:
    lost = holders(capsys, anvil.url)[-1]
    new = wallet("recovered").address
    code, _, err = rwa(capsys, "recover", SPEC, lost["address"], new, "--rpc-url", anvil.url)
    assert code == 0, err
    assert chain.call(running.token.functions.balanceOf(new)) == lost["balance"]
    assert chain.call(running.token.functions.balanceOf(lost["address"])) == 0
    assert chain.call(running.registry.functions.identityOf(new))[3] is True


def test_a_bad_address_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = rwa(capsys, "freeze", SEED, "0x12", "--dry-run")
    assert code != 0
    assert err.strip() == "error: WALLET: not an address: '0x12' (0x and 40 hex digits)"
