"""Block-explorer verification files for each deployed contract.

For every contract of a deployment record: the Solidity standard-JSON input that rebuilds it
(the compiler's own settings and exactly the sources its metadata names, OpenZeppelin's
included), the compiler's metadata (what Sourcify matches), the ABI-encoded constructor
arguments, and ready request bodies for Etherscan's and Sourcify's verification APIs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokenizer.chain.abi import ContractAbi
from tokenizer.compiler import Artifact, standard_input
from tokenizer.deploy.record import Deployment
from tokenizer.errors import TokenizerError
from tokenizer.workspace import Workspace

_ADDRESS_OF = re.compile(r"^<address of (\w+)>$")
_TIME = re.compile(r"^<(\w+)>$")


@dataclass(frozen=True)
class VerifyFiles:
    """What was written for one contract."""

    key: str
    contract: str
    address: str
    folder: Path


def compiler_version(artifact: Artifact) -> str:
    """The full compiler version of ``artifact`` (``0.8.30+commit.73712a01``)."""
    version: str = json.loads(artifact.metadata)["compiler"]["version"]
    return version


def fully_qualified(artifact: Artifact) -> str:
    """``path:Name``, as both explorers name the contract to verify."""
    return f"{artifact.source}:{artifact.name}"


def _resolve(value: Any, dep: Deployment) -> Any:
    """A recorded constructor argument with its placeholder (``<address of token>``,
    ``<maturity>``) replaced by the address or time the deployment used."""
    if isinstance(value, list):
        return [_resolve(v, dep) for v in value]
    if isinstance(value, str):
        ref = _ADDRESS_OF.match(value)
        if ref:
            return dep.address(ref.group(1))
        when = _TIME.match(value)
        if when and when.group(1) in dep.schedule:
            return dep.schedule[when.group(1)]
    return value


def constructor_arguments(dep: Deployment, key: str, artifact: Artifact) -> str:
    """The ABI-encoded constructor arguments of contract ``key`` (hex, no ``0x``), from the
    record's plan: what followed the bytecode in the deployment transaction."""
    try:
        _, args = dep.plan["contracts"][key]
    except (KeyError, ValueError):
        raise TokenizerError(
            f"the record of {dep.deal} keeps no constructor arguments for {key}: deploy it again "
            "with this version to export its verification files"
        ) from None
    abi = ContractAbi.from_items(artifact.abi)
    return abi.encode_constructor("0x", [_resolve(a, dep) for a in args])[2:]


def standard_json(artifact: Artifact) -> dict[str, Any]:
    """The standard-JSON input that compiles ``artifact`` again, byte for byte."""
    root = Workspace.current().root
    names = sorted(json.loads(artifact.metadata)["sources"])
    missing = [n for n in names if not (root / n).is_file()]
    if missing:
        raise TokenizerError(f"a source of {artifact.name} is missing: {missing[0]}")
    return standard_input({n: (root / n).read_text() for n in names})


def write_verify_files(
    folder: Path, dep: Deployment, artifacts: dict[str, Artifact]
) -> list[VerifyFiles]:
    """One folder per contract of ``dep`` under ``folder``."""
    written = []
    for key, entry in dep.contracts.items():
        artifact = artifacts.get(entry["name"])
        if artifact is None or not artifact.metadata:
            raise TokenizerError(
                f"{entry['name']} ({key} of {dep.deal}) is not among the compiled contracts: "
                "run `rwa compile --force`"
            )
        target = folder / key
        target.mkdir(parents=True, exist_ok=True)
        std = standard_json(artifact)
        args = constructor_arguments(dep, key, artifact)
        version = compiler_version(artifact)
        (target / "standard-input.json").write_text(json.dumps(std, indent=2) + "\n")
        (target / "metadata.json").write_text(artifact.metadata)  # as solc wrote it (hashed)
        (target / "constructor-args.txt").write_text(args + "\n")
        etherscan = {
            "chainid": str(dep.chain_id),
            "module": "contract",
            "action": "verifysourcecode",
            "contractaddress": entry["address"],
            "codeformat": "solidity-standard-json-input",
            "contractname": fully_qualified(artifact),
            "compilerversion": f"v{version}",
            "constructorArguements": args,  # Etherscan's spelling
        }
        (target / "etherscan.json").write_text(json.dumps(etherscan, indent=2) + "\n")
        sourcify = {
            "stdJsonInput": std,
            "compilerVersion": version,
            "contractIdentifier": fully_qualified(artifact),
            "creationTransactionHash": entry.get("tx"),
        }
        (target / "sourcify.json").write_text(json.dumps(sourcify) + "\n")
        written.append(VerifyFiles(key, artifact.name, entry["address"], target))
    return written
