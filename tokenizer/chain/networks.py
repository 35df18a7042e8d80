"""Named networks: where a node is, which chain it must be, and how carefully to send to it.

The table lives in ``networks.yaml`` at the project root (``RWA_NETWORKS`` names another file).
A network never holds a URL with a key in it: it names the environment variable that does. A
chain counts as a local development chain only if its network says so, or, for a node given by
``--rpc-url``, if its chain id is a known development id (31337, 1337) -- never from what the
node's client calls itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokenizer.errors import ChainError
from tokenizer.workspace import Workspace

DEV_CHAIN_IDS = frozenset({31337, 1337})
GWEI = 10**9
_FIELDS = {
    "embedded",
    "url_env",
    "url",
    "chain_id",
    "local",
    "explorer",
    "confirmations",
    "max_fee_gwei",
    "max_priority_fee_gwei",
    "replace_after_s",
    "roles",
}
REPLACE_AFTER_S = 90.0  # a transaction not mined this long is sent again with higher fees
ROLE_NAMES = ("admin", "agent", "servicer", "treasury")
# Parties of a structured deal that are not the issuer's: named by the deal, mapped here to an
# address (or a keystore alias, read for its address only). The toolkit never signs for them.
PARTY_KINDS = ("guarantors", "fee_recipients")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


@dataclass(frozen=True)
class Network:
    name: str
    chain_id: int | None = None
    embedded: bool = False  # an Anvil started for the command
    url_env: str | None = None
    url: str | None = None  # a default when the variable is not set
    local: bool = False
    explorer: str | None = None
    confirmations: int = 1
    max_fee_wei: int | None = None
    max_tip_wei: int | None = None
    replace_after_s: float = REPLACE_AFTER_S  # not local: resend a stuck transaction after
    roles: tuple[tuple[str, str], ...] = ()  # (role, keystore alias): who signs for the issuer
    # (kind, name, address or alias): a guarantor or fee recipient of a structured deal
    parties: tuple[tuple[str, str, str], ...] = ()

    def party(self, kind: str, name: str) -> str:
        """The address of the deal's party ``name`` (a guarantor, a fee recipient) on this
        network, from ``roles.<kind>`` (an address, or an alias read for its address only)."""
        from tokenizer.chain.accounts import aliases

        where = f"networks.{self.name}.roles.{kind}"
        found = {n: v for k, n, v in self.parties if k == kind}
        if name not in found:
            party = kind[:-1].replace("_", " ")
            raise ChainError(
                f"{where}.{name}: not named; on {self.name} the deal's {party} {name!r} is an "
                "account of its own: give its address (the toolkit never holds its key)"
            )
        value = found[name]
        if _ADDRESS.fullmatch(value):
            return value
        address = aliases().get(value)
        if address is None or not _ADDRESS.fullmatch(address):
            raise ChainError(f"{where}.{name}: {value!r} is neither an address nor an alias")
        return address

    def role_aliases(self) -> list[str]:
        """The keystore alias of each role, admin first; a role not named is the admin's."""
        named = dict(self.roles)
        admin = named.get("admin")
        if admin is None:
            raise ChainError(f"network {self.name}: roles must name the admin's account alias")
        return [named.get(role, admin) for role in ROLE_NAMES]

    def rpc_url(self) -> str:
        """The node's URL: the environment variable's value, else the default."""
        if self.url_env and os.environ.get(self.url_env):
            return os.environ[self.url_env]
        if self.url:
            return self.url
        raise ChainError(
            f"network {self.name} has no RPC URL: set {self.url_env} to the node's URL"
            if self.url_env
            else f"network {self.name} names no RPC URL (url_env or url in networks.yaml)"
        )

    @property
    def record_key(self) -> str:
        """The folder of this network's deployment records."""
        return self.name


def adhoc(url: str, chain_id: int) -> Network:
    """A node given by ``--rpc-url``: local only for a development chain id."""
    return Network(name=str(chain_id), chain_id=chain_id, url=url, local=chain_id in DEV_CHAIN_IDS)


def _config_path() -> Path:
    override = os.environ.get("RWA_NETWORKS")
    return Path(override) if override else Workspace.current().root / "networks.yaml"


def load_networks(path: Path | None = None) -> dict[str, Network]:
    """Every network of the table, by name."""
    import yaml

    source = path or _config_path()
    try:
        data = yaml.safe_load(source.read_text()) or {}
    except OSError as exc:
        raise ChainError(f"cannot read the networks file {source}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ChainError(f"{source}: not valid YAML ({str(exc).splitlines()[0]})") from None
    table = data.get("networks") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        raise ChainError(f"{source}: expected a `networks:` mapping of names to networks")
    return {name: _network(source, str(name), entry) for name, entry in table.items()}


def _network(source: Path, name: str, entry: Any) -> Network:
    where = f"{source.name}: networks.{name}"
    if not isinstance(entry, dict):
        raise ChainError(f"{where}: expected a mapping of settings")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise ChainError(
            f"{where}.{unknown[0]}: unknown setting (known: {', '.join(sorted(_FIELDS))})"
        )

    def number(key: str, low: int) -> int | None:
        value = entry.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
            raise ChainError(f"{where}.{key}: must be a number >= {low}, got {value!r}")
        return int(value) if key == "chain_id" or key == "confirmations" else int(value * GWEI)

    roles = entry.get("roles") or {}
    parties: list[tuple[str, str, str]] = []
    if isinstance(roles, dict):
        roles = dict(roles)  # the parties are taken out; the rest are the issuer's roles
    for kind in PARTY_KINDS:
        named = roles.pop(kind, None) if isinstance(roles, dict) else None
        if named is None:
            continue
        if not isinstance(named, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in named.items()
        ):
            raise ChainError(f"{where}.roles.{kind}: expected name: address (or alias) pairs")
        parties += [(kind, k, v) for k, v in sorted(named.items())]
    if not isinstance(roles, dict) or not all(isinstance(v, str) for v in roles.values()):
        raise ChainError(f"{where}.roles: expected role: alias pairs (admin, agent, ...)")
    unknown_roles = sorted(set(roles) - set(ROLE_NAMES))
    if unknown_roles:
        raise ChainError(
            f"{where}.roles.{unknown_roles[0]}: unknown role (roles: "
            f"{', '.join(ROLE_NAMES + PARTY_KINDS)})"
        )
    embedded = bool(entry.get("embedded", False))
    if not embedded and not (entry.get("url_env") or entry.get("url")):
        raise ChainError(f"{where}: needs url_env (the variable holding the node's URL) or url")
    return Network(
        name=name,
        chain_id=number("chain_id", 1),
        embedded=embedded,
        url_env=entry.get("url_env"),
        url=entry.get("url"),
        local=bool(entry.get("local", False)),
        explorer=entry.get("explorer"),
        confirmations=number("confirmations", 1) or 1,
        max_fee_wei=number("max_fee_gwei", 0),
        max_tip_wei=number("max_priority_fee_gwei", 0),
        replace_after_s=_seconds(where, entry.get("replace_after_s", REPLACE_AFTER_S)),
        roles=tuple(sorted(roles.items())),
        parties=tuple(parties),
    )


def _seconds(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ChainError(f"{where}.replace_after_s: must be a number of seconds > 0, got {value!r}")
    return float(value)


def network(name: str) -> Network:
    """The network called ``name``, or one line listing the known ones."""
    networks = load_networks()
    found = networks.get(name)
    if found is None:
        raise ChainError(
            f"no network named {name!r} (known: {', '.join(sorted(networks))}; add it to "
            "networks.yaml)"
        )
    return found
