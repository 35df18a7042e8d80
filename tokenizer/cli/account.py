"""``rwa account new | import | list``: encrypted keystores by alias.

A private key is never read from the command line: ``import`` takes it from a file
(``--key-file``) or a hidden prompt. The password comes from ``RWA_KEYSTORE_PASSWORD``, a
file (``--password-file``) or a prompt asked twice. Keystores live in ``RWA_KEYSTORE_DIR`` or
``~/.rwa/keystores``, outside the project.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tokenizer.errors import TokenizerError

if TYPE_CHECKING:
    Sub = argparse._SubParsersAction[argparse.ArgumentParser]


def add_account(sub: Sub) -> None:
    p = sub.add_parser("account", help="keystores by alias: new, import, list")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = actions.add_parser("new", help="create a key and keep it encrypted under ALIAS")
    new.add_argument("alias")
    new.add_argument("--password-file", type=Path, help="read the password from this file")
    imp = actions.add_parser("import", help="encrypt an existing key under ALIAS")
    imp.add_argument("alias")
    imp.add_argument("--key-file", type=Path, help="read the hex private key from this file")
    imp.add_argument("--password-file", type=Path, help="read the password from this file")
    actions.add_parser("list", help="every alias with its address")
    p.set_defaults(handler=cmd_account)


def _password(args: argparse.Namespace) -> str:
    from tokenizer.chain.accounts import PASSWORD_VARIABLE

    if args.password_file is not None:
        try:
            text: str = args.password_file.read_text().rstrip("\n")
            return text
        except OSError as exc:
            raise TokenizerError(f"--password-file {args.password_file}: {exc.strerror}") from None
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    if not sys.stdin.isatty():
        raise TokenizerError(
            f"a password is needed: set {PASSWORD_VARIABLE} or pass --password-file"
        )
    import getpass

    first = getpass.getpass("password for the new keystore: ")
    if getpass.getpass("the same password again: ") != first:
        raise TokenizerError("the two passwords differ; nothing was saved")
    return first


def _key(args: argparse.Namespace) -> bytes:
    if args.key_file is not None:
        try:
            text = args.key_file.read_text().strip()
        except OSError as exc:
            raise TokenizerError(f"--key-file {args.key_file}: {exc.strerror}") from None
    elif sys.stdin.isatty():
        import getpass

        text = getpass.getpass("private key (hex, not shown): ").strip()
    else:
        raise TokenizerError("pass --key-file: a private key is never read from the command line")
    try:
        key = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        raise TokenizerError("the private key must be 32 bytes of hex") from None
    if len(key) != 32:
        raise TokenizerError("the private key must be 32 bytes of hex")
    return key


def cmd_account(args: argparse.Namespace) -> int:
    from tokenizer.chain import accounts

    if args.action == "list":
        known = accounts.aliases()
        if not known:
            print(f"No accounts in {accounts.keystore_dir()} yet: `rwa account new ALIAS`.")
        for alias, address in known.items():
            print(f"{alias:<24} {address}")
        return 0
    accounts.check_alias(args.alias)
    if args.action == "new":
        from eth_account import Account

        key = bytes(Account.create().key)  # a key from the system's random source
    else:
        key = _key(args)
    path, address = accounts.save_keystore(args.alias, key, _password(args))
    print(f"{args.alias}: {address} (keystore {path})")
    return 0
