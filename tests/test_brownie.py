"""Brownie (eth-brownie 1.22, in ``.venv-brownie``: ``make brownie``, which ``make test`` runs):
``brownie compile`` builds the contracts with the project's solc stand-in, and ``brownie run
scripts/deploy.py`` deploys the deal on a network Brownie starts itself (Anvil from PATH).

Brownie runs with a home folder of its own, so the test neither reads nor changes the user's
``~/.brownie`` or ``~/.solcx``."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tokenizer.chain import DEV_MNEMONIC
from tokenizer.chain.node import find_anvil, free_port

BROWNIE = ROOT / ".venv-brownie" / "bin" / "brownie"

pytestmark = pytest.mark.skipif(
    not BROWNIE.exists(), reason="Brownie is not set up: run `make brownie` (make test does)"
)


def brownie(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BROWNIE), *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_brownie_compiles_the_contracts_and_runs_the_deploy_script(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".solcx").mkdir(parents=True)
    (home / ".solcx" / "solc-v0.8.30").symlink_to(ROOT / "tools" / "solc.js")
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{find_anvil().parent}{os.pathsep}{os.environ['PATH']}",
        "RWA_DEPLOYMENTS_DIR": str(tmp_path / "deployments"),
        "RWA_OUT_DIR": str(tmp_path / "out"),
    }
    (ROOT / "build").mkdir(exist_ok=True)  # Brownie makes build/brownie, not its parent

    compiled = brownie("compile", env=env)
    assert compiled.returncode == 0, compiled.stdout[-2000:] + compiled.stderr[-2000:]
    token = ROOT / "build" / "brownie" / "contracts" / "RevenueShareToken.json"
    assert json.loads(token.read_text())["contractName"] == "RevenueShareToken"

    port = free_port()
    added = brownie(
        "networks",
        "add",
        "Development",
        "rwa-test",
        "cmd=anvil",
        "host=http://127.0.0.1",
        f"port={port}",
        "accounts=10",
        f"mnemonic={DEV_MNEMONIC}",
        env=env,
    )
    assert added.returncode == 0, added.stdout[-2000:]
    ran = brownie("run", "scripts/deploy.py", "--network", "rwa-test", env=env)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert "Deployment record:" in ran.stdout
    record = json.loads((tmp_path / "deployments" / "31337" / "xiaoping_island.json").read_text())
    assert set(record["contracts"]) == {"stablecoin", "registry", "token", "offering", "market"}
    assert len(record["steps"]) == 11  # roles and compliance rules, all done
