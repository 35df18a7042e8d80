"""What a guarantor of a structured deal does itself: approve the waterfall to draw on it.

Off a local chain the deployer holds no guarantor's key, so the deployment leaves this step to
the guarantor (the dry run and the deployment name it, with the command): the guarantor signs
the settlement token's ``approve`` of the waterfall for its facility's total limit, with its own
key. The facility's account is read from the waterfall, and a key that is not that account is
refused before anything is sent.
"""

from __future__ import annotations

from eth_account.signers.local import LocalAccount

from tokenizer.chain import Chain, TxRequest
from tokenizer.deploy import Deal
from tokenizer.errors import TokenizerError
from tokenizer.spec import DealSpec

__all__ = ["approval_tx", "facility_index"]


def facility_index(spec: DealSpec, name: str) -> int:
    """The index of guarantor ``name`` in the deal (as added to the waterfall), or one line
    listing the deal's guarantors."""
    names = [g.name for g in spec.structure.guarantors] if spec.structure else []
    if name not in names:
        known = ", ".join(repr(n) for n in names) or "none: the deal has no guarantors"
        raise TokenizerError(f"--guarantor {name!r}: not a guarantor of {spec.id} ({known})")
    return names.index(name)


def approval_tx(
    chain: Chain, deal: Deal, spec: DealSpec, name: str, signer: LocalAccount
) -> TxRequest:
    """Guarantor ``name``'s approval of the waterfall for its total limit, signed by ``signer``,
    which must be the facility's account on chain."""
    if deal.waterfall is None:
        raise TokenizerError(f"{spec.id} has no waterfall: it is not a structured deal")
    g = facility_index(spec, name)
    facility = chain.call(deal.waterfall.functions.guarantor(g))
    account, total_limit = str(facility[0]), int(facility[4])
    if account.lower() != signer.address.lower():
        raise TokenizerError(
            f"--keystore: the key given is {signer.address}, but the waterfall's guarantor "
            f"{name!r} is {account}; sign with that account's key"
        )
    return chain.tx(signer, deal.stablecoin, "approve", deal.waterfall.address, total_limit)
