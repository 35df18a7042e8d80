"""Accounts: the well-known development mnemonic on local chains, keystores everywhere else.

A private key is never taken on the command line or written to a log: a keystore file is
decrypted with the password from ``RWA_KEYSTORE_PASSWORD`` or, on a terminal, a prompt.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from tokenizer.errors import ChainError

DEV_MNEMONIC = "test test test test test test test test test test test junk"
PASSWORD_VARIABLE = "RWA_KEYSTORE_PASSWORD"


def dev_accounts(count: int = 10) -> list[LocalAccount]:
    """The accounts of the well-known development mnemonic (Anvil's and Hardhat's defaults)."""
    Account.enable_unaudited_hdwallet_features()
    return [
        Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")
        for i in range(count)
    ]


def _password(path: Path) -> str:
    password = os.environ.get(PASSWORD_VARIABLE)
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
    """Decrypt an eth-account keystore file; the password comes from RWA_KEYSTORE_PASSWORD."""
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
