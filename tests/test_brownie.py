"""Brownie (eth-brownie 1.22, in ``.venv-brownie``: ``make brownie``, which ``make test`` runs):
``brownie compile`` builds the contracts with the project's solc stand-in, and ``brownie run
scripts/deploy.py`` deploys the deal on a network Brownie starts itself (Anvil from PATH).

Brownie runs with a home folder of its own, so the test neither reads nor changes the user's
``~/.brownie`` or ``~/.solcx``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tokenizer.chain import DEV_MNEMONIC
from tokenizer.chain.node import find_anvil, free_port

BROWNIE = ROOT / ".venv-brownie" / "bin" / "brownie"

# Skipped only outside CI: `make test` (and so CI) sets Brownie up, and there a missing
# Brownie is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    not BROWNIE.exists() and not os.environ.get("CI"),
    reason="Brownie is not set up: run `make brownie` (make test does)",
)


def brownie(*argv: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BROWNIE), *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def brownie_project(folder: Path) -> Path:
    """The project's Brownie side (contracts, scripts, config, the Node modules) in a folder
    whose path has no dot: Brownie cannot `brownie run` from one that has (a checkout in a
    folder named with a dot would fail), and its build output stays out of the checkout."""
    project = folder / "brownie_project"
    project.mkdir()
    for name in ("contracts", "scripts"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "brownie-config.yaml", project / "brownie-config.yaml")
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    (project / "build").mkdir()  # Brownie makes build/brownie, not its parent
    return project


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
    project = brownie_project(tmp_path)
    compiled = brownie("compile", env=env, cwd=project)
    assert compiled.returncode == 0, compiled.stdout[-2000:] + compiled.stderr[-2000:]
    token = project / "build" / "brownie" / "contracts" / "RevenueShareToken.json"
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
        cwd=project,
    )
    assert added.returncode == 0, added.stdout[-2000:]
    ran = brownie("run", "scripts/deploy.py", "--network", "rwa-test", env=env, cwd=project)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert "Deployment record:" in ran.stdout
    record = json.loads((tmp_path / "deployments" / "31337" / "xiaoping_island.json").read_text())
    assert set(record["contracts"]) == {"stablecoin", "registry", "token", "offering", "market"}
    assert len(record["steps"]) == 11  # roles and compliance rules, all done
