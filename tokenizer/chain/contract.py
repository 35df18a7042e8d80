"""Contract handles: an address with its ABI, and calls bound to arguments.

``token.functions.balanceOf(holder)`` builds a :class:`BoundCall` (nothing is sent);
``chain.call(...)`` runs it through the chain's one RPC client. ``token.events.Transfer`` is the
event's :class:`~tokenizer.chain.abi.EventAbi` (its topic and decoder).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address

from tokenizer.chain.abi import AbiItem, ContractAbi, EventAbi, FunctionAbi


@dataclass(frozen=True)
class BoundCall:
    """A function of a contract with its arguments: call data ready to send or to call."""

    contract: Contract
    function: FunctionAbi
    args: tuple[Any, ...]

    @property
    def data(self) -> str:
        return self.function.encode(self.args)


class _Functions:
    def __init__(self, contract: Contract) -> None:
        self._contract = contract

    def __getattr__(self, name: str) -> Callable[..., BoundCall]:
        contract = self._contract

        def bind(*args: Any) -> BoundCall:
            return BoundCall(contract, contract.interface.function(name, len(args)), args)

        return bind


class _Events:
    def __init__(self, contract: Contract) -> None:
        self._contract = contract

    def __getattr__(self, name: str) -> EventAbi:
        return self._contract.interface.event(name)


class Contract:
    """A deployed contract: its name, checksummed address and interface."""

    def __init__(self, name: str, address: str, interface: ContractAbi) -> None:
        self.name = name
        self.address: str = str(to_checksum_address(address))
        self.interface = interface
        self.functions = _Functions(self)
        self.events = _Events(self)

    @property
    def abi(self) -> list[AbiItem]:
        return self.interface.items

    def __repr__(self) -> str:
        return f"<{self.name} at {self.address}>"
