"""The one place that knows how to reach a chain.

* an embedded Anvil (started on a free port, stopped on exit) when no RPC URL is given, or any
  JSON-RPC node (Anvil, Ganache, a Hardhat node, a testnet) by URL;
* accounts: the well-known development mnemonic on local chains, an encrypted keystore on
  anything else (the key never appears on the command line or in a log);
* transactions signed locally, EIP-1559 fees, nonces tracked here, receipts awaited, many
  transactions sent in one JSON-RPC batch where they do not depend on each other;
* reverts decoded into readable messages from the custom errors of every compiled contract.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

import requests
import rlp
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_keys.datatypes import PrivateKey
from eth_utils.abi import function_signature_to_4byte_selector
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

from tokenizer import paths
from tokenizer.compiler import Artifacts
from tokenizer.errors import ChainError, TransactionReverted

DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_CHAIN_IDS = {31337, 1337}
LOCAL_CLIENTS = ("anvil", "hardhat", "ganache")
RECEIPT_TIMEOUT_S = 120.0
BATCH_SIZE = 200
BATCH_MINE_MIN = 3  # from this many transactions, mining them together beats automine
# What nodes say when a transaction's nonce is no longer the account's next one.
NONCE_ERRORS = ("nonce too low", "nonce too high", "invalid nonce", "replacement transaction")

# Plain-language hints for the custom errors a user is most likely to meet.
HINTS: dict[str, str] = {
    "ReceiverNotVerified": "the receiver is not a verified investor (register the wallet in "
    "the IdentityRegistry, or renew its KYC)",
    "BuyerNotVerified": "the buyer is not a verified investor (register the wallet first)",
    "PeriodOutOfSequence": "revenue periods must be distributed in order, without gaps or repeats",
    "NoHolders": "there are no token holders to distribute to yet",
    "NothingToClaim": "there is no revenue to claim for this holder",
    "EnforcedPause": "the token is paused",
    "TermMatured": "the revenue term has ended; transfers are closed, claims still work",
    "SaleNotOpen": "the primary sale is not open",
    "HardCapExceeded": "the purchase would take the sale over its hard cap",
    "BelowMinimumPurchase": "the purchase is below the minimum ticket",
    "AboveMaximumPurchase": "the purchase would exceed the per-investor maximum",
    "AccessControlUnauthorizedAccount": "the sender does not hold the role this action needs",
    "ERC20InsufficientBalance": "the sender's balance is too small",
    "ERC20InsufficientAllowance": "the allowance is too small (approve first)",
    "RefundsNotAvailable": "refunds open only when a sale ends below its soft cap",
}


class ErrorDecoder:
    """Turns revert data into ``Name(arg=value, ...)`` using every compiled contract's ABI."""

    def __init__(self, abis: Sequence[Sequence[dict[str, Any]]]) -> None:
        self._errors: dict[bytes, tuple[str, list[str], list[str]]] = {}
        for abi in abis:
            for item in abi:
                if item.get("type") != "error":
                    continue
                types = [_abi_type(i) for i in item["inputs"]]
                names = [i.get("name") or f"arg{n}" for n, i in enumerate(item["inputs"])]
                signature = f"{item['name']}({','.join(types)})"
                self._errors[function_signature_to_4byte_selector(signature)] = (
                    item["name"],
                    types,
                    names,
                )

    def decode(self, data: str | bytes | None) -> tuple[str | None, str]:
        """Return ``(error name, readable text)`` for revert data."""
        raw = _to_bytes(data)
        if len(raw) < 4:
            return None, "reverted without a reason"
        selector, body = raw[:4], raw[4:]
        if selector == bytes.fromhex("08c379a0"):  # Error(string)
            return "Error", str(abi_decode(["string"], body)[0])
        if selector == bytes.fromhex("4e487b71"):  # Panic(uint256)
            return "Panic", f"panic code {hex(abi_decode(['uint256'], body)[0])}"
        known = self._errors.get(selector)
        if known is None:
            return None, f"unknown custom error 0x{raw[:4].hex()}"
        name, types, names = known
        try:
            values = abi_decode(types, body)
        except Exception:
            return name, name
        args = ", ".join(f"{n}={_show(v)}" for n, v in zip(names, values, strict=True))
        text = f"{name}({args})"
        hint = HINTS.get(name)
        return name, f"{hint}: {text}" if hint else text


