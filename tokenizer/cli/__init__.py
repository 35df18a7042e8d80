"""The ``rwa`` command line (entry point ``tokenizer.cli:main``).

``parser`` builds the arguments and imports nothing heavy; one module per group of commands
(``contracts``: compile; ``chain``: node; ``deals``: validate, deploy, simulate, check-transfer,
demo; ``bench``; ``roles``) holds their options and handlers; ``output`` prints progress, JSON
and the one ``error:`` line; ``app`` runs a command.
"""

from __future__ import annotations

from tokenizer.cli.app import main
from tokenizer.cli.parser import build_parser

__all__ = ["build_parser", "main"]
