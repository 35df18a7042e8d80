"""The one door to a chain: reads, writes, logs and receipts through one RPC client.

:class:`Chain` owns the connection to one node: the accounts that sign, the compiled contracts'
interfaces, the nonces and fees. Independent transactions go out in JSON-RPC batches; every
batch is estimated first, so a refusal is decoded and nothing of the batch is sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from tokenizer.chain.abi import ContractAbi, ErrorDecoder, to_bytes
from tokenizer.chain.contract import BoundCall, Contract
from tokenizer.chain.local import LocalControls
from tokenizer.chain.networks import Network, adhoc
from tokenizer.chain.node import AnvilNode
from tokenizer.chain.rpc import RpcClient
from tokenizer.chain.signer import Fees, Sender, Signer
from tokenizer.compiler import Artifacts
from tokenizer.errors import ChainError, TransactionReverted

RECEIPT_TIMEOUT_S = 120.0  # from the last (re)send of a transaction to its receipt
# A replacement pays at least 12.5 % more on both fee caps (Geth asks for 10 %, others more).
REPLACEMENT_BUMP = (9, 8)
MAX_REPLACEMENTS = 5
BATCH_SIZE = 200  # transactions per JSON-RPC batch
READ_BATCH_SIZE = 1_000  # eth_calls per JSON-RPC batch
# From this many transactions, mining them together beats automine: a block costs a local node
# time that grows with its state (Anvil hashes it all), so two transactions share one block.
BATCH_MINE_MIN = 2
LOG_WINDOW = 50_000  # blocks per eth_getLogs request, halved while the node says "too many"
LOG_WINDOW_MIN = 16
# What nodes say when a transaction's nonce is no longer the account's next one.
NONCE_ERRORS = ("nonce too low", "nonce too high", "invalid nonce", "replacement transaction")
# What nodes say when an eth_getLogs range holds too much.
LOG_LIMIT_ERRORS = ("too many", "limit", "range", "exceed", "response size")


@dataclass
class Receipt:
    """The parts of a receipt the toolkit uses, with integers already parsed."""

    tx_hash: str
    block_number: int
    gas_used: int
    status: int
    contract_address: str | None
    logs: list[dict[str, Any]]


@dataclass
class TxRequest:
    """One transaction to send: the sender, the target (None to deploy) and the call data."""

    sender: Sender
    to: str | None
    data: str
    action: str
    value: int = 0


@dataclass(frozen=True)
class Signed:
    """A transaction as sent to a network that is not local: enough to send it again with the
    same nonce and higher fees if it is not mined in time."""

    req: TxRequest
    nonce: int
    gas: int
    fees: Fees


def waves(reqs: Sequence[TxRequest]) -> list[list[int]]:
    """Positions of ``reqs`` in waves: wave k holds each sender's k-th transaction."""
    seen: dict[str, int] = {}
    out: list[list[int]] = []
    for n, req in enumerate(reqs):
        k = seen.get(req.sender.address, 0)
        seen[req.sender.address] = k + 1
        if k == len(out):
            out.append([])
        out[k].append(n)
    return out