def _abi_type(item: dict[str, Any]) -> str:
    kind: str = item["type"]
    if kind.startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in item["components"])
        return f"({inner}){kind[5:]}"
    return kind


def _show(value: Any) -> str:
    if isinstance(value, str) and len(value) == 42 and value.startswith("0x"):
        return str(to_checksum_address(value))
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


def _to_bytes(data: str | bytes | None) -> bytes:
    if data is None:
        return b""
    if isinstance(data, bytes):
        return data
    text = data[2:] if data.startswith("0x") else data
    try:
        return bytes.fromhex(text)
    except ValueError:
        return b""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def find_anvil() -> Path:
    """The Anvil binary from the npm platform package, or ``anvil`` on PATH."""
    for candidate in sorted(paths.node_modules().glob("@foundry-rs/anvil-*/bin/anvil")):
        if os.access(candidate, os.X_OK):
            return candidate
    on_path = shutil.which("anvil")
    if on_path:
        return Path(on_path)
    raise ChainError("Anvil is not installed: run `make install` (npm ci) or put anvil on PATH")


class AnvilNode:
    """An Anvil process on a free local port, stopped when the context ends."""

    def __init__(
        self,
        port: int | None = None,
        state_path: Path | None = None,
        accounts: int = 10,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.port = port or _free_port()
        self.state_path = state_path
        self.accounts = accounts
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> AnvilNode:
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
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise ChainError(f"Anvil exited at start: {err.strip() or 'no message'}")
            try:
                requests.post(
                    self.url,
                    json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
                    timeout=1,
                )
                return self
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        raise ChainError(f"Anvil did not answer on {self.url} within {timeout:.0f} s")

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


@dataclass
class Receipt:
    """The parts of a receipt the toolkit uses, with integers already parsed."""

    tx_hash: str
    block_number: int
    gas_used: int
    status: int
    contract_address: str | None
    logs: list[dict[str, Any]]


class RpcClient:
    """A small JSON-RPC client: single calls and real batches (one HTTP request)."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        self.url = url
        self.timeout = timeout
        self._session = requests.Session()
        host = urlparse(url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            self._session.trust_env = False  # no proxy look-up per request on loopback
        self._ids = itertools.count(1)

    def _post(self, payload: Any) -> Any:
        last: Exception | None = None
        for attempt in range(4):
            try:
                response = self._session.post(self.url, json=payload, timeout=self.timeout)
                response.raise_for_status()
                return response.json()
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = exc
                time.sleep(0.2 * 2**attempt)
            except (requests.HTTPError, ValueError) as exc:
                raise ChainError(f"the node at {self.url} answered badly: {exc}") from exc
        raise ChainError(
            f"cannot reach the node at {self.url} ({type(last).__name__}); is it running?"
        )

    def request(self, method: str, params: Sequence[Any] = ()) -> Any:
        reply = self._post(
            {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)}
        )
        return reply

    def call(self, method: str, params: Sequence[Any] = ()) -> Any:
        reply = self.request(method, params)
        if "error" in reply:
            raise ChainError(f"{method} failed: {reply['error'].get('message', reply['error'])}")
        return reply["result"]

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[dict[str, Any]]:
        """Send many calls in one HTTP request; replies come back in the order of ``calls``."""
        if not calls:
            return []
        first = next(self._ids)
        payload = [
            {"jsonrpc": "2.0", "id": first + n, "method": m, "params": list(p)}
            for n, (m, p) in enumerate(calls)
        ]
        self._ids = itertools.count(first + len(calls))
        replies = self._post(payload)
        if not isinstance(replies, list):
            raise ChainError(f"the node at {self.url} does not accept JSON-RPC batches")
        by_id = {r.get("id"): r for r in replies}
        return [by_id.get(first + n, {"error": {"message": "no reply"}}) for n in range(len(calls))]


@dataclass(frozen=True)
class _Function:
    """A function's selector and ABI types, for encoding calls without web3's validation."""

    selector: bytes
    inputs: list[str]
    outputs: list[str]

    name: str = ""

    def encode(self, args: Sequence[Any]) -> str:
        try:
            return "0x" + (self.selector + abi_encode(self.inputs, list(args))).hex()
        except (TypeError, ValueError, OverflowError) as exc:  # eth_abi's errors subclass these
            raise ChainError(
                f"bad arguments for {self.name}({', '.join(self.inputs)}): {exc}"
            ) from None


@dataclass
class TxRequest:
    """One transaction to send: the sender, the target (None to deploy) and the call data."""

    sender: LocalAccount
    to: str | None
    data: str
    action: str
    value: int = 0


def _waves(reqs: Sequence[TxRequest]) -> list[list[int]]:
    """Positions of ``reqs`` in waves: wave k holds each sender's k-th transaction."""
    seen: dict[str, int] = {}
    waves: list[list[int]] = []
    for n, req in enumerate(reqs):
        k = seen.get(req.sender.address, 0)
        seen[req.sender.address] = k + 1
        if k == len(waves):
            waves.append([])
        waves[k].append(n)
    return waves


class Chain:
    """A connection to one chain, with its accounts and the compiled contracts' ABIs."""

    def __init__(
        self,
        url: str,
        artifacts: Artifacts,
        accounts: Sequence[LocalAccount],
        node: AnvilNode | None = None,
    ) -> None:
        self.url = url
        self.node = node
        self.rpc = RpcClient(url)
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
        self.artifacts = artifacts
        self.decoder = ErrorDecoder([a.abi for a in artifacts.contracts.values()])
        self.accounts = list(accounts)
        self.chain_id = int(self.rpc.call("eth_chainId"), 16)
        client = str(self.rpc.request("web3_clientVersion").get("result", "")).lower()
        self.client_version = client
        self.is_local = any(name in client for name in LOCAL_CLIENTS) or (
            self.chain_id in DEV_CHAIN_IDS
        )
        self._nonces: dict[str, int] = {}
        self._keys: dict[str, PrivateKey] = {}
        self._clock_floor = 0  # the chain's time is known to be at least this
        # Anvil answers eth_sendRawTransactionSync (EIP-7966) with the receipt: no polling.
        self._sync_send = "anvil" in client
        self._functions: dict[tuple[str, str, int], _Function] = {}
        self._fees: tuple[int, int] | None = None

    # ----------------------------------------------------------------- contracts

    def contract(self, name: str, address: str) -> Contract:
        return self.w3.eth.contract(
            address=to_checksum_address(address), abi=self.artifacts.get(name).abi
        )

    def code_at(self, address: str) -> bytes:
        return _to_bytes(self.rpc.call("eth_getCode", [address, "latest"]))

    def deploy(self, name: str, args: Sequence[Any], sender: LocalAccount) -> Receipt:
        artifact = self.artifacts.get(name)
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        data = factory.constructor(*args).data_in_transaction
        receipt = self.send(TxRequest(sender, None, data, f"deploying {name}"))
        if not receipt.contract_address:
            raise ChainError(f"deploying {name} produced no contract address")
        return receipt

    def call(self, fn: Any, action: str = "the call") -> Any:
        """Call a view function; a revert becomes a readable ``TransactionReverted``."""
        try:
            return fn.call()
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            data = exc.data if isinstance(exc.data, str) else None
            name, text = self.decoder.decode(data)
            raise TransactionReverted(action, text if data else str(exc), name) from exc

    def _function(self, contract: Contract, function: str, arity: int) -> _Function:
        key = (contract.address, function, arity)
        found = self._functions.get(key)
        if found is None:
            for item in cast(list[dict[str, Any]], contract.abi):
                if (
                    item.get("type") == "function"
                    and item["name"] == function
                    and len(item["inputs"]) == arity
                ):
                    inputs = [_abi_type(i) for i in item["inputs"]]
                    outputs = [_abi_type(o) for o in item["outputs"]]
                    selector = function_signature_to_4byte_selector(
                        f"{function}({','.join(inputs)})"
                    )
                    found = _Function(selector, inputs, outputs, function)
                    break
            else:
                raise ChainError(
                    f"{function} with {arity} argument(s) is not in the contract's ABI"
                )
            self._functions[key] = found
        return found

    def read_many(
        self, contract: Contract, function: str, args: Sequence[Sequence[Any]]
    ) -> list[Any]:
        """Call one view function with many argument lists in JSON-RPC batches."""
        if not args:
            return []
        fn = self._function(contract, function, len(args[0]))
        results: list[Any] = []
        for start in range(0, len(args), BATCH_SIZE * 5):
            chunk = args[start : start + BATCH_SIZE * 5]
            replies = self.rpc.batch(
                [
                    ("eth_call", [{"to": contract.address, "data": fn.encode(a)}, "latest"])
                    for a in chunk
                ]
            )
            for reply in replies:
                if "error" in reply:
                    raise self._revert_from_error(f"reading {function}", reply["error"])
                values = abi_decode(fn.outputs, _to_bytes(reply["result"]))
                results.append(values[0] if len(values) == 1 else values)
        return results

    def data(self, contract: Contract, function: str, *args: Any) -> str:
        """ABI-encoded call data for ``contract.function(*args)``."""
        return self._function(contract, function, len(args)).encode(args)

    def tx(self, sender: LocalAccount, contract: Contract, function: str, *args: Any) -> TxRequest:
        """A transaction calling ``contract.function(*args)`` from ``sender``."""
        action = f"{function} on {contract.address[:10]}…"
        return TxRequest(sender, contract.address, self.data(contract, function, *args), action)

    # ----------------------------------------------------------------- sending

    def _fee_fields(self) -> dict[str, int]:
        if self._fees is None:
            block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
            base = int(block.get("baseFeePerGas") or "0x0", 16)
            tip_reply = self.rpc.request("eth_maxPriorityFeePerGas")
            tip = int(tip_reply["result"], 16) if "result" in tip_reply else 10**9
            tip = max(tip, 1)
            self._fees = (2 * base + tip, tip)
        max_fee, tip = self._fees
        return {"maxFeePerGas": max_fee, "maxPriorityFeePerGas": tip, "type": 2}

    def refresh_fees(self) -> None:
        self._fees = None

    def _next_nonce(self, address: str) -> int:
        if address not in self._nonces:
            self._nonces[address] = int(
                self.rpc.call("eth_getTransactionCount", [address, "pending"]), 16
            )
        nonce = self._nonces[address]
        self._nonces[address] = nonce + 1
        return nonce

    def _prefetch_nonces(self, addresses: set[str]) -> None:
        """Read the nonces of senders not seen yet, in one batch."""
        unknown = sorted(a for a in addresses if a not in self._nonces)
        replies = self.rpc.batch([("eth_getTransactionCount", [a, "pending"]) for a in unknown])
        for address, reply in zip(unknown, replies, strict=True):
            if "result" in reply:
                self._nonces[address] = int(reply["result"], 16)

    def forget_nonces(self) -> None:
        self._nonces.clear()

    def _estimate_params(self, req: TxRequest) -> dict[str, Any]:
        params: dict[str, Any] = {"from": req.sender.address, "data": req.data}
        if req.to:
            params["to"] = req.to
        if req.value:
            params["value"] = hex(req.value)
        return params

    def _revert_from_error(self, action: str, error: dict[str, Any]) -> TransactionReverted:
        data = error.get("data")
        if isinstance(data, dict):  # some nodes nest it
            data = data.get("data") or data.get("result")
        name, text = self.decoder.decode(data if isinstance(data, str) else None)
        if name is None and not data:
            text = str(error.get("message", "reverted"))
        return TransactionReverted(action, text, name)

    def _sign(self, req: TxRequest, gas: int) -> str:
        """Sign an EIP-1559 transaction; byte for byte what eth-account produces, 3x faster."""
        fees = self._fee_fields()
        fields: list[Any] = [
            self.chain_id,
            self._next_nonce(req.sender.address),
            fees["maxPriorityFeePerGas"],
            fees["maxFeePerGas"],
            gas,
            _to_bytes(req.to) if req.to else b"",
            req.value,
            _to_bytes(req.data),
            [],  # access list
        ]
        key = self._keys.get(req.sender.address)
        if key is None:
            key = self._keys[req.sender.address] = PrivateKey(bytes(req.sender.key))
        signature = key.sign_msg_hash(keccak(b"\x02" + rlp.encode(fields)))
        raw: bytes = b"\x02" + rlp.encode([*fields, signature.v, signature.r, signature.s])
        return "0x" + raw.hex()

    @staticmethod
    def _gas_limit(estimate: int) -> int:
        return estimate * 6 // 5 + 10_000

    def send(self, req: TxRequest) -> Receipt:
        """Estimate (a refusal is decoded and nothing is sent), sign, send, await the receipt."""
        return self.send_many([req])[0]

    def send_many(self, reqs: Sequence[TxRequest], batch_size: int = BATCH_SIZE) -> list[Receipt]:
        """Send independent transactions in JSON-RPC batches and await every receipt.

        Every transaction is estimated first (in one batch); if any would revert, none of the
        batch is sent and the first refusal is raised, so chain state is unchanged. A
        transaction the node refuses for its nonce (another client used the account, or a
        replacement raced it) is estimated, signed and sent again with fresh nonces.
        """
        receipts: list[Receipt] = []
        for start in range(0, len(reqs), batch_size):
            chunk = reqs[start : start + batch_size]
            if self._sync_send:  # Anvil orders a sender's transactions by nonce itself
                receipts.extend(self._send_chunk(chunk))
                continue
            # Other nodes (a Hardhat node, for one) refuse a nonce that is not yet next: send
            # waves holding at most one transaction per sender, in order.
            results: list[Receipt | None] = [None] * len(chunk)
            for wave in _waves(chunk):
                for n, receipt in zip(
                    wave, self._send_chunk([chunk[n] for n in wave]), strict=True
                ):
                    results[n] = receipt
            receipts.extend(r for r in results if r is not None)
        return receipts

    def _send_chunk(self, chunk: Sequence[TxRequest], retries: int = 2) -> list[Receipt]:
        estimates = self.rpc.batch([("eth_estimateGas", [self._estimate_params(r)]) for r in chunk])
        for req, reply in zip(chunk, estimates, strict=True):
            if "error" in reply:
                raise self._revert_from_error(req.action, reply["error"])
        self._prefetch_nonces({req.sender.address for req in chunk})
        raws = [
            self._sign(req, self._gas_limit(int(reply["result"], 16)))
            for req, reply in zip(chunk, estimates, strict=True)
        ]
        # On Anvil a few transactions are sent synchronously (each reply is the receipt); a large
        # batch is sent with automine off and mined into as few blocks as the gas limit allows.
        batch_mine = self._sync_send and len(chunk) >= BATCH_MINE_MIN
        sync = self._sync_send and not batch_mine
        method = "eth_sendRawTransactionSync" if sync else "eth_sendRawTransaction"
        sent_reqs: list[TxRequest] = []
        hashes: list[str] = []
        ready: dict[str, dict[str, Any]] = {}
        stale: list[int] = []  # positions refused for their nonce, to send again
        if batch_mine:
            self.rpc.call("evm_setAutomine", [False])
        try:
            sent = self.rpc.batch([(method, [raw]) for raw in raws])
            for n, (req, raw, reply) in enumerate(zip(chunk, raws, sent, strict=True)):
                if "error" in reply:
                    message = str(reply["error"].get("message", reply["error"])).lower()
                    if "already known" in message or (sync and "timeout" in message):
                        # The node has it (or took it without confirming in time): poll for it.
                        sent_reqs.append(req)
                        hashes.append("0x" + keccak(_to_bytes(raw)).hex())
                        continue
                    if retries > 0 and any(word in message for word in NONCE_ERRORS):
                        stale.append(n)
                        continue
                    self.forget_nonces()
                    raise ChainError(f"{req.action}: the node refused the transaction: {message}")
                result = reply["result"]
                sent_reqs.append(req)
                if isinstance(result, dict):  # a synchronous send returns the receipt itself
                    hashes.append(result["transactionHash"])
                    ready[result["transactionHash"]] = result
                else:
                    hashes.append(result)
        finally:
            if batch_mine:
                if hashes:
                    self._mine_pending(hashes)
                self.rpc.call("evm_setAutomine", [True])
        results: list[Receipt | None] = [None] * len(chunk)
        sent_at = [n for n in range(len(chunk)) if n not in stale]
        for n, receipt in zip(sent_at, self._await_receipts(sent_reqs, hashes, ready), strict=True):
            results[n] = receipt
        if stale:
            self.forget_nonces()
            again = self._send_chunk([chunk[n] for n in stale], retries - 1)
            for n, receipt in zip(stale, again, strict=True):
                results[n] = receipt
        return [r for r in results if r is not None]

    def _mine_pending(self, hashes: Sequence[str]) -> None:
        """Mine blocks until every transaction in ``hashes`` is in one (automine is off)."""
        waiting = list(hashes)
        for _ in range(len(hashes) + 3):
            self.rpc.call("evm_mine")
            replies = self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in waiting])
            waiting = [h for h, r in zip(waiting, replies, strict=True) if not r.get("result")]
            if not waiting:
                return
        raise ChainError(f"{len(waiting)} transaction(s) stayed pending (first: {waiting[0]})")

    def _await_receipts(
        self,
        reqs: Sequence[TxRequest],
        hashes: Sequence[str],
        ready: dict[str, dict[str, Any]] | None = None,
    ) -> list[Receipt]:
        deadline = time.monotonic() + RECEIPT_TIMEOUT_S
        found: dict[str, dict[str, Any]] = dict(ready or {})
        delay = 0.0
        while len(found) < len(hashes):
            missing = [h for h in hashes if h not in found]
            replies = self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in missing])
            for h, reply in zip(missing, replies, strict=True):
                if reply.get("result"):
                    found[h] = reply["result"]
            if len(found) < len(hashes):
                if time.monotonic() > deadline:
                    raise ChainError(
                        f"{len(hashes) - len(found)} transaction(s) not mined within "
                        f"{RECEIPT_TIMEOUT_S:.0f} s (first: {missing[0]})"
                    )
                delay = min(max(delay * 2, 0.002), 0.5)
                time.sleep(delay)
        receipts = []
        for req, h in zip(reqs, hashes, strict=True):
            raw = found[h]
            receipt = Receipt(
                tx_hash=h,
                block_number=int(raw["blockNumber"], 16),
                gas_used=int(raw["gasUsed"], 16),
                status=int(raw["status"], 16),
                contract_address=(
                    to_checksum_address(raw["contractAddress"])
                    if raw.get("contractAddress")
                    else None
                ),
                logs=raw.get("logs", []),
            )
            if receipt.status != 1:
                raise TransactionReverted(req.action, f"reverted on chain in tx {h}")
            receipts.append(receipt)
        return receipts

    # ----------------------------------------------------------------- local-chain helpers

    def timestamp(self) -> int:
        """The latest block's timestamp."""
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        return int(block["timestamp"], 16)

    def block_number(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    def require_local(self, what: str) -> None:
        if not self.is_local:
            raise ChainError(f"{what} needs a local development chain (Anvil, Hardhat, Ganache)")

    def increase_time(self, seconds: int, mine: bool = True) -> None:
        """Move the clock forward; without ``mine`` the next transaction's block carries it."""
        self.require_local("moving time forward")
        self.rpc.call("evm_increaseTime", [seconds])
        if mine:
            self.rpc.call("evm_mine")
        self.refresh_fees()

    def advance_to(self, timestamp: int) -> None:
        """Mine a block at ``timestamp`` (no-op if the chain is already past it).

        Anvil and Hardhat set the block's timestamp directly; other local nodes move the clock.
        A block is mined so that estimates and calls see the new time too.
        """
        self.require_local("moving time forward")
        if timestamp <= self._clock_floor:
            return
        if "anvil" in self.client_version or "hardhat" in self.client_version:
            reply = self.rpc.request("evm_mine", [timestamp])  # one block, at that time
            if "error" not in reply:
                self._clock_floor = timestamp
                return
        now = self.timestamp()
        if timestamp > now:
            self.increase_time(timestamp - now)
        self._clock_floor = max(timestamp, now)

    def snapshot(self) -> str:
        self.require_local("a snapshot")
        return str(self.rpc.call("evm_snapshot"))

    def revert_to(self, snapshot_id: str) -> None:
        self.rpc.call("evm_revert", [snapshot_id])
        self._clock_floor = 0
        self.forget_nonces()
        self.refresh_fees()

    def fund(self, addresses: Sequence[str], wei: int, funder: LocalAccount | None = None) -> None:
        """Top up to ``wei`` of the native coin each address holding less than half of it.

        Uses ``anvil_setBalance``/``hardhat_setBalance`` where they exist, else transfers.
        """
        balances = self.rpc.batch([("eth_getBalance", [a, "latest"]) for a in addresses])
        addresses = [
            a
            for a, b in zip(addresses, balances, strict=True)
            if int(b.get("result", "0x0"), 16) < wei // 2
        ]
        if not addresses:
            return
        if "anvil" in self.client_version or "hardhat" in self.client_version:
            method = "anvil_setBalance" if "anvil" in self.client_version else "hardhat_setBalance"
            replies = self.rpc.batch([(method, [a, hex(wei)]) for a in addresses])
            if all("error" not in r for r in replies):
                return
        sender = funder or self.accounts[0]
        self.send_many(
            [TxRequest(sender, a, "0x", f"funding {a[:10]}…", value=wei) for a in addresses]
        )

    def balance(self, address: str) -> int:
        return int(self.rpc.call("eth_getBalance", [address, "latest"]), 16)


def dev_accounts(count: int = 10) -> list[LocalAccount]:
    """The accounts of the well-known development mnemonic (Anvil's and Hardhat's defaults)."""
    Account.enable_unaudited_hdwallet_features()
    return [
        Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")
        for i in range(count)
    ]


def keystore_account(path: Path, password: str | None = None) -> LocalAccount:
    """Decrypt an eth-account keystore file; the password comes from RWA_KEYSTORE_PASSWORD."""
    if password is None:
        password = os.environ.get("RWA_KEYSTORE_PASSWORD")
    if password is None:
        import getpass

        password = getpass.getpass(f"password for keystore {path.name}: ")
    try:
        encrypted = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ChainError(f"cannot read keystore {path}: {exc}") from exc
    try:
        key = Account.decrypt(encrypted, password)
    except ValueError:
        raise ChainError(f"wrong password for keystore {path.name}") from None
    account: LocalAccount = Account.from_key(key)
    return account


@contextmanager
def open_chain(
    artifacts: Artifacts,
    rpc_url: str | None = None,
    keystore: Path | None = None,
    expected_chain_id: int | None = None,
    state_path: Path | None = None,
) -> Iterator[Chain]:
    """Connect to ``rpc_url``, or start an embedded Anvil for the duration of the block."""
    node: AnvilNode | None = None
    if rpc_url is None:
        node = AnvilNode(state_path=state_path).start()
        rpc_url = node.url
    try:
        accounts = [keystore_account(keystore)] if keystore else dev_accounts()
        chain = Chain(rpc_url, artifacts, accounts, node=node)
        if expected_chain_id is not None and chain.chain_id != expected_chain_id:
            raise ChainError(
                f"wrong chain: expected chain id {expected_chain_id}, the node at {rpc_url} "
                f"reports {chain.chain_id}"
            )
        if keystore is None and not chain.is_local:
            raise ChainError(
                f"chain {chain.chain_id} is not a local development chain: pass --keystore "
                "with an encrypted key for it"
            )
        yield chain
    finally:
        if node is not None:
            node.stop()
