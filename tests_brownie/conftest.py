"""Brownie's own test folder (`brownie test`, in `.venv-brownie`): the deal deployed by the
toolkit on Brownie's network, then driven with Brownie's fixtures and contract containers.

Run from a project folder whose network has the dev mnemonic's accounts (the roles):
`brownie networks add Development rwa-dev cmd=anvil host=http://127.0.0.1 port=8545
accounts=10 mnemonic="test test ... junk"`, then `brownie test --network rwa-dev`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from brownie import network, web3

from tokenizer.cli import main as rwa
from tokenizer.workspace import Workspace

SPEC = Workspace.current().root / "seeds" / "xiaoping_island.yaml"
DEAL = "xiaoping_island"


@pytest.fixture(scope="module")
def deal(
    tmp_path_factory: pytest.TempPathFactory,
    RevenueShareToken: Any,
    PrimaryOffering: Any,
    IdentityRegistry: Any,
    MockStablecoin: Any,
) -> Iterator[dict[str, Any]]:
    """`rwa deploy` on Brownie's network (records in a folder of the test's own), and the
    deployed contracts as Brownie objects."""
    # Brownie's development networks price transactions at 0, which Anvil refuses under its
    # base fee: EIP-1559 transactions with a tip instead.
    network.priority_fee("1 gwei")
    folder: Path = tmp_path_factory.mktemp("rwa")
    env = pytest.MonkeyPatch()
    env.setenv("RWA_DEPLOYMENTS_DIR", str(folder / "deployments"))
    env.setenv("RWA_OUT_DIR", str(folder / "out"))
    try:
        assert rwa(["deploy", str(SPEC), "--rpc-url", web3.provider.endpoint_uri]) == 0
        (record,) = (folder / "deployments").glob(f"*/{DEAL}.json")
        contracts = json.loads(record.read_text())["contracts"]
        yield {
            "schedule": json.loads(record.read_text())["schedule"],
            "token": RevenueShareToken.at(contracts["token"]["address"]),
            "offering": PrimaryOffering.at(contracts["offering"]["address"]),
            "registry": IdentityRegistry.at(contracts["registry"]["address"]),
            "usd": MockStablecoin.at(contracts["stablecoin"]["address"]),
        }
    finally:
        env.undo()
