"""Accounts: the well-known development mnemonic on local chains, keystores everywhere else.

A private key is never taken on the command line or written to a log: a keystore file is
decrypted with the password from ``RWA_KEYSTORE_PASSWORD`` or, on a terminal, a prompt.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from tokenizer.errors import ChainError

DEV_MNEMONIC = "test test test test test test test test test test test junk"
PASSWORD_VARIABLE = "RWA_KEYSTORE_PASSWORD"
KEYSTORE_DIR_VARIABLE = "RWA_KEYSTORE_DIR"
_ALIAS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def keystore_dir() -> Path:
    """Where keystores live by alias: ``RWA_KEYSTORE_DIR``, else ``~/.rwa/keystores`` (never
    inside the project, so no key can be committed)."""
    override = os.environ.get(KEYSTORE_DIR_VARIABLE)
    return Path(override) if override else Path.home() / ".rwa" / "keystores"


def check_alias(alias: str) -> str:
    if not _ALIAS.fullmatch(alias):
        raise ChainError(
            f"account alias {alias!r}: use letters, digits, '_', '-' or '.', at most 64"
        )
    return alias


def aliases() -> dict[str, str]:
    """Every keystore alias with its address."""
    found: dict[str, str] = {}
    folder = keystore_dir()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            address = json.loads(path.read_text()).get("address", "")
        except (OSError, ValueError):
            address = ""
        found[path.stem] = "0x" + str(address).removeprefix("0x") if address else "(unreadable)"
    return found


def resolve_keystore(name: str | Path) -> Path:
    """A keystore file by path, or by alias in :func:`keystore_dir`."""
    path = Path(name)
    if path.is_file():
        return path
    by_alias = keystore_dir() / f"{name}.json"
    if by_alias.is_file():
        return by_alias
    known = ", ".join(aliases()) or "none yet: `rwa account new ALIAS`"
    raise ChainError(f"no keystore file or account alias {str(name)!r} (aliases: {known})")


def save_keystore(alias: str, key: bytes, password: str) -> tuple[Path, str]:
    """Encrypt ``key`` under ``alias``; refuses an alias already taken."""
    path = keystore_dir() / f"{check_alias(alias)}.json"
    if path.exists():
        raise ChainError(f"account alias {alias!r} exists already ({path}); choose another")
    if len(password) < 8:
        raise ChainError("the keystore password must have at least 8 characters")
    encrypted = Account.encrypt(key, password)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(encrypted, handle)
    account: LocalAccount = Account.from_key(key)
    return path, str(account.address)


def dev_accounts(count: int = 10) -> list[LocalAccount]:
    """The accounts of the well-known development mnemonic (Anvil's and Hardhat's defaults)."""
    Account.enable_unaudited_hdwallet_features()
    return [
        Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")
        for i in range(count)
    ]


def _password(path: Path) -> str:
    specific = f"{PASSWORD_VARIABLE}_{re.sub(r'[^A-Z0-9]', '_', path.stem.upper())}"
    password = os.environ.get(specific, os.environ.get(PASSWORD_VARIABLE))
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise ChainError(
            f"keystore {path.name} needs its password: set {PASSWORD_VARIABLE} (there is no "
            "terminal to ask on)"
        )
    import getpass

    try:
        return getpass.getpass(f"password for keystore {path.name}: ")
    except EOFError:
        raise ChainError(
            f"no password given for keystore {path.name}: type it, or set {PASSWORD_VARIABLE}"
        ) from None


def keystore_account(path: Path, password: str | None = None) -> LocalAccount:
    """Decrypt an eth-account keystore file (a path or an alias); the password comes from
    ``RWA_KEYSTORE_PASSWORD_<ALIAS>``, ``RWA_KEYSTORE_PASSWORD`` or a prompt."""
    path = resolve_keystore(path)
    try:
        encrypted = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ChainError(f"cannot read keystore {path}: {exc}") from exc
    if password is None:
        password = _password(path)
    try:
        key = Account.decrypt(encrypted, password)
    except ValueError:
        raise ChainError(f"wrong password for keystore {path.name}") from None
    account: LocalAccount = Account.from_key(key)
    return account
