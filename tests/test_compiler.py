"""Compiling the contracts: the cache, the compiled tree's quality, and the solc-js stand-in."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from solcx.wrapper import get_solc_version

from tokenizer import compiler
from tokenizer.chain import Chain
from tokenizer.compiler import Artifacts, compile_contracts
from tokenizer.deploy.plan import ADMIN_DELAY_SECONDS as ADMIN_DELAY

ROOT = Path(__file__).resolve().parent.parent
EIP170_LIMIT = 24_576  # bytes of deployed code a contract may have (Spurious Dragon)
DEAL_CONTRACTS = {"MockStablecoin", "IdentityRegistry", "RevenueShareToken", "PrimaryOffering"}


@dataclass
class Cold:
    artifacts: Artifacts
    build: Path
    seconds: float
    project_cache_before: tuple[int, int] | None


def _stat(path: Path) -> tuple[int, int] | None:
    return (path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else None


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cold]:
    """One real compilation into a private build folder (the project's own cache is untouched)."""
    build = tmp_path_factory.mktemp("build")
    before = _stat(ROOT / "build" / "artifacts.json")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RWA_BUILD_DIR", str(build))
        started = time.perf_counter()
        artifacts = compile_contracts()
        seconds = time.perf_counter() - started
        yield Cold(artifacts, build, seconds, before)


class Recompiled(Exception):
    """Raised by the stand-in for solc: proves the cache was not used."""


@pytest.fixture()
def private_cache(cold: Cold, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the cold compile's cache in this test's own build folder; solc is a trap."""
    build = tmp_path / "build"
    build.mkdir()
    shutil.copy(cold.build / "artifacts.json", build / "artifacts.json")
    monkeypatch.setenv("RWA_BUILD_DIR", str(build))

    def trap(*args: object, **kwargs: object) -> None:
        raise Recompiled

    monkeypatch.setattr(compiler, "_run_solc", trap)
    return build / "artifacts.json"


def test_a_cold_compile_runs_the_compiler_and_writes_the_cache(cold: Cold) -> None:
    assert cold.artifacts.from_cache is False
    cache = json.loads((cold.build / "artifacts.json").read_text())
    assert cache["source_hash"] == cold.artifacts.source_hash
    assert set(cache["contracts"]) == set(cold.artifacts.contracts)


def test_a_second_compile_loads_equal_artifacts_from_the_cache_quickly(cold: Cold) -> None:
    started = time.perf_counter()
    warm = compile_contracts()
    seconds = time.perf_counter() - started
    assert warm.from_cache is True
    assert seconds < 0.5
    assert seconds < cold.seconds / 5
    assert warm.contracts == cold.artifacts.contracts
    assert warm.source_hash == cold.artifacts.source_hash
    assert warm.abi_hash == cold.artifacts.abi_hash
    assert warm.compiler_version == cold.artifacts.compiler_version
    assert warm.warnings == cold.artifacts.warnings


def test_compiling_into_a_private_build_folder_leaves_the_projects_cache_alone(cold: Cold) -> None:
    assert _stat(ROOT / "build" / "artifacts.json") == cold.project_cache_before


def test_an_up_to_date_cache_is_used_without_running_the_compiler(private_cache: Path) -> None:
    assert compile_contracts().from_cache is True


def test_a_deleted_cache_forces_recompilation(private_cache: Path) -> None:
    private_cache.unlink()
    with pytest.raises(Recompiled):
        compile_contracts()


def test_a_cache_recorded_for_other_sources_forces_recompilation(private_cache: Path) -> None:
    data = json.loads(private_cache.read_text())
    data["source_hash"] = "0" * 64
    private_cache.write_text(json.dumps(data))
    with pytest.raises(Recompiled):
        compile_contracts()


def test_a_cache_of_another_format_forces_recompilation(private_cache: Path) -> None:
    data = json.loads(private_cache.read_text())
    data["format"] = compiler.CACHE_FORMAT + 1
    private_cache.write_text(json.dumps(data))
    with pytest.raises(Recompiled):
        compile_contracts()


def test_a_corrupt_cache_file_forces_recompilation_instead_of_crashing(
    private_cache: Path,
) -> None:
    private_cache.write_text('{"format": 1, "source_ha')
    with pytest.raises(Recompiled):
        compile_contracts()


def test_an_edited_contract_source_is_not_served_from_the_cache(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_sources = compiler._sources

    def edited(root: Path) -> dict[str, str]:
        sources = real_sources(root)
        name = sorted(sources)[0]
        sources[name] += "\n// an edit\n"
        return sources

    monkeypatch.setattr(compiler, "_sources", edited)
    with pytest.raises(Recompiled):
        compile_contracts()


def test_force_recompiles_even_with_an_up_to_date_cache(private_cache: Path) -> None:
    with pytest.raises(Recompiled):
        compile_contracts(force=True)


def test_the_contracts_compile_without_compiler_warnings(cold: Cold) -> None:
    assert cold.artifacts.warnings == ()


def test_every_deal_contract_is_compiled_and_deployable(cold: Cold) -> None:
    assert set(cold.artifacts.contracts) >= DEAL_CONTRACTS
    for artifact in cold.artifacts.contracts.values():
        assert artifact.bytecode.startswith("0x")
        assert len(artifact.bytecode) > 2
        assert artifact.source.startswith("contracts/")


def test_every_deployable_contract_is_below_the_24576_byte_code_size_limit(cold: Cold) -> None:
    sizes = {name: a.deployed_size for name, a in cold.artifacts.contracts.items()}
    assert all(0 < size < EIP170_LIMIT for size in sizes.values()), sizes


def test_the_recorded_deployed_size_is_the_size_of_the_code_the_chain_stores(
    chain: Chain,
) -> None:
    admin = chain.accounts[0]
    receipt = chain.deploy("IdentityRegistry", [admin.address, ADMIN_DELAY], admin)
    code = chain.code_at(receipt.contract_address or "")
    assert len(code) == chain.artifacts.get("IdentityRegistry").deployed_size


def test_the_solc_standin_prints_a_version_line_that_py_solc_x_parses(cold: Cold) -> None:
    run = subprocess.run(
        ["node", str(ROOT / "tools" / "solc.js"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("Version: ")]
    assert len(lines) == 1
    assert re.fullmatch(r"Version: 0\.8\.\d+\+commit\.[0-9a-f]{8}\S*", lines[0])
    parsed = get_solc_version(ROOT / "tools" / "solc.js")
    assert str(parsed) == cold.artifacts.compiler_version
    assert lines[0].startswith(f"Version: {parsed}+commit.")
