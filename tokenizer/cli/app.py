"""``main``: parse, run the command's handler, turn the toolkit's errors into one line."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Sequence

from tokenizer.cli.output import print_error
from tokenizer.cli.parser import build_parser
from tokenizer.errors import TokenizerError

EXIT_INTERRUPTED = 130


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds, so an embedded Anvil is stopped on the way out


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``rwa`` with ``argv`` (default: the process's arguments); returns the exit code."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        # Inside the try: a bad option value (--seed -1) is a TokenizerError raised while parsing.
        args = build_parser().parse_args(argv)
        code: int = args.handler(args)
        return code
    except TokenizerError as exc:
        print_error(exc.user_message)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
