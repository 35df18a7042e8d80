"""ABIs as files: JSON per contract, TypeScript ``as const`` modules, a Python module."""

from __future__ import annotations

import json
import pprint
from pathlib import Path
from typing import Any

AbiItem = dict[str, Any]
AddressBooks = dict[str, dict[str, Any]]  # network -> address book


def all_abis(
    contracts: dict[str, list[AbiItem]], interfaces: dict[str, list[AbiItem]]
) -> dict[str, list[AbiItem]]:
    """Every ABI by contract name, deployable contracts and interfaces together, sorted."""
    return dict(sorted({**interfaces, **contracts}.items()))


def write_json_abis(folder: Path, abis: dict[str, list[AbiItem]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, abi in abis.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(abi, indent=2) + "\n")
        written.append(path)
    return written


def ts_const(name: str, value: Any) -> str:
    """``export const name = <JSON> as const;``: JSON is a TypeScript literal, and ``as const``
    keeps every string literal, so viem and ethers infer function names and argument types."""
    return f"export const {name} = {json.dumps(value, indent=2)} as const;\n"


def write_typescript(
    folder: Path, abis: dict[str, list[AbiItem]], books: AddressBooks
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    header = "// Written by `rwa export`; do not edit (run it again after a compile or a deploy).\n"
    written = []
    for name, abi in abis.items():
        path = folder / f"{name}.ts"
        path.write_text(header + ts_const(f"{name}Abi", abi))
        written.append(path)
    addresses = folder / "addresses.ts"
    addresses.write_text(header + ts_const("addresses", books))
    written.append(addresses)
    index = folder / "index.ts"
    lines = [f'export {{ {n}Abi }} from "./{n}.js";' for n in abis]
    lines.append('export { addresses } from "./addresses.js";')
    index.write_text(header + "\n".join(lines) + "\n")
    written.append(index)
    return written


PYTHON_TEMPLATE = '''"""The RWA toolkit's contracts for web3.py (by `rwa export`; do not edit).

    from web3 import Web3
    import rwa_contracts as rwa

    w3 = Web3(Web3.HTTPProvider(url))
    token = w3.eth.contract(**rwa.contract("sepolia", "xiaoping_island", "token"))
"""

from typing import Any

ABIS: dict[str, list[dict[str, Any]]] = {abis}

ADDRESSES: dict[str, dict[str, Any]] = {books}


def contract(network: str, deal: str, key: str) -> dict[str, Any]:
    """``address`` and ``abi`` of one deployed contract (``key``: token, registry, offering,
    market, stablecoin), as ``w3.eth.contract(**...)`` takes them."""
    try:
        entry = ADDRESSES[network]["deals"][deal]["contracts"][key]
    except KeyError:
        raise KeyError(f"no {{key}} of {{deal}} on {{network}} in this export") from None
    return {{"address": entry["address"], "abi": ABIS[entry["contract"]]}}
'''


def write_python(folder: Path, abis: dict[str, list[AbiItem]], books: AddressBooks) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "rwa_contracts.py"
    path.write_text(
        PYTHON_TEMPLATE.format(
            abis=pprint.pformat(abis, indent=1, width=100, sort_dicts=False),
            books=pprint.pformat(books, indent=1, width=100, sort_dicts=False),
        )
    )
    return path
