"""Signatures for Foundry's ``cast``, so it names the project's errors, events and functions.

``cast`` decodes a selector from its signature cache, ``~/.foundry/cache/signatures``: a JSON
object ``{"functions": {selector: signature}, "errors": {...}, "events": {topic: signature}}``
(Foundry's on-disk format; ``forge selectors cache`` fills it the same way). A cache hit needs no
network; without one ``cast`` prints ``custom error 0x69d5fea9``. ``cast decode-error --sig``
takes a signature from ``errors.txt`` by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from tokenizer.chain.abi import abi_type
from tokenizer.errors import TokenizerError

AbiItem = dict[str, Any]
KINDS = ("functions", "errors", "events")


def signature(item: AbiItem) -> str:
    """The canonical ``Name(type,...)`` of a function, error or event."""
    return f"{item['name']}({','.join(abi_type(i) for i in item.get('inputs', []))})"


def _event_signature(item: AbiItem) -> str:
    """An event as Foundry keeps it: ``event Name(type indexed name, ...)``, so ``cast`` knows
    which fields are topics."""
    fields = []
    for i in item.get("inputs", []):
        words = [abi_type(i)] + (["indexed"] if i.get("indexed") else []) + [i.get("name", "")]
        fields.append(" ".join(w for w in words if w))
    return f"event {item['name']}({', '.join(fields)})"


def signatures(abis: Iterable[list[AbiItem]]) -> dict[str, dict[str, str]]:
    """The signature cache's three tables for every item of ``abis``."""
    table: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for abi in abis:
        for item in abi:
            kind = item.get("type")
            if kind in ("function", "error"):
                text = signature(item)
                table[f"{kind}s"]["0x" + keccak(text=text)[:4].hex()] = text
            elif kind == "event" and not item.get("anonymous"):
                topic = "0x" + keccak(text=signature(item)).hex()
                table["events"][topic] = _event_signature(item)
    return {kind: dict(sorted(entries.items())) for kind, entries in table.items()}


def write_cast_files(folder: Path, table: dict[str, dict[str, str]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    cache = folder / "signatures"
    cache.write_text(json.dumps(table, indent=2) + "\n")
    errors = folder / "errors.txt"
    errors.write_text("".join(f"{sel} {sig}\n" for sel, sig in table["errors"].items()))
    return [cache, errors]


def foundry_cache(home: Path | None = None) -> Path:
    """Where ``cast`` looks for its signature cache."""
    return (home or Path.home()) / ".foundry" / "cache" / "signatures"


def merge_into_cache(table: dict[str, dict[str, str]], cache: Path) -> int:
    """Add the project's signatures to Foundry's cache at ``cache``, keeping what it holds;
    returns how many entries were new or changed."""
    existing: dict[str, Any] = {}
    if cache.is_file():
        try:
            existing = json.loads(cache.read_text() or "{}")
        except ValueError as exc:
            raise TokenizerError(f"{cache} is not JSON ({exc}); nothing was changed") from None
        if not isinstance(existing, dict):
            raise TokenizerError(f"{cache} is not a signature cache; nothing was changed")
    changed = 0
    for kind in KINDS:
        entries = existing.setdefault(kind, {})
        for key, text in table[kind].items():
            if entries.get(key) != text:
                entries[key] = text
                changed += 1
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".rwa-tmp")
    tmp.write_text(json.dumps(existing, indent=2) + "\n")
    tmp.replace(cache)
    return changed
