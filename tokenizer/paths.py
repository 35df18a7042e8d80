"""Where the project's files are: everything is relative to the project root."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The folder that holds ``contracts/`` and ``node_modules/``.

    ``RWA_PROJECT_ROOT`` overrides it; otherwise it is the parent of this package (the package is
    installed in editable mode from the checkout).
    """
    override = os.environ.get("RWA_PROJECT_ROOT")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent


def contracts_dir() -> Path:
    return project_root() / "contracts"


def node_modules() -> Path:
    return project_root() / "node_modules"


def build_dir() -> Path:
    return project_root() / "build"


def deployments_dir() -> Path:
    return project_root() / "deployments"


def out_dir() -> Path:
    return project_root() / "out"
