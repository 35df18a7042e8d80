"""What an issuer, its agent or its servicer does on any chain, local or public.

* :mod:`.kyc` -- register investors' wallets, renew their KYC;
* :mod:`.revenue` -- the servicer's period: approve, distribute with the report's hash, pay
  claims for holders;
* :mod:`.agent` -- freeze and unfreeze wallets, read which are frozen;
* :mod:`.sale` -- close the primary sale.

Nothing here mints money, moves a clock or funds a wallet: that is :mod:`tokenizer.simulation`.
"""
