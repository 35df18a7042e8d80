"""Compliance as the Python side sees it: the rules (:mod:`.rules`), the one table of readable
refusals (:mod:`.refusals`) and the transfer check against the token (:mod:`.check`).

Import from the submodules; this package imports nothing itself, so the chain's error decoder
can read the refusal table without pulling the chain back in.
"""
