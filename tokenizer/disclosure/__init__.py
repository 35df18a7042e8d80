"""Disclosure: the deal's assets and documents on chain, and attested revenue reports.

* :mod:`.report` -- a period's revenue report (the JSON document, its hash, the EIP-712
  signatures of servicer and auditor);
* :mod:`.documents` -- document kinds and attester roles, register / revoke / attest / list
  documents and verify a file against the registry.
"""
