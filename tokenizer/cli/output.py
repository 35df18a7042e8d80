"""How commands talk back: progress lines, JSON documents, the one ``error:`` line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

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
