"""``rwa export``: what other tools need to use the deployed deals, written as files.

The layout (default ``out/export/``; ``README.md`` in it says the same):

    abi/<Contract>.json            the ABI of every contract and interface (a JSON array)
    addresses/<network>.json       per network: chain id, explorer, every deal's contracts
    ts/<Contract>.ts, ts/addresses.ts, ts/index.ts
                                   ``as const`` modules for viem and ethers (typed ABIs)
    python/rwa_contracts.py        ABIS and ADDRESSES for web3.py (no import beyond the stdlib)
    cast/signatures                Foundry's signature cache format: copy it to
                                   ~/.foundry/cache/signatures (or ``--cast-cache``) and ``cast``
                                   names the project's errors, events and functions
    cast/errors.txt                one ``selector signature`` line per custom error
    verify/<network>/<deal>/<key>/ standard-input.json, metadata.json, etherscan.json,
                                   sourcify.json: block-explorer verification of each contract

Reads only the compiled artifacts and the deployment records; a node, when one is named, is used
read-only to check that every recorded contract is still there.
"""

from tokenizer.export.layout import ExportResult, NetworkRecords, export

__all__ = ["ExportResult", "NetworkRecords", "export"]
