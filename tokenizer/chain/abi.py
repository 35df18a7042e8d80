"""Everything the toolkit knows about contract interfaces, derived from the compiled ABIs.

One place encodes calls, decodes results, computes event topics and decodes logs, and turns
revert data into custom errors with named arguments; nothing else types a signature by hand.
Encoding goes straight through ``eth_abi`` (about 30x faster than going through web3's contract
objects, which validate every argument against every overload). Results and events made of
static words only (integers, booleans, addresses, fixed bytes, tuples of them: most reads) are
decoded word by word, about 10x faster than ``eth_abi`` and equal to it; anything else, or a
word ``eth_abi`` would refuse, goes through ``eth_abi``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from tokenizer.errors import ChainError

AbiItem = dict[str, Any]

ERROR_STRING = bytes.fromhex("08c379a0")  # Error(string)
PANIC = bytes.fromhex("4e487b71")  # Panic(uint256)


def abi_type(item: Mapping[str, Any]) -> str:
    """The canonical type of one ABI parameter (tuples spelled out, arrays kept)."""
    kind: str = item["type"]
    if kind.startswith("tuple"):
        inner = ",".join(abi_type(c) for c in item["components"])
        return f"({inner}){kind[5:]}"
    return kind


def to_bytes(data: str | bytes | None) -> bytes:
    """Hex text (with or without ``0x``) or bytes as bytes; anything unreadable is empty."""
    if data is None:
        return b""
    if isinstance(data, bytes):
        return data
    text = data[2:] if data.startswith("0x") else data
    try:
        return bytes.fromhex(text)
    except ValueError:
        return b""


def normalise(item: Mapping[str, Any], value: Any) -> Any:
    """A decoded value as people and web3 users expect it: addresses checksummed, tuples kept."""
    kind: str = item["type"]
    if kind.endswith("]"):
        inner = dict(item, type=kind[: kind.rindex("[")])
        return [normalise(inner, v) for v in value]
    if kind == "tuple":
        return tuple(normalise(c, v) for c, v in zip(item["components"], value, strict=True))
    if kind == "address":
        return str(to_checksum_address(value))
    return value


def show(value: Any) -> str:
    """One decoded value as text: addresses checksummed, bytes in hex."""
    if isinstance(value, str) and len(value) == 42 and value.startswith("0x"):
        return str(to_checksum_address(value))
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


def static_words(items: Sequence[Mapping[str, Any]]) -> int | None:
    """How many 32-byte words ``items`` take if every one is static and elementary (or a tuple
    of such), else None."""
    words = 0
    for item in items:
        kind: str = item["type"]
        if kind == "tuple":
            inner = static_words(item["components"])
            if inner is None:
                return None
            words += inner
        elif kind in ("bool", "address") or (
            kind.startswith(("uint", "int", "bytes")) and kind[-1].isdigit()
        ):
            words += 1
        else:
            return None  # arrays, strings, dynamic bytes
    return words


class _Unreadable(Exception):
    """A word the fast path leaves to ``eth_abi`` (which then raises its own error)."""


def _word(kind: str, word: bytes) -> Any:
    if kind.startswith("uint"):
        value = int.from_bytes(word, "big")
        if value >> int(kind[4:] or 256):
            raise _Unreadable
        return value
    if kind.startswith("int"):
        value = int.from_bytes(word, "big", signed=True)
        bits = int(kind[3:] or 256)
        if not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
            raise _Unreadable
        return value
    if kind == "bool":
        if word[:31] != bytes(31) or word[31] > 1:
            raise _Unreadable
        return word[31] == 1
    if kind == "address":
        if word[:12] != bytes(12):
            raise _Unreadable
        return str(to_checksum_address("0x" + word[12:].hex()))
    size = int(kind[5:])  # bytesN
    if word[size:] != bytes(32 - size):
        raise _Unreadable
    return word[:size]


def _read_static(items: Sequence[Mapping[str, Any]], raw: bytes, at: int) -> tuple[list[Any], int]:
    values: list[Any] = []
    for item in items:
        if item["type"] == "tuple":
            inner, at = _read_static(item["components"], raw, at)
            values.append(tuple(inner))
        else:
            values.append(_word(item["type"], raw[at : at + 32]))
            at += 32
    return values, at


def decode_values(items: Sequence[Mapping[str, Any]], raw: bytes, words: int | None) -> list[Any]:
    """``raw`` decoded as ``items`` and normalised (:func:`normalise`); ``words`` is
    :func:`static_words` of ``items``, for the fast path."""
    if words is not None and len(raw) >= 32 * words:
        try:
            return _read_static(items, raw, 0)[0]
        except _Unreadable:
            pass
    values = abi_decode([abi_type(i) for i in items], raw)
    return [normalise(i, v) for i, v in zip(items, values, strict=True)]


@dataclass(frozen=True)
class FunctionAbi:
    """One function: its selector and parameter types."""

    name: str
    selector: bytes
    inputs: tuple[str, ...]
    outputs: tuple[AbiItem, ...]
    mutability: str

    @property
    def output_types(self) -> list[str]:
        return [abi_type(o) for o in self.outputs]

    def encode(self, args: Sequence[Any]) -> str:
        """Call data for ``args``; a wrong argument is one readable line."""
        try:
            return "0x" + (self.selector + abi_encode(list(self.inputs), list(args))).hex()
        except (TypeError, ValueError, OverflowError) as exc:  # eth_abi's errors subclass these
            raise ChainError(
                f"bad arguments for {self.name}({', '.join(self.inputs)}): {exc}"
            ) from None

    @cached_property
    def _words(self) -> int | None:
        return static_words(self.outputs)

    def decode(self, data: str | bytes) -> Any:
        """The return value: one value alone, several as a tuple."""
        shown = tuple(decode_values(self.outputs, to_bytes(data), self._words))
        return shown[0] if len(shown) == 1 else shown


@dataclass(frozen=True)
class EventAbi:
    """One event: its topic and how to read its indexed and data fields."""

    name: str
    signature: str
    topic: str  # 0x-prefixed keccak of the signature
    fields: tuple[AbiItem, ...]

    @cached_property
    def _layout(self) -> tuple[list[AbiItem], list[AbiItem], int | None]:
        indexed = [f for f in self.fields if f.get("indexed")]
        plain = [f for f in self.fields if not f.get("indexed")]
        return indexed, plain, static_words(plain)

    def decode(self, log: Mapping[str, Any]) -> dict[str, Any]:
        """The fields of ``log`` (which must be this event's) by name."""
        indexed, plain, words = self._layout
        values: dict[str, Any] = {}
        for f, topic in zip(indexed, log["topics"][1:], strict=True):
            (value,) = decode_values([f], to_bytes(topic), static_words([f]))
            values[f["name"]] = value
        decoded = decode_values(plain, to_bytes(log["data"]), words)
        for f, value in zip(plain, decoded, strict=True):
            values[f["name"]] = value
        return values


@dataclass(frozen=True)
class ErrorAbi:
    """One custom error: its selector and named parameters."""

    name: str
    selector: bytes
    params: tuple[AbiItem, ...]

    def decode(self, body: bytes) -> dict[str, Any]:
        values = abi_decode([abi_type(p) for p in self.params], body)
        return {
            (p.get("name") or f"arg{n}"): normalise(p, v)
            for n, (p, v) in enumerate(zip(self.params, values, strict=True))
        }


@dataclass
class ContractAbi:
    """A contract's functions, events and errors, indexed for fast look-up."""

    items: list[AbiItem]
    functions: dict[tuple[str, int], FunctionAbi] = field(default_factory=dict)
    events: dict[str, EventAbi] = field(default_factory=dict)
    errors: dict[bytes, ErrorAbi] = field(default_factory=dict)
    constructor_inputs: tuple[str, ...] = ()

    @classmethod
    def from_items(cls, items: Iterable[AbiItem]) -> ContractAbi:
        abi = cls(list(items))
        for item in abi.items:
            kind = item.get("type")
            params = tuple(item.get("inputs", ()))
            types = [abi_type(p) for p in params]
            signature = f"{item.get('name', '')}({','.join(types)})"
            if kind == "function":
                abi.functions[(item["name"], len(params))] = FunctionAbi(
                    item["name"],
                    keccak(text=signature)[:4],
                    tuple(types),
                    tuple(item.get("outputs", ())),
                    str(item.get("stateMutability", "")),
                )
            elif kind == "event":
                abi.events[item["name"]] = EventAbi(
                    item["name"], signature, "0x" + keccak(text=signature).hex(), params
                )
            elif kind == "error":
                error = ErrorAbi(item["name"], keccak(text=signature)[:4], params)
                abi.errors[error.selector] = error
            elif kind == "constructor":
                abi.constructor_inputs = tuple(types)
        return abi

    def function(self, name: str, arity: int) -> FunctionAbi:
        found = self.functions.get((name, arity))
        if found is None:
            raise ChainError(f"{name} with {arity} argument(s) is not in the contract's ABI")
        return found

    def event(self, name: str) -> EventAbi:
        try:
            return self.events[name]
        except KeyError:
            raise ChainError(f"no event {name} in the contract's ABI") from None

    def encode_constructor(self, bytecode: str, args: Sequence[Any]) -> str:
        try:
            encoded = abi_encode(list(self.constructor_inputs), list(args))
        except (TypeError, ValueError, OverflowError) as exc:
            raise ChainError(f"bad constructor arguments: {exc}") from None
        code = bytecode if bytecode.startswith("0x") else "0x" + bytecode
        return code + encoded.hex()


@dataclass(frozen=True)
class DecodedError:
    """Revert data made readable: the error's name (None if unknown), arguments and text."""

    name: str | None
    args: dict[str, Any]
    text: str  # ``Name(arg=value, ...)``, or a sentence when there is no custom error


class ErrorDecoder:
    """Turns revert data into custom errors, knowing every compiled contract's errors."""

    def __init__(self, abis: Iterable[ContractAbi]) -> None:
        self.errors: dict[bytes, ErrorAbi] = {}
        for abi in abis:
            self.errors.update(abi.errors)

    def decode_error(self, data: str | bytes | None) -> DecodedError:
        raw = to_bytes(data)
        if len(raw) < 4:
            return DecodedError(None, {}, "reverted without a reason")
        selector, body = raw[:4], raw[4:]
        try:
            if selector == ERROR_STRING:
                return DecodedError("Error", {}, str(abi_decode(["string"], body)[0]))
            if selector == PANIC:
                code = abi_decode(["uint256"], body)[0]
                return DecodedError("Panic", {"code": code}, f"panic code {hex(code)}")
        except Exception:
            return DecodedError(None, {}, f"unreadable revert data 0x{raw.hex()}")
        known = self.errors.get(selector)
        if known is None:
            return DecodedError(None, {}, f"unknown custom error 0x{selector.hex()}")
        try:
            args = known.decode(body)
        except Exception:
            return DecodedError(known.name, {}, known.name)
        shown = ", ".join(f"{k}={show(v)}" for k, v in args.items())
        return DecodedError(known.name, args, f"{known.name}({shown})")

    def decode(self, data: str | bytes | None) -> tuple[str | None, str]:
        """``(error name, readable line)``: the refusal's plain meaning, then the error."""
        from tokenizer.compliance.refusals import describe  # the one table of messages

        error = self.decode_error(data)
        meaning = describe(error.name, error.args) if error.name else None
        return error.name, f"{meaning}: {error.text}" if meaning else error.text
