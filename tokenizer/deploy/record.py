"""The deployment record: what was deployed where, saved after every step.

``deployments/<chain-id>/<deal>.json`` holds the plan's fingerprint, the ABIs' hash, the
compiler version, the schedule, every contract (name, address, transaction, block, gas) and the
calls done. It is rewritten atomically after every step, so an interrupted deployment resumes
where it stopped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenizer.errors import DeploymentError
from tokenizer.workspace import Workspace

RECORD_FORMAT = 2  # 2: keyed by the plan's fingerprint instead of the spec file's hash


def record_path(network: int | str, deal: str) -> Path:
    """Where the record of ``deal`` on a network is kept: ``deployments/<network>/<deal>.json``,
    the network being a name from networks.yaml, ``local`` for the embedded Anvil, or the chain
    id of a node given by URL."""
    return Workspace.current().record_path(network, deal)


@dataclass
class Deployment:
    """The contracts of one deal on one chain, with the record they are saved in."""

    deal: str
    chain_id: int
    fingerprint: str
    abi_hash: str
    compiler_version: str
    schedule: dict[str, int]
    contracts: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    # admin, agent, servicer, treasury (addresses); off local chains a structured deal's parties
    roles: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)  # what the deployment sent (for diffs)
    # Contract steps sent but not yet mined: key -> the transaction's hashes (a replacement
    # adds one). A run interrupted meanwhile waits for them instead of deploying again.
    pending: dict[str, list[str]] = field(default_factory=dict)
    reused: bool = False
    path: Path | None = None  # where it is saved; None keeps it in memory (contract tests)

    def address(self, key: str) -> str:
        try:
            address: str = self.contracts[key]["address"]
        except KeyError:
            raise DeploymentError(f"the deployment of {self.deal} has no {key} yet") from None
        return address

    @property
    def record_file(self) -> Path:
        """Where the record is saved."""
        if self.path is None:
            raise DeploymentError(f"the deployment of {self.deal} keeps no record")
        return self.path

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": RECORD_FORMAT,
            "deal": self.deal,
            "chain_id": self.chain_id,
            "fingerprint": self.fingerprint,
            "abi_hash": self.abi_hash,
            "compiler_version": self.compiler_version,
            "schedule": self.schedule,
            "contracts": self.contracts,
            "steps": self.steps,
            "roles": self.roles,
            "plan": self.plan,
            "pending": self.pending,
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        tmp.replace(self.path)

    @classmethod
    def load(cls, path: Path) -> Deployment | None:
        """The record at ``path``; None if there is none or it is of an older format."""
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise DeploymentError(f"the deployment record {path} is unreadable: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
            return None
        try:
            return cls(
                deal=data["deal"],
                chain_id=data["chain_id"],
                fingerprint=data["fingerprint"],
                abi_hash=data["abi_hash"],
                compiler_version=data["compiler_version"],
                schedule=data["schedule"],
                contracts=data["contracts"],
                steps=data["steps"],
                roles=data.get("roles", {}),
                plan=data.get("plan", {}),
                pending=data.get("pending", {}),
                path=path,
            )
        except KeyError as exc:
            raise DeploymentError(f"the deployment record {path} lacks {exc}") from None
