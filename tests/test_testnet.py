"""A public testnet rehearsed: an Anvil with Sepolia's chain id and a 1-second block time,
configured as a non-local network in a networks file of its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account

from tests.conftest import SEED, wallet
from tokenizer.chain import AnvilNode
from tokenizer.cli import main

SEPOLIA = 11155111
PASSWORD = "rehearsal password"


@pytest.fixture(scope="module")
def testnet() -> Iterator[AnvilNode]:
    with AnvilNode(extra_args=["--chain-id", str(SEPOLIA), "--block-time", "1"]) as node:
        yield node


@pytest.fixture()
def network(testnet: AnvilNode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The rehearsal network, a funded keystore for it, and private records."""
    table = tmp_path / "networks.yaml"
    table.write_text(
        "networks:\n"
        "  rehearsal: {url_env: RWA_REHEARSAL_URL, chain_id: 11155111, confirmations: 2,"
        " max_fee_gwei: 50}\n"
    )
    monkeypatch.setenv("RWA_NETWORKS", str(table))
    monkeypatch.setenv("RWA_REHEARSAL_URL", testnet.url)
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    monkeypatch.setenv("RWA_OUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("RWA_KEYSTORE_PASSWORD", PASSWORD)
    return tmp_path


def keystore(folder: Path, label: str, funded_on: AnvilNode | None) -> tuple[Path, str]:
    owner = wallet(label)
    path = folder / f"{label}.json"
    path.write_text(json.dumps(Account.encrypt(owner.key, PASSWORD, iterations=2)))
    if funded_on is not None:  # the faucet of this rehearsal
        from tokenizer.chain.rpc import RpcClient

        RpcClient(funded_on.url).call("anvil_setBalance", [owner.address, hex(10**18)])
    return path, owner.address


def usdc_deal(testnet: AnvilNode, folder: Path) -> Path:
    """The testnet's own stablecoin (deployed by a faucet account), and the seed deal settling
    in it: a spec for the testnet."""
    from tokenizer.chain import Chain, dev_accounts
    from tokenizer.compiler import compile_contracts

    faucet = dev_accounts(1)
    chain = Chain(testnet.url, compile_contracts(), faucet)
    usdc = chain.deploy("MockStablecoin", ["Testnet USD", "tUSD", faucet[0].address], faucet[0])
    spec = folder / "deal.yaml"
    spec.write_text(
        SEED.read_text().replace(
            "settlement:\n", f'settlement:\n  address: "{usdc.contract_address}"\n', 1
        )
    )
    return spec


def rwa(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def nonce(node: AnvilNode, address: str) -> int:
    from tokenizer.chain.rpc import RpcClient

    return int(RpcClient(node.url).call("eth_getTransactionCount", [address, "latest"]), 16)


def test_a_dry_run_prints_every_transaction_and_the_balance_and_sends_nothing(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    key, address = keystore(network, "dry-run", testnet)
    spec = usdc_deal(testnet, network)
    code, out, err = rwa(
        capsys, "deploy", spec, "--network", "rehearsal", "--keystore", key, "--dry-run"
    )
    assert code == 0, err
    assert "Deployment plan on rehearsal (rehearsed on a fork; nothing was sent):" in out
    assert "RevenueShareToken" in out and "compliance: enable lock-up" in out
    assert "MockStablecoin" not in out  # the deal settles in the testnet's token
    assert f"The deployer {address} holds 1.000000: enough" in out
    assert nonce(testnet, address) == 0
    assert not (network / "deployments").exists()


def test_without_yes_and_without_a_terminal_nothing_is_sent(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    key, address = keystore(network, "no-yes", testnet)
    spec = usdc_deal(testnet, network)
    code, _, err = rwa(capsys, "deploy", spec, "--network", "rehearsal", "--keystore", key)
    assert code != 0
    assert err.strip().splitlines()[-1].startswith("error: deploying to rehearsal sends 15 ")
    assert nonce(testnet, address) == 0


def test_a_deployer_without_enough_coin_is_refused_before_anything_is_sent(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    key, address = keystore(network, "unfunded", None)
    spec = usdc_deal(testnet, network)
    code, out, err = rwa(
        capsys, "deploy", spec, "--network", "rehearsal", "--keystore", key, "--yes"
    )
    assert code != 0, err
    assert "NOT enough" in out, err
    assert "fund it first; nothing was sent" in err
    assert nonce(testnet, address) == 0


def test_a_deployment_waits_for_confirmations_and_is_never_replaced_silently(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    key, address = keystore(network, "deployer", testnet)
    spec = usdc_deal(testnet, network)
    code, out, err = rwa(
        capsys, "deploy", spec, "--network", "rehearsal", "--keystore", key, "--yes", "--json"
    )
    assert code == 0, err
    record = json.loads(out)
    saved = network / "deployments" / "rehearsal" / "xiaoping_island.json"
    assert json.loads(saved.read_text()) == record
    assert record["roles"]["admin"] == address
    from tokenizer.chain.rpc import RpcClient

    assert record["contracts"]["stablecoin"]["existing"] is True
    last_block = max(c["block"] for c in record["contracts"].values() if "block" in c)
    assert int(RpcClient(testnet.url).call("eth_blockNumber"), 16) >= last_block + 1

    edited = network / "edited.yaml"
    edited.write_text(spec.read_text().replace('price: "1.00"', 'price: "1.10"', 1))
    sent = nonce(testnet, address)
    code, _, err = rwa(
        capsys, "deploy", edited, "--network", "rehearsal", "--keystore", key, "--yes"
    )
    assert code != 0
    line = err.strip().splitlines()[-1]
    assert "already deployed on rehearsal" in line and "'offering' has other arguments" in line
    assert "pass --redeploy" in line
    assert nonce(testnet, address) == sent

    # Read-only: no keystore needed to ask the deployed deal.
    code, out, err = rwa(
        capsys,
        "check-transfer",
        spec,
        "0x" + "00" * 20,
        wallet("outsider").address,
        "1",
        "--network",
        "rehearsal",
    )
    assert code == 3, err
    assert "not a verified investor" in out


def test_simulating_investors_on_a_testnet_is_refused(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    key, address = keystore(network, "simulator", testnet)
    code, _, err = rwa(
        capsys, "simulate", SEED, "--network", "rehearsal", "--keystore", key, "--periods", "1"
    )
    assert code != 0
    assert "needs a local development chain" in err
    assert nonce(testnet, address) == 0


def test_an_anvil_with_a_testnet_chain_id_is_not_treated_as_local(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    code, _, err = rwa(capsys, "deploy", SEED, "--rpc-url", testnet.url)
    assert code != 0
    assert f"chain {SEPOLIA} is not a local development chain: pass --keystore" in err


def test_a_deal_for_a_testnet_without_its_settlement_token_is_refused_naming_the_field(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    key, address = keystore(network, "no-token", testnet)
    code, _, err = rwa(capsys, "deploy", SEED, "--network", "rehearsal", "--keystore", key, "--yes")
    assert code != 0
    assert "error: settlement.address: on rehearsal a deal settles in an existing token" in err
    assert nonce(testnet, address) == 0


def test_a_settlement_token_with_other_decimals_is_refused(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    key, address = keystore(network, "decimals", testnet)
    spec = usdc_deal(testnet, network)
    spec.write_text(spec.read_text().replace("decimals: 6", "decimals: 8", 1))
    code, _, err = rwa(capsys, "deploy", spec, "--network", "rehearsal", "--keystore", key)
    assert code != 0
    assert "has 6 decimals, the spec says 8" in err
    assert nonce(testnet, address) == 0


def test_accounts_by_alias_sign_for_the_roles_a_network_names(
    capsys: pytest.CaptureFixture[str],
    testnet: AnvilNode,
    network: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RWA_KEYSTORE_DIR", str(network / "keys"))
    key_file = network / "agent.key"
    agent = wallet("alias-agent")
    key_file.write_text(bytes(agent.key).hex())
    assert rwa(capsys, "account", "new", "issuer")[0] == 0
    code, out, err = rwa(capsys, "account", "import", "agent", "--key-file", key_file)
    assert code == 0, err
    assert agent.address in out
    code, out, _ = rwa(capsys, "account", "list")
    listed = dict(line.split() for line in out.strip().splitlines())
    assert listed["agent"].lower() == agent.address.lower() and "issuer" in listed
    code, _, err = rwa(capsys, "account", "new", "issuer")
    assert code != 0 and "exists already" in err

    table = network / "networks.yaml"
    table.write_text(
        table.read_text() + "  with-roles: {url_env: RWA_REHEARSAL_URL, chain_id: 11155111,"
        " roles: {admin: issuer, agent: agent, servicer: issuer, treasury: issuer}}\n"
    )
    issuer = listed["issuer"]
    from tokenizer.chain.rpc import RpcClient

    RpcClient(testnet.url).call("anvil_setBalance", [issuer, hex(10**18)])
    spec = usdc_deal(testnet, network)
    code, out, err = rwa(capsys, "deploy", spec, "--network", "with-roles", "--yes", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["roles"]["admin"].lower() == issuer.lower()
    assert record["roles"]["agent"] == agent.address


def test_a_private_key_is_never_taken_from_the_command_line(
    capsys: pytest.CaptureFixture[str], network: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RWA_KEYSTORE_DIR", str(network / "keys"))
    monkeypatch.setattr("sys.stdin", open("/dev/null"))  # noqa: SIM115 - closed by pytest
    code, _, err = rwa(capsys, "account", "import", "someone")
    assert code != 0
    assert "a private key is never read from the command line" in err
    assert not (network / "keys").exists()


def token_deal(testnet: AnvilNode, folder: Path, fee_bps: int, minted: int) -> Path:
    """A deal settling in a QuirkyStablecoin taking ``fee_bps`` on transfers, ``minted`` units
    of which a faucet account (not the deployer) holds."""
    from tokenizer.chain import Chain, dev_accounts
    from tokenizer.compiler import compile_contracts

    faucet = dev_accounts(1)[0]
    chain = Chain(testnet.url, compile_contracts(), [faucet])
    address = chain.deploy("QuirkyStablecoin", ["Fee USD", "fUSD", faucet.address], faucet)
    token = chain.contract("QuirkyStablecoin", address.contract_address or "")
    if minted:
        chain.send(chain.tx(faucet, token, "mint", faucet.address, minted))
    if fee_bps:
        chain.send(chain.tx(faucet, token, "setFee", fee_bps))
    spec = folder / f"deal-{fee_bps}-{minted}.yaml"
    spec.write_text(
        SEED.read_text().replace("settlement:\n", f'settlement:\n  address: "{token.address}"\n', 1)
    )
    return spec


def test_a_settlement_token_taking_a_fee_on_transfer_is_refused_before_anything_is_deployed(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    key, address = keystore(network, "fee-token", testnet)
    spec = token_deal(testnet, network, fee_bps=100, minted=5_000_000)
    code, _, err = rwa(capsys, "deploy", spec, "--network", "rehearsal", "--keystore", key, "--yes")
    assert code != 0
    line = err.strip().splitlines()[-1]
    assert line.startswith("error: settlement.address: the token at 0x"), line
    assert "takes a fee on transfer" in line
    assert "transfer of 5,000,000 units from" in line and "delivered 4,950,000" in line
    assert nonce(testnet, address) == 0


def test_a_plan_notes_a_settlement_token_no_one_holds_as_not_probed_for_a_fee(
    capsys: pytest.CaptureFixture[str], testnet: AnvilNode, network: Path
) -> None:
    key, _ = keystore(network, "unheld-token", testnet)
    held = token_deal(testnet, network, fee_bps=0, minted=5_000_000)
    code, out, err = rwa(
        capsys, "deploy", held, "--network", "rehearsal", "--keystore", key, "--dry-run"
    )
    assert code == 0, err
    assert "not checked for a fee on transfer" not in out  # probed: a plain token

    unheld = token_deal(testnet, network, fee_bps=100, minted=0)
    code, out, err = rwa(
        capsys, "deploy", unheld, "--network", "rehearsal", "--keystore", key, "--dry-run"
    )
    assert code == 0, err
    assert "Note: settlement.address: not checked for a fee on transfer: no holder of it" in out
