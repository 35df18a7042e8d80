"""The only package that speaks JSON-RPC.

* :mod:`~tokenizer.chain.rpc` -- the transport: requests, batches, retries, one-line errors;
* :mod:`~tokenizer.chain.abi` -- encoding, events and custom errors, from the compiled ABIs;
* :mod:`~tokenizer.chain.contract` -- contract handles and bound calls;
* :mod:`~tokenizer.chain.signer` -- the fast EIP-1559 signer;
* :mod:`~tokenizer.chain.client` -- :class:`Chain`: reads, writes, logs, receipts, fees, nonces;
* :mod:`~tokenizer.chain.local` -- what only a local chain can do (clock, snapshots, gas coin);
* :mod:`~tokenizer.chain.node` -- the embedded Anvil;
* :mod:`~tokenizer.chain.accounts` -- dev accounts and keystores;
* :mod:`~tokenizer.chain.connect` -- :func:`open_chain`, the one way in for commands.
"""

from tokenizer.chain.accounts import DEV_MNEMONIC, dev_accounts, keystore_account
from tokenizer.chain.client import Chain, Receipt, TxRequest, waves
from tokenizer.chain.connect import open_chain
from tokenizer.chain.contract import BoundCall, Contract
from tokenizer.chain.node import AnvilNode, find_anvil

__all__ = [
    "DEV_MNEMONIC",
    "AnvilNode",
    "BoundCall",
    "Chain",
    "Contract",
    "Receipt",
    "TxRequest",
    "dev_accounts",
    "find_anvil",
    "keystore_account",
    "open_chain",
    "waves",
]
