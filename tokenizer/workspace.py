"""The project's folders, as one object.

A :class:`Workspace` says where the contracts, the Node tools, the build cache, the deployment
records and the reports are. The default one is the checkout this package was installed from:
``RWA_PROJECT_ROOT`` overrides the root; ``RWA_BUILD_DIR``, ``RWA_DEPLOYMENTS_DIR`` and
``RWA_OUT_DIR`` move the compiler cache, the records and the reports. Code that writes files
uses the current workspace; ``with workspace.use():`` makes another one current for a block
(the bench keeps its records in a temporary folder that way).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Workspace:
    root: Path  # holds contracts/, node_modules/ and tools/
    build: Path  # the compiler's cache
    deployments: Path  # deployments/<chain-id>/<deal>.json
    out: Path  # reports: out/<deal>/report.json ...

    @classmethod
    def at(cls, root: Path) -> Workspace:
        root = root.resolve()
        return cls(root, root / "build", root / "deployments", root / "out")

    @classmethod
    def from_env(cls) -> Workspace:
        override = os.environ.get("RWA_PROJECT_ROOT")
        ws = cls.at(Path(override) if override else Path(__file__).resolve().parent.parent)
        if os.environ.get("RWA_BUILD_DIR"):
            ws = replace(ws, build=Path(os.environ["RWA_BUILD_DIR"]).resolve())
        if os.environ.get("RWA_DEPLOYMENTS_DIR"):
            ws = replace(ws, deployments=Path(os.environ["RWA_DEPLOYMENTS_DIR"]).resolve())
        if os.environ.get("RWA_OUT_DIR"):
            ws = replace(ws, out=Path(os.environ["RWA_OUT_DIR"]).resolve())
        return ws

    @classmethod
    def current(cls) -> Workspace:
        """The workspace made current by :meth:`use`, else the one the environment names."""
        return _CURRENT.get() or cls.from_env()

    @contextmanager
    def use(self) -> Iterator[Workspace]:
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)

    def with_records_in(self, folder: Path) -> Workspace:
        """This workspace with its deployment records and reports under ``folder``."""
        return replace(self, deployments=folder / "deployments", out=folder / "out")

    @property
    def contracts(self) -> Path:
        return self.root / "contracts"

    @property
    def node_modules(self) -> Path:
        return self.root / "node_modules"

    @property
    def tools(self) -> Path:
        return self.root / "tools"

    def record_path(self, network: int | str, deal: str) -> Path:
        return self.deployments / str(network) / f"{deal}.json"

    def report_dir(self, deal: str) -> Path:
        return self.out / deal

    @staticmethod
    def ensure_writable(folder: Path, option: str = "the report folder") -> None:
        """Create ``folder`` if needed and prove a file can be written in it, or refuse in one
        line (``option`` names where the folder came from, e.g. ``--out``)."""
        import tempfile

        from tokenizer.errors import TokenizerError

        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".rwa-write-check-"):
                pass
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise TokenizerError(
                f"{option} {folder}: cannot write there ({reason}); nothing was run"
            ) from None

    def relative(self, path: Path) -> str:
        """``path`` relative to the root when it is inside it (for messages)."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


_CURRENT: ContextVar[Workspace | None] = ContextVar("rwa_workspace", default=None)
