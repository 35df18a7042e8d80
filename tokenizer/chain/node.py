"""An embedded Anvil: a local development chain on a free port, stopped when the run ends."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import requests

from tokenizer.chain.accounts import DEV_MNEMONIC
from tokenizer.errors import ChainError
from tokenizer.workspace import Workspace


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ensure_port_free(port: int, host: str = "127.0.0.1") -> None:
    """Refuse in one line if something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As a server would: a port left in TIME_WAIT by a stopped node counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ChainError(
                    f"port {port} is already in use on {host}: another node or program listens "
                    "there; stop it or choose another with --port"
                ) from None
            raise ChainError(f"cannot listen on port {port} of {host}: {exc.strerror}") from None


def find_anvil(workspace: Workspace | None = None) -> Path:
    """The Anvil binary from the npm platform package, or ``anvil`` on PATH.

    The npm launcher in ``node_modules/.bin`` always exits 0, so the platform binary is used.
    """
    ws = workspace or Workspace.current()
    for candidate in sorted(ws.node_modules.glob("@foundry-rs/anvil-*/bin/anvil")):
        if os.access(candidate, os.X_OK):
            return candidate
    on_path = shutil.which("anvil")
    if on_path:
        return Path(on_path)
    raise ChainError("Anvil is not installed: run `make install` (npm ci) or put anvil on PATH")


# Anvil keeps a copy of the whole state for every block in memory: 12 MB a block with 10,000
# investors, gigabytes within a simulated term. A node nobody asks about old blocks (every read of
# a run is at the latest block, or pinned to a block just read) keeps only the last few.
RECENT_STATES_ONLY = ("--prune-history", "16")


class AnvilNode:
    """An Anvil process on a local port (a free one unless given), stopped when the context ends."""

    def __init__(
        self,
        port: int | None = None,
        state_path: Path | None = None,
        accounts: int = 10,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.port = port or free_port()
        self.state_path = state_path
        self.accounts = accounts
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> AnvilNode:
        ensure_port_free(self.port)
        command = [
            str(find_anvil()),
            "--port",
            str(self.port),
            "--host",
            "127.0.0.1",
            "--accounts",
            str(self.accounts),
            "--mnemonic",
            DEV_MNEMONIC,
            "--silent",
        ]
        if "--prune-history" not in self.extra_args:
            # Past the states Anvil keeps in memory, old ones are dropped, not written to
            # ~/.foundry/anvil/tmp: a long simulation would otherwise leave gigabytes there
            # (tens of GB for 10,000 holders x 240 periods), and a killed node never cleans up.
            # (--prune-history implies it, and Anvil refuses the two together.)
            command += ["--max-persisted-states", "0"]
        if self.state_path is not None:
            # Load the file if it exists, save on exit and every second: a killed node loses
            # at most the last second, and the next run resumes from the chain it finds.
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            command += ["--state", str(self.state_path), "--state-interval", "1"]
        command += self.extra_args
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        session = requests.Session()
        session.trust_env = False
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise ChainError(f"Anvil exited at start: {err.strip() or 'no message'}")
            try:
                session.post(
                    self.url,
                    json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
                    timeout=1,
                )
                return self
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        raise ChainError(f"Anvil did not answer on {self.url} within {timeout:.0f} s")

    def set_balance(self, address: str, wei: int) -> None:
        """Give ``address`` exactly ``wei`` of native coin on this node (a rehearsal's fork)."""
        from tokenizer.chain.rpc import RpcClient

        RpcClient(self.url).call("anvil_setBalance", [address, hex(wei)])

    def stop(self) -> None:
        """Stop gracefully (SIGINT lets Anvil write its --state file), then kill if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """Kill abruptly (a crash, for fault tests)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> AnvilNode:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
