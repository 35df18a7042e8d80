"""Compile the Solidity contracts with py-solc-x, through the project's solc-js stand-in.

Native solc binaries cannot be downloaded on every machine, so ``tools/solc.js`` (run by Node,
backed by the npm ``solc`` package) answers the solc command line that py-solc-x expects.
Results are cached in ``build/artifacts.json`` under a hash of every source, the compiler
version and the settings: an unchanged tree loads in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenizer.errors import CompileError
from tokenizer.workspace import Workspace

EVM_VERSION = "shanghai"  # keeps Ganache and older testnet forks working (no transient storage)
OPTIMIZER_RUNS = 200
REMAPPINGS = ("@openzeppelin/=node_modules/@openzeppelin/",)
CACHE_FORMAT = 2  # 2: metadata per contract, interface ABIs


@dataclass(frozen=True)
class Artifact:
    """One compiled contract: its ABI, creation bytecode and the compiler's metadata (the JSON
    whose hash ends the bytecode; block explorers verify against it)."""

    name: str
    source: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_size: int
    metadata: str = ""


@dataclass(frozen=True)
class Artifacts:
    """Every contract of one compilation, by contract name."""

    contracts: dict[str, Artifact]
    compiler_version: str
    source_hash: str
    warnings: tuple[str, ...]
    from_cache: bool
    interfaces: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # name -> ABI

    def get(self, name: str) -> Artifact:
        try:
            return self.contracts[name]
        except KeyError:
            known = ", ".join(sorted(self.contracts))
            raise CompileError(f"no compiled contract named {name!r} (known: {known})") from None

    @property
    def abi_hash(self) -> str:
        blob = json.dumps({n: a.abi for n, a in sorted(self.contracts.items())}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()


def solc_standin() -> Path:
    return Workspace.current().tools / "solc.js"


def solcjs_version() -> str:
    """The solc-js version installed in node_modules, read without starting Node."""
    package = Workspace.current().node_modules / "solc" / "package.json"
    if not package.is_file():
        raise CompileError("solc-js is not installed: run `make install` (or `npm ci`) first")
    version: str = json.loads(package.read_text())["version"]
    return version


def _settings() -> dict[str, Any]:
    return {
        "remappings": list(REMAPPINGS),
        "evmVersion": EVM_VERSION,
        "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
        "outputSelection": {
            "*": {"*": ["abi", "metadata", "evm.bytecode.object", "evm.deployedBytecode.object"]}
        },
    }


def standard_input(sources: dict[str, str]) -> dict[str, Any]:
    """The Solidity standard-JSON input that compiles ``sources`` (unit name -> text) with the
    project's settings: what the build sends to solc, and what a block explorer is given to
    verify a deployed contract."""
    return {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": _settings(),
    }


def _sources(root: Path) -> dict[str, str]:
    contracts = Workspace.current().contracts
    files = sorted(contracts.rglob("*.sol"))
    if not files:
        raise CompileError(f"no Solidity files under {contracts.relative_to(root)}/")
    return {f.relative_to(root).as_posix(): f.read_text() for f in files}


def _hash(sources: dict[str, str], version: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{CACHE_FORMAT}|{version}|".encode())
    digest.update(json.dumps(_settings(), sort_keys=True).encode())
    oz = Workspace.current().node_modules / "@openzeppelin" / "contracts" / "package.json"
    digest.update(oz.read_bytes() if oz.is_file() else b"no-oz")
    for name, text in sources.items():
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()


def _cache_file() -> Path:
    return Workspace.current().build / "artifacts.json"


def _load_cache(source_hash: str) -> Artifacts | None:
    cache = _cache_file()
    if not cache.is_file():
        return None
    try:
        data = json.loads(cache.read_text())
    except (OSError, ValueError):
        return None
    if data.get("source_hash") != source_hash or data.get("format") != CACHE_FORMAT:
        return None
    return Artifacts(
        contracts={n: Artifact(**a) for n, a in data["contracts"].items()},
        compiler_version=data["compiler_version"],
        source_hash=source_hash,
        warnings=tuple(data["warnings"]),
        from_cache=True,
        interfaces=data.get("interfaces", {}),
    )


def _save_cache(artifacts: Artifacts) -> None:
    cache = _cache_file()
    cache.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "format": CACHE_FORMAT,
        "source_hash": artifacts.source_hash,
        "compiler_version": artifacts.compiler_version,
        "warnings": list(artifacts.warnings),
        "contracts": {n: a.__dict__ for n, a in artifacts.contracts.items()},
        "interfaces": artifacts.interfaces,
    }
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(cache)  # atomic: a crash never leaves a half-written cache


def _run_solc(sources: dict[str, str], root: Path) -> dict[str, Any]:
    import solcx  # imported here: it is slow to import and the cache path does not need it
    from solcx.exceptions import SolcError

    if shutil.which("node") is None:
        raise CompileError("Node.js is not on PATH: it runs the solc-js compiler (install Node 20)")
    try:
        result: dict[str, Any] = solcx.compile_standard(
            standard_input(sources),
            base_path=str(root),
            allow_paths=[str(root)],
            solc_binary=solc_standin(),
        )
    except SolcError as exc:
        lines = [
            e.get("formattedMessage", e.get("message", "")).strip()
            for e in getattr(exc, "error_dict", None) or []
            if e.get("severity") == "error"
        ]
        detail = lines[0].splitlines()[0] if lines else str(exc).splitlines()[0]
        raise CompileError(f"compilation failed: {detail}") from exc
    except (OSError, ValueError) as exc:
        raise CompileError(f"could not run the compiler ({solc_standin().name}): {exc}") from exc
    return result


def compile_contracts(force: bool = False) -> Artifacts:
    """Compile every ``contracts/**/*.sol`` file, or load the cached result if nothing changed."""
    root = Workspace.current().root
    version = solcjs_version()
    sources = _sources(root)
    source_hash = _hash(sources, version)
    if not force:
        cached = _load_cache(source_hash)
        if cached is not None:
            return cached
    output = _run_solc(sources, root)
    warnings = tuple(
        e.get("formattedMessage", e.get("message", "")).strip()
        for e in output.get("errors", [])
        if e.get("severity") == "warning"
    )
    contracts: dict[str, Artifact] = {}
    interfaces: dict[str, list[dict[str, Any]]] = {}
    for source, by_name in output.get("contracts", {}).items():
        if not source.startswith("contracts/"):
            continue  # libraries (OpenZeppelin) are compiled but not exposed
        for name, out in by_name.items():
            bytecode = out["evm"]["bytecode"]["object"]
            if not bytecode:
                if out["abi"] and "/interfaces/" in f"/{source}":
                    interfaces[name] = out["abi"]  # for tools that talk to any implementation
                continue  # interfaces and abstract contracts cannot be deployed
            if name in contracts:
                raise CompileError(
                    f"two contracts are named {name}: {contracts[name].source}, {source}"
                )
            contracts[name] = Artifact(
                name=name,
                source=source,
                abi=out["abi"],
                bytecode="0x" + bytecode,
                deployed_size=len(out["evm"]["deployedBytecode"]["object"]) // 2,
                metadata=out.get("metadata", ""),
            )
    artifacts = Artifacts(
        contracts=contracts,
        compiler_version=version,
        source_hash=source_hash,
        warnings=warnings,
        from_cache=False,
        interfaces=interfaces,
    )
    _save_cache(artifacts)
    return artifacts