class Chain(LocalControls):
    """A connection to one chain, with its accounts and the compiled contracts' interfaces."""

    def __init__(
        self,
        url: str,
        artifacts: Artifacts,
        accounts: Sequence[LocalAccount],
        node: AnvilNode | None = None,
        network: Network | None = None,
    ) -> None:
        self.url = url
        self.node = node  # the embedded Anvil, if this chain is one
        self.rpc = RpcClient(url)
        self.artifacts = artifacts
        self.interfaces = {n: ContractAbi.from_items(a.abi) for n, a in artifacts.contracts.items()}
        self.decoder = ErrorDecoder(self.interfaces.values())
        self.accounts = list(accounts)
        self.chain_id = int(self.rpc.call("eth_chainId"), 16)
        client = str(self.rpc.request("web3_clientVersion").get("result", "")).lower()
        self.client_version = client
        # Local only if the network says so, or a node by URL has a development chain id:
        # an Anvil started with a testnet's chain id is treated as that testnet.
        self.network = network or adhoc(url, self.chain_id)
        self.is_local = self.network.local
        self.signer = Signer(self.chain_id)
        self._nonces: dict[str, int] = {}
        self._clock_floor = 0  # the chain's time is known to be at least this
        # Anvil answers eth_sendRawTransactionSync (EIP-7966) with the receipt: no polling. On
        # a network that is not local a transaction is sent and then watched instead, so one
        # that sits in the pool underpriced is replaced after the network's replace_after_s.
        self._anvil = "anvil" in client
        self._sync_send = self._anvil and self.is_local
        self._fees: Fees | None = None
        # Told the hashes of transactions as they are sent (replacements too), before their
        # receipts: the deployer records them, so an interrupted run finds them again.
        self.on_sent: Callable[[list[str]], None] | None = None
        self._block_gas_limit: int | None = None
        self.sent = 0  # transactions this client has sent (and seen mined)

    @property
    def record_key(self) -> str:
        """The folder of this chain's deployment records: the network's name, or the chain id
        of a node given by URL."""
        return self.network.record_key

    @property
    def command_options(self) -> str:
        """The command-line options that reach this chain again (for messages)."""
        if self.node is not None or self.network.embedded:
            return "--state FILE"
        if self.network.name == str(self.chain_id):
            return f"--rpc-url {self.url}"
        return f"--network {self.network.name}"

    # ----------------------------------------------------------------- contracts and reads

    def contract(self, name: str, address: str) -> Contract:
        self.artifacts.get(name)  # a readable error for an unknown name
        return Contract(name, address, self.interfaces[name])

    def code_at(self, address: str) -> bytes:
        return to_bytes(self.rpc.call("eth_getCode", [address, "latest"]))

    def deploy(self, name: str, args: Sequence[Any], sender: LocalAccount) -> Receipt:
        artifact = self.artifacts.get(name)
        data = self.interfaces[name].encode_constructor(artifact.bytecode, args)
        receipt = self.send(TxRequest(sender, None, data, f"deploying {name}"))
        if not receipt.contract_address:
            raise ChainError(f"deploying {name} produced no contract address")
        return receipt

    def call(self, bound: BoundCall, action: str = "the call", block: int | str = "latest") -> Any:
        """Run a view function; a revert becomes a readable ``TransactionReverted``."""
        params = {"to": bound.contract.address, "data": bound.data}
        reply = self.rpc.request("eth_call", [params, _block(block)])
        if "error" in reply:
            raise self._revert_from_error(action, reply["error"])
        return bound.function.decode(reply["result"])

    def refusal(
        self, sender: str, contract: Contract, function: str, *args: Any
    ) -> TransactionReverted | None:
        """Why ``sender`` calling ``contract.function(*args)`` now would be refused (an
        ``eth_call`` from that address: nothing is signed or sent), or None if it would pass."""
        params = {
            "from": sender,
            "to": contract.address,
            "data": self.data(contract, function, *args),
        }
        reply = self.rpc.request("eth_call", [params, "latest"])
        if "error" in reply:
            return self._revert_from_error(function, reply["error"])
        return None

    def relay(self, payload: Any) -> Any:
        """Pass a JSON-RPC request (or batch) from a client such as a browser page to the node
        unchanged, and return the node's reply (the web app's read and send path)."""
        return self.rpc.relay(payload)

    def read(self, contract: Contract, function: str, *args: Any) -> Any:
        """``contract.function(*args)`` called now."""
        return self.call(getattr(contract.functions, function)(*args), f"reading {function}")

    def read_many(
        self,
        contract: Contract,
        function: str,
        args: Sequence[Sequence[Any]],
        block: int | str = "latest",
    ) -> list[Any]:
        """Call one view function with many argument lists in JSON-RPC batches."""
        if not args:
            return []
        fn = contract.interface.function(function, len(args[0]))
        results: list[Any] = []
        for start in range(0, len(args), READ_BATCH_SIZE):
            chunk = args[start : start + READ_BATCH_SIZE]
            replies = self.rpc.batch(
                [
                    ("eth_call", [{"to": contract.address, "data": fn.encode(a)}, _block(block)])
                    for a in chunk
                ]
            )
            for reply in replies:
                if "error" in reply:
                    raise self._revert_from_error(f"reading {function}", reply["error"])
                results.append(fn.decode(reply["result"]))
        return results

    def call_many(
        self, calls: Sequence[tuple[BoundCall, int | str]], action: str = "reading"
    ) -> list[Any]:
        """Run many view calls, each at its own block, in JSON-RPC batches (a period's state
        after each of a run of periods, say); a revert becomes a readable refusal."""
        results: list[Any] = []
        for start in range(0, len(calls), READ_BATCH_SIZE):
            chunk = calls[start : start + READ_BATCH_SIZE]
            replies = self.rpc.batch(
                [
                    ("eth_call", [{"to": b.contract.address, "data": b.data}, _block(block)])
                    for b, block in chunk
                ]
            )
            for (bound, _), reply in zip(chunk, replies, strict=True):
                if "error" in reply:
                    raise self._revert_from_error(action, reply["error"])
                results.append(bound.function.decode(reply["result"]))
        return results

    def simulate(
        self, calls: Sequence[BoundCall | tuple[str, BoundCall]]
    ) -> list[tuple[bool, Any]] | None:
        """Run ``calls`` one after the other on top of the latest block, each seeing the state
        the ones before it left, sending nothing: per call, whether it succeeded and its decoded
        result (None for a call that returned no data, as some tokens' ``transfer`` does). A
        call given as ``(sender, call)`` runs from ``sender``, whose key is not needed
        (``eth_simulateV1`` without validation: Geth, Anvil). None when the node does not offer
        the method."""
        items = [c if isinstance(c, tuple) else ("", c) for c in calls]
        block_calls = [
            {"to": c.contract.address, "data": c.data, **({"from": who} if who else {})}
            for who, c in items
        ]
        reply = self.rpc.request(
            "eth_simulateV1", [{"blockStateCalls": [{"calls": block_calls}]}, "latest"]
        )
        if "error" in reply or not reply.get("result"):
            return None
        out: list[tuple[bool, Any]] = []
        for (_, c), r in zip(items, reply["result"][0]["calls"], strict=True):
            ok = int(r["status"], 16) == 1
            data = r.get("returnData") or "0x"
            out.append((ok, c.function.decode(data) if ok and data != "0x" else None))
        return out

    def data(self, contract: Contract, function: str, *args: Any) -> str:
        """ABI-encoded call data for ``contract.function(*args)``."""
        return contract.interface.function(function, len(args)).encode(args)

    def tx(self, sender: Sender, contract: Contract, function: str, *args: Any) -> TxRequest:
        """A transaction calling ``contract.function(*args)`` from ``sender``."""
        action = f"{function} on {contract.address[:10]}…"
        return TxRequest(sender, contract.address, self.data(contract, function, *args), action)

    def timestamp(self) -> int:
        """The latest block's timestamp."""
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        return int(block["timestamp"], 16)

    def block_timestamp(self, number: int) -> int:
        block = self.rpc.call("eth_getBlockByNumber", [hex(number), False])
        return int(block["timestamp"], 16)

    def block_receipts(self, number: int) -> list[dict[str, Any]]:
        """The receipts of every transaction in block ``number``, in order."""
        block = self.rpc.call("eth_getBlockByNumber", [hex(number), False])
        hashes = list(block.get("transactions", [])) if block else []
        return [r for r in self.receipts(hashes) if r]

    def block_number(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    def balance(self, address: str) -> int:
        """The native coin held by ``address``, in wei."""
        return int(self.rpc.call("eth_getBalance", [address, "latest"]), 16)

    def balances(self, addresses: Sequence[str]) -> list[int]:
        replies = self.rpc.batch([("eth_getBalance", [a, "latest"]) for a in addresses])
        return [int(r.get("result", "0x0"), 16) for r in replies]

    def nonce(self, address: str, block: str = "latest") -> int:
        return int(self.rpc.call("eth_getTransactionCount", [address, block]), 16)

    def receipt(self, tx_hash: str) -> dict[str, Any] | None:
        """The node's receipt of ``tx_hash`` as it answers it, or None if it has none."""
        result: dict[str, Any] | None = self.rpc.call("eth_getTransactionReceipt", [tx_hash])
        return result

    def receipts(self, tx_hashes: Sequence[str]) -> list[dict[str, Any] | None]:
        replies = self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in tx_hashes])
        return [r.get("result") for r in replies]

    def transactions_from(self, tx_hashes: Sequence[str]) -> list[str]:
        """The sender of each transaction (one batch): who paid in, for a deposit's log."""
        replies = self.rpc.batch([("eth_getTransactionByHash", [h]) for h in tx_hashes])
        return [str((r.get("result") or {}).get("from", "")) for r in replies]

    def logs(
        self,
        address: str,
        from_block: int,
        to_block: int | None = None,
        topics: Sequence[str | Sequence[str] | None] | None = None,
    ) -> list[dict[str, Any]]:
        """Every log of ``address`` in the block range, in chain order.

        The range is read in windows; a node that answers "too many results" gets half the
        window until it accepts, and the window grows again after small answers.
        """
        last = self.block_number() if to_block is None else to_block
        window = LOG_WINDOW
        found: list[dict[str, Any]] = []
        start = from_block
        while start <= last:
            end = min(start + window - 1, last)
            query: dict[str, Any] = {
                "address": address,
                "fromBlock": hex(start),
                "toBlock": hex(end),
            }
            if topics:
                query["topics"] = list(topics)
            reply = self.rpc.request("eth_getLogs", [query])
            if "error" in reply:
                message = str(reply["error"].get("message", reply["error"])).lower()
                if window > LOG_WINDOW_MIN and any(w in message for w in LOG_LIMIT_ERRORS):
                    window //= 2
                    continue
                raise ChainError(f"eth_getLogs failed for blocks {start}..{end}: {message}")
            batch = reply.get("result") or []
            found.extend(batch)
            if len(batch) < 1_000 and window < LOG_WINDOW:
                window *= 2
            start = end + 1
        found.sort(key=lambda log: (int(log["blockNumber"], 16), int(log["logIndex"], 16)))
        return found

    # ----------------------------------------------------------------- sending

    def fees(self) -> Fees:
        """The fee caps this chain's transactions are signed with (read once, then cached)."""
        if self._fees is None:
            block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
            base = int(block.get("baseFeePerGas") or "0x0", 16)
            tip_reply = self.rpc.request("eth_maxPriorityFeePerGas")
            tip = int(tip_reply["result"], 16) if "result" in tip_reply else 10**9
            tip = max(tip, 1)
            max_fee = 2 * base + tip
            cap, tip_cap = self.network.max_fee_wei, self.network.max_tip_wei
            if tip_cap is not None:
                tip = min(tip, tip_cap)
                max_fee = 2 * base + tip
            if cap is not None:
                if base + tip > cap:
                    raise ChainError(
                        f"the base fee on {self.network.name} is {base / 10**9:.2f} gwei, above "
                        f"the network's cap of {cap / 10**9:.2f} gwei (max_fee_gwei in "
                        "networks.yaml): wait, or raise the cap"
                    )
                max_fee = min(max_fee, cap)
            self._fees = Fees(max_fee=max_fee, tip=tip)
        return self._fees

    def refresh_fees(self) -> None:
        self._fees = None

    def _next_nonce(self, address: str) -> int:
        if address not in self._nonces:
            self._nonces[address] = self.nonce(address, "pending")
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
        if isinstance(data, dict):  # some nodes (Ganache) nest it
            data = data.get("data") or data.get("result")
        name, text = self.decoder.decode(data if isinstance(data, str) else None)
        if name is None and not data:
            text = str(error.get("message", "reverted"))
        return TransactionReverted(action, text, name)

    def estimate(self, reqs: Sequence[TxRequest]) -> list[int]:
        """The gas each transaction would use now, sending nothing; a refusal is decoded."""
        estimates = self.rpc.batch([("eth_estimateGas", [self._estimate_params(r)]) for r in reqs])
        for req, reply in zip(reqs, estimates, strict=True):
            if "error" in reply:
                raise self._revert_from_error(req.action, reply["error"])
        return [int(reply["result"], 16) for reply in estimates]

    def sign(self, req: TxRequest, gas: int) -> str:
        """Sign ``req`` with the sender's next nonce and this chain's fee caps."""
        return self._sign_as(Signed(req, self._next_nonce(req.sender.address), gas, self.fees()))

    def _sign_as(self, tx: Signed) -> str:
        return self.signer.sign(
            tx.req.sender,
            nonce=tx.nonce,
            fees=tx.fees,
            gas=tx.gas,
            to=tx.req.to,
            value=tx.req.value,
            data=tx.req.data,
        )

    def _gas_limit(self, estimate: int) -> int:
        """The estimate with a margin, but never above the block's gas limit: a transaction
        asking for more than a block holds is never mined, and waits in the pool forever."""
        if self._block_gas_limit is None:
            block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
            self._block_gas_limit = int(block["gasLimit"], 16)
        return min(estimate * 6 // 5 + 10_000, max(self._block_gas_limit, estimate))

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
            if self._anvil:  # Anvil orders a sender's transactions by nonce itself
                receipts.extend(self._send_chunk(chunk))
                continue
            # Other nodes (a Hardhat node, for one) refuse a nonce that is not yet next: send
            # waves holding at most one transaction per sender, in order.
            results: list[Receipt | None] = [None] * len(chunk)
            for wave in waves(chunk):
                for n, receipt in zip(
                    wave, self._send_chunk([chunk[n] for n in wave]), strict=True
                ):
                    results[n] = receipt
            receipts.extend(r for r in results if r is not None)
        return receipts

    def _send_chunk(
        self, chunk: Sequence[TxRequest], retries: int = 2, limits: Sequence[int] | None = None
    ) -> list[Receipt]:
        if limits is None:  # a half of a split chunk keeps the gas limits already estimated
            limits = [self._gas_limit(estimate) for estimate in self.estimate(chunk)]
        # On Anvil a few transactions are sent synchronously (each reply is the receipt); a large
        # batch is sent with automine off and mined into as few blocks as the gas limit allows.
        # (Mining by hand only where the chain is a local development chain.)
        batch_mine = self._sync_send and self.is_local and len(chunk) >= BATCH_MINE_MIN
        if batch_mine and sum(limits) > (self._block_gas_limit or 0):
            # A batch bigger than a block is sent in halves that each fit one: Anvil drops a
            # sender's later transactions from its pool once an earlier one no longer fits the
            # block being mined (seen with 80 claimFor calls of one servicer), and they would
            # never be mined. (Before any nonce is taken: each half takes its own.)
            half = len(chunk) // 2
            return self._send_chunk(chunk[:half], retries, limits[:half]) + self._send_chunk(
                chunk[half:], retries, limits[half:]
            )
        self._prefetch_nonces({req.sender.address for req in chunk})
        txs = [
            Signed(req, self._next_nonce(req.sender.address), limit, self.fees())
            for req, limit in zip(chunk, limits, strict=True)
        ]
        raws = [self._sign_as(tx) for tx in txs]
        # Kept by hash where a stuck transaction may have to be replaced.
        signed = (
            {} if self.is_local else {_tx_hash(raw): tx for raw, tx in zip(raws, txs, strict=True)}
        )
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
                        hashes.append(_tx_hash(raw))
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
            if self.on_sent is not None and hashes:
                self.on_sent(list(hashes))
            if batch_mine:
                if hashes:
                    self._mine_pending(hashes)
                self.rpc.call("evm_setAutomine", [True])
        self.sent += len(hashes)
        results: list[Receipt | None] = [None] * len(chunk)
        sent_at = [n for n in range(len(chunk)) if n not in stale]
        awaited = self._await_receipts(sent_reqs, hashes, ready, signed)
        for n, receipt in zip(sent_at, awaited, strict=True):
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
            found = self.receipts(waiting)
            waiting = [h for h, r in zip(waiting, found, strict=True) if not r]
            if not waiting:
                return
        raise ChainError(
            f"{len(waiting)} transaction(s) stayed pending (first: {waiting[0]}"
            f"{self._why_pending(waiting[0])})"
        )

    def _why_pending(self, tx_hash: str) -> str:
        """What the node says of a transaction left pending: its nonce against its sender's
        next one, its gas against the block's (either keeps it out of every block)."""
        tx = self.rpc.call("eth_getTransactionByHash", [tx_hash]) or {}
        if not tx:
            return ", which the node no longer knows"
        sender = tx["from"]
        latest = int(self.rpc.call("eth_getTransactionCount", [sender, "latest"]), 16)
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        return (
            f": nonce {int(tx['nonce'], 16)} of {sender}, whose next mined nonce is {latest}; "
            f"gas {int(tx['gas'], 16):,} of the block's {int(block['gasLimit'], 16):,}"
        )

    def _await_receipts(
        self,
        reqs: Sequence[TxRequest],
        hashes: Sequence[str],
        ready: dict[str, dict[str, Any]] | None = None,
        signed: dict[str, Signed] | None = None,
    ) -> list[Receipt]:
        """The receipts of ``hashes``, in order. A transaction in ``signed`` that is not mined
        within the network's ``replace_after_s`` is sent again with the same nonce and higher
        fees; its receipt is then that of whichever of its hashes was mined."""
        now = time.monotonic()
        deadline = now + RECEIPT_TIMEOUT_S
        replace_after = self.network.replace_after_s
        replace_at = now + replace_after if signed else float("inf")
        sent: dict[str, list[str]] = {h: [h] for h in hashes}  # each hash sent for its nonce
        replaced = 0
        found: dict[str, dict[str, Any]] = dict(ready or {})
        delay = 0.0
        while len(found) < len(hashes):
            missing = [h for h in hashes if h not in found]
            watched = [c for h in missing for c in sent[h]]
            answers = dict(zip(watched, self.receipts(watched), strict=True))
            for h in missing:
                mined = next((answers[c] for c in sent[h] if answers[c]), None)
                if mined:
                    found[h] = mined
            if len(found) < len(hashes):
                now = time.monotonic()
                if signed and now >= replace_at and replaced < MAX_REPLACEMENTS:
                    for h in missing:
                        if h not in found:
                            self._replace(sent[h], signed, replace_after)
                    replaced += 1
                    replace_at = now + replace_after
                    deadline = now + RECEIPT_TIMEOUT_S
                elif now > deadline:
                    raise ChainError(
                        f"{len(hashes) - len(found)} transaction(s) not mined within "
                        f"{RECEIPT_TIMEOUT_S:.0f} s (first: {missing[0]})"
                    )
                delay = min(max(delay * 2, 0.002), 0.5)
                time.sleep(delay)
        receipts = [_receipt(found[h], h, req.action) for req, h in zip(reqs, hashes, strict=True)]
        if receipts and self.network.confirmations > 1:
            self._await_confirmations(max(r.block_number for r in receipts))
        return receipts

    def await_sent(self, hashes: Sequence[str], action: str) -> Receipt | None:
        """The receipt of whichever of ``hashes`` (one transaction, perhaps replaced) is mined,
        waiting while the node still knows one of them; None if it knows none (dropped, or sent
        to another chain). For a deployment resumed after an interruption."""
        deadline = time.monotonic() + RECEIPT_TIMEOUT_S
        while True:
            for h, raw in zip(hashes, self.receipts(hashes), strict=True):
                if raw:
                    receipt = _receipt(raw, h, action)
                    if self.network.confirmations > 1:
                        self._await_confirmations(receipt.block_number)
                    return receipt
            known = self.rpc.batch([("eth_getTransactionByHash", [h]) for h in hashes])
            if not any(r.get("result") for r in known):
                return None
            if time.monotonic() > deadline:
                raise ChainError(
                    f"{action}: transaction {hashes[-1]}, sent before the interruption, is still "
                    f"not mined after {RECEIPT_TIMEOUT_S:.0f} s: wait and run the command again"
                )
            time.sleep(0.25)

    def _replace(self, hashes: list[str], signed: dict[str, Signed], waited: float) -> None:
        """Send the transaction last sent as ``hashes[-1]`` again, same nonce, higher fees; the
        new hash joins ``hashes``. A bump the network's caps do not allow is refused."""
        last = signed[hashes[-1]]
        tx = replace(last, fees=self._bumped(last, hashes[-1], waited))
        raw = self._sign_as(tx)
        reply = self.rpc.request("eth_sendRawTransaction", [raw])
        if "error" in reply:
            message = str(reply["error"].get("message", reply["error"])).lower()
            if "nonce too low" in message or "already known" in message:
                return  # one of the hashes was mined meanwhile: the next poll finds it
            raise ChainError(
                f"{last.req.action}: replacing the stuck transaction {hashes[-1]} (nonce "
                f"{last.nonce}) was refused by the node: {message}"
            )
        new_hash = str(reply["result"])
        signed[new_hash] = tx
        hashes.append(new_hash)
        if self.on_sent is not None:
            self.on_sent([new_hash])
        self._fees = None  # later transactions are priced at today's fees

    def _bumped(self, last: Signed, tx_hash: str, waited: float) -> Fees:
        """Fees for a replacement of ``last``: at least 12.5 % more on both caps and at least
        today's price, within the network's caps."""
        num, den = REPLACEMENT_BUMP
        least_tip = -(-last.fees.tip * num // den)
        least_max = -(-last.fees.max_fee * num // den)
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        base = int(block.get("baseFeePerGas") or "0x0", 16)
        tip_reply = self.rpc.request("eth_maxPriorityFeePerGas")
        market_tip = int(tip_reply["result"], 16) if "result" in tip_reply else least_tip
        tip = max(least_tip, market_tip)
        stuck = (
            f"{last.req.action}: transaction {tx_hash} (nonce {last.nonce}) is not mined after "
            f"{waited:.0f} s and"
        )
        name = self.network.name
        tip_cap, cap = self.network.max_tip_wei, self.network.max_fee_wei
        if tip_cap is not None:
            if least_tip > tip_cap:
                raise ChainError(
                    f"{stuck} replacing it needs a priority fee of at least "
                    f"{least_tip / 10**9:.2f} gwei, above the cap max_priority_fee_gwei = "
                    f"{tip_cap / 10**9:g} of network {name} (networks.yaml): raise the cap, "
                    "or wait for it to be mined"
                )
            tip = min(tip, tip_cap)
        max_fee = max(least_max, 2 * base + tip)
        if cap is not None:
            if least_max > cap:
                raise ChainError(
                    f"{stuck} replacing it needs a max fee of at least {least_max / 10**9:.2f} "
                    f"gwei, above the cap max_fee_gwei = {cap / 10**9:g} of network {name} "
                    "(networks.yaml): raise the cap, or wait for it to be mined"
                )
            max_fee = min(max_fee, cap)
            if max_fee < base + tip:
                raise ChainError(
                    f"{stuck} replacing it at today's base fee of {base / 10**9:.2f} gwei needs "
                    f"a max fee of {(base + tip) / 10**9:.2f} gwei, above the cap max_fee_gwei "
                    f"= {cap / 10**9:g} of network {name} (networks.yaml): raise the cap, or "
                    "wait for it to be mined"
                )
        return Fees(max_fee=max(max_fee, tip), tip=tip)

    def _await_confirmations(self, block: int) -> None:
        """Wait until ``block`` has the network's number of confirmations."""
        wanted = block + self.network.confirmations - 1
        deadline = time.monotonic() + RECEIPT_TIMEOUT_S
        while self.block_number() < wanted:
            if time.monotonic() > deadline:
                raise ChainError(
                    f"block {block} did not reach {self.network.confirmations} confirmations "
                    f"within {RECEIPT_TIMEOUT_S:.0f} s"
                )
            time.sleep(0.25)


def _receipt(raw: dict[str, Any], tx_hash: str, action: str) -> Receipt:
    receipt = Receipt(
        tx_hash=str(raw.get("transactionHash") or tx_hash),
        block_number=int(raw["blockNumber"], 16),
        gas_used=int(raw["gasUsed"], 16),
        status=int(raw["status"], 16),
        contract_address=(
            to_checksum_address(raw["contractAddress"]) if raw.get("contractAddress") else None
        ),
        logs=raw.get("logs", []),
    )
    if receipt.status != 1:
        raise TransactionReverted(action, f"reverted on chain in tx {receipt.tx_hash}")
    return receipt


def _tx_hash(raw: str) -> str:
    return "0x" + keccak(to_bytes(raw)).hex()


def _block(block: int | str) -> str:
    return hex(block) if isinstance(block, int) else block
