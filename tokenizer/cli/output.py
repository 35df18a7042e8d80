"""How commands talk back: progress lines, JSON documents, the one ``error:`` line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from tokenizer.errors import TokenizerError

Say = Callable[[str], None]


def progress(quiet: bool) -> Say:
    """A printer of progress lines to stdout that says nothing when ``quiet``."""

    def say(text: str) -> None:
        if not quiet:
            print(text, flush=True)

    return say


def print_json(document: Any) -> None:
    """A JSON document on stdout, indented (the whole of stdout, for ``--json``)."""
    print(json.dumps(document, indent=2))


def print_error(message: str) -> None:
    """The one line a refused command leaves on stderr."""
    print(f"error: {message}", file=sys.stderr)


def address(text: str, name: str) -> str:
    """``text`` as a checksummed address, or one line naming the argument."""
    from eth_utils.address import is_address, to_checksum_address

    if not is_address(text):
        raise TokenizerError(f"{name}: not an address: {text!r} (0x and 40 hex digits)")
    return str(to_checksum_address(text))


def confirm(sends: str, question: str) -> bool:
    """Ask ``question`` on a terminal before sending; without one, refuse in one line.

    ``sends`` says what would go out (``"deploying to sepolia sends 16 transactions"``).
    """
    if not sys.stdin.isatty():
        raise TokenizerError(
            f"{sends}: pass --yes to send them (or --dry-run to only look); nothing was sent"
        )
    if input(f"{question} [y/N] ").strip().lower() in ("y", "yes"):
        return True
    print("Nothing was sent.")
    return False
