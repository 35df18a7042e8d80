"""The JSON-RPC transport: single requests and real batches (one HTTP request), one retry policy.

Every failure of the node or of the transport becomes a :class:`ChainError` with one line that
says what to do; no ``requests`` exception leaves this module.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import requests

from tokenizer.errors import ChainError

RETRIES = 4  # attempts for a request the node did not answer (connection refused, timeout)
BACKOFF_S = 0.2  # the first wait; it doubles with every attempt
MAX_BATCH = 1_000  # requests per HTTP request; a batch the node refuses whole is halved

Call = tuple[str, Sequence[Any]]
# What another client (the web app's page) may send through :meth:`RpcClient.relay`: reads,
# estimates and transactions it signed itself; nothing that moves a local chain's clock or
# balances.
RELAYABLE = frozenset(
    {
        "eth_chainId",
        "net_version",
        "eth_blockNumber",
        "eth_call",
        "eth_estimateGas",
        "eth_gasPrice",
        "eth_maxPriorityFeePerGas",
        "eth_feeHistory",
        "eth_getBalance",
        "eth_getCode",
        "eth_getTransactionCount",
        "eth_getBlockByNumber",
        "eth_getTransactionByHash",
        "eth_getTransactionReceipt",
        "eth_getLogs",
        "eth_sendRawTransaction",
    }
)


class RpcError(ChainError):
    """The node answered a request with a JSON-RPC error."""

    def __init__(self, method: str, error: dict[str, Any]) -> None:
        super().__init__(f"{method} failed: {error.get('message', error)}")
        self.method = method
        self.error = error


class RpcClient:
    """A small, fast JSON-RPC client over one keep-alive HTTP session."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        self.url = url
        self.timeout = timeout
        self._session = requests.Session()
        host = urlparse(url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            self._session.trust_env = False  # no proxy look-up per request on loopback
        self._ids = itertools.count(1)
        self.posts = 0  # HTTP requests sent (a batch is one)

    def _post(self, payload: Any) -> Any:
        last: Exception | None = None
        self.posts += 1
        for attempt in range(RETRIES):
            try:
                response = self._session.post(self.url, json=payload, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = exc
                time.sleep(BACKOFF_S * 2**attempt)
                continue
            except requests.RequestException as exc:
                raise ChainError(f"cannot talk to the node at {self.url}: {exc}") from None
            if response.status_code == 413:
                raise ChainError(
                    f"the node at {self.url} refused a request as too large (HTTP 413)"
                )
            if response.status_code >= 400 and not response.content.lstrip().startswith(b"{"):
                raise ChainError(
                    f"the node at {self.url} answered HTTP {response.status_code}: "
                    f"{response.text.strip()[:200] or response.reason}"
                )
            try:
                return response.json()
            except ValueError:
                raise ChainError(
                    f"the node at {self.url} answered something that is not JSON "
                    f"(HTTP {response.status_code}): {response.text.strip()[:120]!r}"
                ) from None
        raise ChainError(
            f"cannot reach the node at {self.url} ({type(last).__name__} after {RETRIES} "
            "attempts): is it running?"
        )

    def request(self, method: str, params: Sequence[Any] = ()) -> dict[str, Any]:
        """The raw reply to one request: ``{"result": ...}`` or ``{"error": ...}``."""
        reply = self._post(
            {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)}
        )
        if not isinstance(reply, dict):
            raise ChainError(f"the node at {self.url} answered {method} with {reply!r:.120}")
        return reply

    def relay(self, payload: Any) -> Any:
        """Another client's request (or batch), sent as it is, and the node's reply as it is;
        a method outside :data:`RELAYABLE` is answered with a JSON-RPC error, unsent."""
        requests = payload if isinstance(payload, list) else [payload]
        for req in requests:
            method = req.get("method") if isinstance(req, dict) else None
            if method not in RELAYABLE:
                error = {"code": -32601, "message": f"{method} is not relayed here"}
                ident = req.get("id") if isinstance(req, dict) else None
                reply = {"jsonrpc": "2.0", "id": ident, "error": error}
                return [reply] if isinstance(payload, list) else reply
        return self._post(payload)

    def call(self, method: str, params: Sequence[Any] = ()) -> Any:
        """The result of one request; a JSON-RPC error raises :class:`RpcError`."""
        reply = self.request(method, params)
        if "error" in reply:
            raise RpcError(method, reply["error"])
        return reply.get("result")

    def batch(self, calls: Sequence[Call]) -> list[dict[str, Any]]:
        """Many requests in as few HTTP requests as the node takes (``MAX_BATCH`` each); the
        replies come back in the order of ``calls``."""
        replies: list[dict[str, Any]] = []
        for start in range(0, len(calls), MAX_BATCH):
            replies.extend(self._batch(calls[start : start + MAX_BATCH]))
        return replies

    def _batch(self, calls: Sequence[Call]) -> list[dict[str, Any]]:
        if not calls:
            return []
        first = next(self._ids)
        payload = [
            {"jsonrpc": "2.0", "id": first + n, "method": m, "params": list(p)}
            for n, (m, p) in enumerate(calls)
        ]
        self._ids = itertools.count(first + len(calls))
        replies = self._post(payload)
        if isinstance(replies, dict) and "error" in replies and len(calls) > 1:
            # The node refused the batch as a whole (Anvil does past a body size): nothing of
            # it ran, so it is sent again in halves.
            half = len(calls) // 2
            return self._batch(calls[:half]) + self._batch(calls[half:])
        if isinstance(replies, dict) and "error" in replies:
            message = replies["error"].get("message", replies["error"])
            raise ChainError(
                f"the node at {self.url} refused a batch of {len(calls)} requests: {message}"
            )
        if not isinstance(replies, list):
            raise ChainError(f"the node at {self.url} does not accept JSON-RPC batches")
        by_id = {r.get("id"): r for r in replies if isinstance(r, dict)}
        return [by_id.get(first + n, {"error": {"message": "no reply"}}) for n in range(len(calls))]
