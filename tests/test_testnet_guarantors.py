"""A structured deal's guarantors on a network that is not local: each is the address the
network's roles name, the deployer never signs for one, and each guarantor approves the
waterfall itself with ``rwa guarantee``. The network is an Anvil with Sepolia's chain id
(so not local), mining at once to keep the test quick; the rehearsal forks it as it would fork
Sepolia."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, wallet
from tests.test_testnet import PASSWORD, SEPOLIA, keystore, nonce, rwa
from tokenizer.chain import AnvilNode

HUANGGANG = ROOT / "seeds" / "huanggang_receivables.yaml"
BANK, PROVINCE = "bank guarantee", "Hubei provincial financing guarantee group"


@pytest.fixture(scope="module")
def fast_testnet() -> Iterator[AnvilNode]:
    with AnvilNode(extra_args=["--chain-id", str(SEPOLIA)]) as node:
        yield node


@pytest.fixture()
def network(fast_testnet: AnvilNode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two networks on the same node: one naming the deal's parties, one not."""
    bank, province, trustee = (wallet(n).address for n in ("bank", "province", "trustee"))
    (tmp_path / "networks.yaml").write_text(
        "networks:\n"
        "  bare: {url_env: RWA_REHEARSAL_URL, chain_id: 11155111}\n"
        "  parties:\n"
        "    url_env: RWA_REHEARSAL_URL\n"
        "    chain_id: 11155111\n"
        "    roles:\n"
        f"      guarantors: {{{BANK}: '{bank}', {PROVINCE}: '{province}'}}\n"
        f"      fee_recipients: {{trustee: '{trustee}'}}\n"
    )
    monkeypatch.setenv("RWA_NETWORKS", str(tmp_path / "networks.yaml"))
    monkeypatch.setenv("RWA_REHEARSAL_URL", fast_testnet.url)
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    monkeypatch.setenv("RWA_OUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("RWA_KEYSTORE_PASSWORD", PASSWORD)
    return tmp_path


def structured_deal(node: AnvilNode, folder: Path) -> tuple[Path, str]:
    """Huanggang (a bank and a provincial guarantee, a trustee fee) settling in the testnet's
    own stablecoin; the spec's path and the stablecoin's address."""
    from tokenizer.chain import Chain, dev_accounts
    from tokenizer.compiler import compile_contracts

    faucet = dev_accounts(1)
    chain = Chain(node.url, compile_contracts(), faucet)
    usdc = chain.deploy("MockStablecoin", ["Testnet USD", "tUSD", faucet[0].address], faucet[0])
    spec = folder / "huanggang.yaml"
    spec.write_text(
        HUANGGANG.read_text().replace(
            "settlement:\n", f'settlement:\n  address: "{usdc.contract_address}"\n', 1
        )
    )
    return spec, usdc.contract_address or ""


def test_guarantors_off_a_local_chain_approve_the_waterfall_themselves(
    capsys: pytest.CaptureFixture[str], fast_testnet: AnvilNode, network: Path
) -> None:
    key, deployer = keystore(network, "structured-deployer", fast_testnet)
    bank_key, bank = keystore(network, "bank", fast_testnet)
    spec, usdc = structured_deal(fast_testnet, network)

    # A network that does not name the deal's guarantors is refused, naming the entry.
    code, _, err = rwa(capsys, "deploy", spec, "--network", "bare", "--keystore", key, "--dry-run")
    assert code != 0
    assert f"networks.bare.roles.guarantors.{BANK}: not named" in err
    assert nonce(fast_testnet, deployer) == 0

    # The dry run lists each guarantor's approval as the guarantor's own step, with its command.
    code, out, err = rwa(
        capsys, "deploy", spec, "--network", "parties", "--keystore", key, "--dry-run"
    )
    assert code == 0, err
    assert "Left to other parties (the deployer holds none of their keys" in out
    plan = out.split("Left to other parties")[0]
    assert "approves the waterfall" not in plan  # not among the deployer's transactions
    line = next(x for x in out.splitlines() if f"guarantor {BANK}: approves the waterfall" in x)
    assert bank in line and f"--guarantor '{BANK}' --network parties" in line
    assert "rwa guarantee" in line
    assert nonce(fast_testnet, deployer) == 0 and nonce(fast_testnet, bank) == 0

    # The deployment sends none of the guarantors' steps and names them again.
    code, out, err = rwa(capsys, "deploy", spec, "--network", "parties", "--keystore", key, "--yes")
    assert code == 0, err
    assert f"guarantor {BANK}: approves the waterfall" in out.split("Deployment record:")[1]
    assert nonce(fast_testnet, bank) == 0

    from tokenizer.chain import Chain
    from tokenizer.compiler import compile_contracts
    from tokenizer.deploy import Deployment, record_path

    chain = Chain(fast_testnet.url, compile_contracts(), [])
    dep = Deployment.load(record_path("parties", "huanggang_receivables"))
    assert dep is not None
    waterfall = chain.contract("Waterfall", dep.contracts["waterfall"]["address"])
    stablecoin = chain.contract("MockStablecoin", usdc)
    assert chain.call(waterfall.functions.guarantor(0))[0] == bank
    assert chain.call(stablecoin.functions.allowance(bank, waterfall.address)) == 0

    # Another key than the facility's is refused; the bank's own key approves.
    code, _, err = rwa(
        capsys, "guarantee", spec, "--guarantor", BANK, "--network", "parties",
        "--keystore", key, "--yes",
    )  # fmt: skip
    assert code != 0 and f"the waterfall's guarantor {BANK!r} is {bank}" in err
    code, _, err = rwa(
        capsys, "guarantee", spec, "--guarantor", "the mayor", "--network", "parties",
        "--keystore", bank_key, "--yes",
    )  # fmt: skip
    assert code != 0 and "--guarantor 'the mayor': not a guarantor of huanggang" in err
    code, out, err = rwa(
        capsys, "guarantee", spec, "--guarantor", BANK, "--network", "parties",
        "--keystore", bank_key, "--yes",
    )  # fmt: skip
    assert code == 0, err
    limit = chain.call(waterfall.functions.guarantor(0))[4]
    assert chain.call(stablecoin.functions.allowance(bank, waterfall.address)) == limit > 0
