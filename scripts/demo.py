"""The Xiaoping Island story: `brownie run scripts/demo.py`, or `python scripts/demo.py`.

Thin on purpose: the same as `rwa demo` (or `rwa simulate` on Brownie's network).
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
    return rwa(["simulate", SPEC, "--rpc-url", url] if url else ["demo", SPEC])


if __name__ == "__main__":
    sys.exit(main())
