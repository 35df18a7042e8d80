"""Writing the export: which records go in, and every file of the layout."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenizer.compiler import Artifacts
from tokenizer.deploy.record import Deployment
from tokenizer.errors import TokenizerError
from tokenizer.export.abis import all_abis, write_json_abis, write_python, write_typescript
from tokenizer.export.cast import foundry_cache, merge_into_cache, signatures, write_cast_files
from tokenizer.export.verify import write_verify_files
from tokenizer.workspace import Workspace

MOCKS = "contracts/mocks/"
GENERATED = ("abi", "addresses", "ts", "python", "cast", "verify", "README.md")


@dataclass(frozen=True)
class NetworkRecords:
    """The deployment records of one network (a folder of ``deployments/``)."""

    key: str  # the folder: a network's name, ``local``, or a node's chain id
    chain_id: int | None
    explorer: str | None
    deployments: tuple[Deployment, ...]

    @classmethod
    def load(
        cls, key: str, chain_id: int | None = None, explorer: str | None = None
    ) -> NetworkRecords:
        folder = Workspace.current().deployments / key
        found = [Deployment.load(p) for p in sorted(folder.glob("*.json"))]
        deps = tuple(d for d in found if d is not None)
        if chain_id is None and deps:
            chain_id = deps[0].chain_id
        return cls(key, chain_id, explorer, deps)


@dataclass
class ExportResult:
    out: Path
    files: list[Path] = field(default_factory=list)
    networks: dict[str, list[str]] = field(default_factory=dict)  # network -> deals
    contracts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cast_cache: Path | None = None
    cast_entries_added: int = 0


def recorded_networks() -> list[str]:
    """Every folder of ``deployments/`` that holds a record."""
    root = Workspace.current().deployments
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.json")))


def address_book(records: NetworkRecords) -> dict[str, Any]:
    """One network's address book: its chain id and explorer, and every deal's contracts,
    roles and schedule."""
    deals: dict[str, Any] = {}
    for dep in records.deployments:
        deals[dep.deal] = {
            "contracts": {
                key: {
                    "contract": entry["name"],
                    "address": entry["address"],
                    "block": entry.get("block"),
                    "tx": entry.get("tx"),
                }
                for key, entry in dep.contracts.items()
            },
            "roles": dep.roles,
            "schedule": dep.schedule,
        }
    return {
        "network": records.key,
        "chainId": records.chain_id,
        "explorer": records.explorer,
        "deals": deals,
    }


def _clear(out: Path) -> None:
    """Remove what an earlier export wrote (only the layout's own names), so a contract or a
    deal that is gone does not linger; a folder with such names that no export wrote is
    refused untouched."""
    readme = out / "README.md"
    ours = readme.is_file() and readme.read_text().startswith(LAYOUT_README.splitlines()[0])
    present = [name for name in GENERATED if (out / name).exists()]
    if present and not ours:
        raise TokenizerError(
            f"--out {out}: it holds {present[0]} and was not written by `rwa export`; choose an "
            "empty or new folder (nothing was changed)"
        )
    for name in GENERATED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.is_file():
            target.unlink()


def export(
    artifacts: Artifacts,
    networks: list[NetworkRecords],
    out: Path,
    cast_cache: bool | Path = False,
) -> ExportResult:
    """Write the whole layout under ``out`` (see :mod:`tokenizer.export`); ``cast_cache`` also
    merges the signatures into Foundry's cache (True: ``~/.foundry/cache/signatures``)."""
    Workspace.ensure_writable(out, "--out")
    _clear(out)
    result = ExportResult(out=out)
    deployed = {e["name"] for r in networks for d in r.deployments for e in d.contracts.values()}
    exported = {
        n: a.abi
        for n, a in artifacts.contracts.items()
        if not a.source.startswith(MOCKS) or n in deployed  # a test's mock only if deployed
    }
    abis = all_abis(exported, artifacts.interfaces)
    result.contracts = list(abis)
    books: dict[str, dict[str, Any]] = {}
    for records in networks:
        current = [d for d in records.deployments if d.abi_hash == artifacts.abi_hash]
        for dep in records.deployments:
            if dep.abi_hash != artifacts.abi_hash:
                result.warnings.append(
                    f"{records.key}/{dep.deal}: deployed from other contracts than the ones "
                    "compiled now; left out (export from the commit it was deployed from)"
                )
        kept = NetworkRecords(records.key, records.chain_id, records.explorer, tuple(current))
        books[records.key] = address_book(kept)
        result.networks[records.key] = [d.deal for d in current]
        for dep in current:
            folder = out / "verify" / records.key / dep.deal
            for files in write_verify_files(folder, dep, artifacts.contracts):
                result.files.extend(sorted(files.folder.iterdir()))

    result.files += write_json_abis(out / "abi", abis)
    (out / "addresses").mkdir(parents=True, exist_ok=True)
    for key, book in books.items():
        path = out / "addresses" / f"{key}.json"
        path.write_text(_json(book))
        result.files.append(path)
    result.files += write_typescript(out / "ts", abis, books)
    result.files.append(write_python(out / "python", abis, books))
    table = signatures(abis.values())
    result.files += write_cast_files(out / "cast", table)
    readme = out / "README.md"
    readme.write_text(LAYOUT_README)
    result.files.append(readme)
    if cast_cache:
        target = cast_cache if isinstance(cast_cache, Path) else foundry_cache()
        result.cast_cache = target
        result.cast_entries_added = merge_into_cache(table, target)
    return result


def _json(value: Any) -> str:
    import json

    return json.dumps(value, indent=2) + "\n"


def check_deployed(records: NetworkRecords, code_at: Any) -> None:
    """Refuse if a recorded contract has no code on the node (a restarted local node, a
    record from another chain with the same id)."""
    for dep in records.deployments:
        for key, entry in dep.contracts.items():
            if not code_at(entry["address"]):
                raise TokenizerError(
                    f"{records.key}/{dep.deal}: no contract at {entry['address']} ({key}) on "
                    "this node: the record describes another chain; deploy again or export "
                    "without the node"
                )


LAYOUT_README = """\
# rwa export

Written by `rwa export`; run it again after `rwa compile` or `rwa deploy` (it replaces these
files and nothing else in this folder).

* `abi/<Contract>.json`: the ABI of each contract and interface, a JSON array.
* `addresses/<network>.json`: `network`, `chainId`, `explorer`, and per deal its `contracts`
  (each `contract`, `address`, `block`, `tx`), `roles` and `schedule`.
* `ts/<Contract>.ts`: `export const <Contract>Abi = [...] as const`, for viem and ethers;
  `ts/addresses.ts`: `export const addresses = {...} as const`; `ts/index.ts` exports all.
* `python/rwa_contracts.py`: `ABIS`, `ADDRESSES` and `contract(network, deal, key)` for web3.py.
* `cast/signatures`: Foundry's signature cache (`functions`, `errors`, `events`);
  `cast/errors.txt`: `selector signature`, one custom error a line.
* `verify/<network>/<deal>/<key>/`: `standard-input.json`, `metadata.json`,
  `constructor-args.txt`, `etherscan.json`, `sourcify.json` (below).

## cast

`cast` names a custom error only if its signature cache knows it: `rwa export --cast-cache`
merges `cast/signatures` into `~/.foundry/cache/signatures` (or copy the file there when the
cache is empty). Then `cast call` and `cast send` print `NotVerified(0x...)` instead of
`custom error 0x...`, and `cast decode-error <data>` decodes offline. Without the cache:
`cast decode-error --sig "NotVerified(address)" <data>`, the signature from `cast/errors.txt`.

## Verifying on a block explorer

Each contract's folder has what the explorers ask for. The compiler is solc 0.8.30 (its
version with commit is in `etherscan.json`), EVM version shanghai, optimizer on, 200 runs.

* Etherscan, web form: "Verify and Publish", compiler type "Solidity (Standard-Json-Input)",
  the compiler version from `etherscan.json`, upload `standard-input.json`, paste
  `constructor-args.txt`. By API (v2, a key from your Etherscan account):

      cd verify/sepolia/<deal>/token
      fields=$(jq -r 'to_entries[] | "--data-urlencode \\(.key)=\\(.value)"' etherscan.json)
      curl -s "https://api.etherscan.io/v2/api?chainid=$(jq -r .chainid etherscan.json)" $fields \\
        --data-urlencode apikey=$ETHERSCAN_API_KEY \\
        --data-urlencode sourceCode@standard-input.json

  then poll `action=checkverifystatus&guid=<the returned guid>`.
* Sourcify (no key): `sourcify.json` is the body of its v2 verification request:

      curl -s -X POST https://sourcify.dev/server/v2/verify/<chainId>/<address> \\
        -H 'Content-Type: application/json' -d @sourcify.json

  and poll `GET /server/v2/verify/<verificationId>`; or upload `metadata.json` with the
  sources on the Sourcify site.
"""
