"""Recompute every holder's revenue from the chain's history and compare it with the chain.

:mod:`.replay` folds the token's events into entitlements (pure integer arithmetic);
:mod:`.compare` reads the events and the chain's figures at one block and checks them.
"""

from tokenizer.reconcile.compare import Reconciliation, reconcile
from tokenizer.reconcile.replay import MAGNITUDE, Ledger, replay

__all__ = ["MAGNITUDE", "Ledger", "Reconciliation", "reconcile", "replay"]
