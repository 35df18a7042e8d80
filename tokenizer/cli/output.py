"""How commands talk back: progress lines, JSON documents, the one ``error:`` line.

Also the check that an output folder can be written, made before a command starts work
whose result would otherwise be lost at the end.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
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


def ensure_writable_folder(folder: Path, option: str) -> None:
    """Create ``folder`` if needed and prove a file can be written in it, or refuse in one line.

    ``option`` names where the folder came from (``--out``), for the message.
    """
    import tempfile  # only when a command runs

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".rwa-write-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise TokenizerError(
            f"{option} {folder}: cannot write there ({reason}); nothing was run"
        ) from None
