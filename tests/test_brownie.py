"""Brownie (eth-brownie 1.22, in ``.venv-brownie``: ``make brownie``, which ``make test`` runs):
``brownie compile`` builds the contracts with the project's solc stand-in, and ``brownie run
scripts/deploy.py`` deploys the deal on a network Brownie starts itself (Anvil from PATH), and
``brownie test`` runs Brownie's own test folder (``tests_brownie/``) against it.

Brownie runs with a home folder of its own, so the test neither reads nor changes the user's
``~/.brownie`` or ``~/.solcx``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
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
    """The project's Brownie side (contracts, scripts, Brownie's tests, config, the Node modules)
    in a folder whose path has no dot: Brownie cannot `brownie run` from one that has (a checkout
    in a folder named with a dot would fail), and its build output stays out of the checkout."""
    project = folder / "brownie_project"
    project.mkdir()
    for name in ("contracts", "scripts", "tests_brownie"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "brownie-config.yaml", project / "brownie-config.yaml")
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    (project / "build").mkdir()  # Brownie makes build/brownie, not its parent
    return project


@dataclass(frozen=True)
class BrownieSetup:
    project: Path
    env: dict[str, str]
    records: Path  # where `brownie run scripts/deploy.py` keeps the deployment record


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> BrownieSetup:
    """`brownie compile` in a copy of the project, and a network `rwa-test`: an Anvil Brownie
    starts itself, with the dev mnemonic's accounts (the deal's roles)."""
    folder = tmp_path_factory.mktemp("brownie")
    home = folder / "home"
    (home / ".solcx").mkdir(parents=True)
    (home / ".solcx" / "solc-v0.8.30").symlink_to(ROOT / "tools" / "solc.js")
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{find_anvil().parent}{os.pathsep}{os.environ['PATH']}",
        "RWA_DEPLOYMENTS_DIR": str(folder / "deployments"),
        "RWA_OUT_DIR": str(folder / "out"),
    }
    project = brownie_project(folder)
    done = brownie("compile", env=env, cwd=project)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
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
    return BrownieSetup(project, env, folder / "deployments")


def test_brownie_compiles_the_contracts_and_runs_the_deploy_script(compiled: BrownieSetup) -> None:
    token = compiled.project / "build" / "brownie" / "contracts" / "RevenueShareToken.json"
    assert json.loads(token.read_text())["contractName"] == "RevenueShareToken"
    ran = brownie(
        "run", "scripts/deploy.py", "--network", "rwa-test", env=compiled.env, cwd=compiled.project
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert "Deployment record:" in ran.stdout
    record = json.loads((compiled.records / "31337" / "xiaoping_island.json").read_text())
    assert set(record["contracts"]) == {"stablecoin", "registry", "token", "offering", "market"}
    assert len(record["steps"]) == 11  # roles and compliance rules, all done


def test_brownie_test_runs_the_deal_with_brownies_fixtures(compiled: BrownieSetup) -> None:
    """`brownie test` on tests_brownie/: deploy, buy, distribute, claim, and a refused transfer
    Brownie names (ReceiverNotVerified) -- four tests, all passing."""
    ran = brownie("test", "--network", "rwa-test", env=compiled.env, cwd=compiled.project)
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    assert "4 passed" in ran.stdout, ran.stdout[-2000:]
