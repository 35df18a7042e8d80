"""Deploy the Xiaoping Island deal: `brownie run scripts/deploy.py`, or `python scripts/deploy.py`.

Thin on purpose: all logic lives in the `tokenizer` package (`rwa deploy` does the same).
"""

from __future__ import annotations

import sys

from tokenizer.cli import main as rwa
from tokenizer.workspace import Workspace

try:
    from scripts._common import brownie_rpc_url
except ImportError:  # run as a plain file
    from _common import brownie_rpc_url  # type: ignore[no-redef]

# From the project, wherever the script runs (Brownie may run it from a copy of the project).
SPEC = str(Workspace.current().root / "seeds" / "xiaoping_island.yaml")


def main() -> int:
    url = brownie_rpc_url()
    return rwa(["deploy", SPEC] + (["--rpc-url", url] if url else []))


if __name__ == "__main__":
    sys.exit(main())
