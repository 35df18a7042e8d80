"""Who may call what: the access-control table of every state-changing function.

One table serves three purposes: the test suite calls every function listed here as every
role and as a stranger and checks that exactly the listed callers get through; a test checks
that every state-changing function of the deal's contracts is listed; and `rwa roles` prints
the table that the README shows.
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN = "admin"
AGENT = "agent"
SERVICER = "servicer"
OWNER = "owner"
ANYONE = "anyone"
#: GATE_ROLE of the token: held only by a deal's ReportGate (no actor of the tests holds it).
REPORT_GATE = "report gate"

# Actors the test plays: each holds exactly one role (the admin deploys and owns the mock).
ACTORS = (ADMIN, AGENT, SERVICER, "stranger")


@dataclass(frozen=True)
class Entry:
    contract: str
    function: str  # name(types)
    callers: tuple[str, ...]  # ANYONE, or the roles allowed
    note: str = ""


def _entries(
    contract: str, callers: tuple[str, ...], *functions: str, note: str = ""
) -> list[Entry]:
    return [Entry(contract, f, callers, note) for f in functions]


TOKEN = "RevenueShareToken"
REGISTRY = "IdentityRegistry"
OFFERING = "PrimaryOffering"
MARKET = "DvPMarket"
STABLECOIN = "MockStablecoin"
TRANCHE = "TrancheToken"
WATERFALL = "Waterfall"

ROLE_ADMIN_FUNCTIONS = (
    "grantRole(bytes32,address)",
    "revokeRole(bytes32,address)",
    # The admin's own role moves in two steps with a delay (OpenZeppelin's default-admin rules).
    "beginDefaultAdminTransfer(address)",
    "cancelDefaultAdminTransfer()",
    "changeDefaultAdminDelay(uint48)",
    "rollbackDefaultAdminDelay()",
)
SELF_ONLY = "renounceRole(bytes32,address)"
ACCEPT_ADMIN = "acceptDefaultAdminTransfer()"
ACCEPT_NOTE = "only the pending admin, once the delay has passed"

TABLE: tuple[Entry, ...] = tuple(
    _entries(
        TOKEN,
        (ANYONE,),
        "transfer(address,uint256)",
        "transferFrom(address,address,uint256)",
        "approve(address,uint256)",
        note="transfers pass the compliance rules",
    )
    + _entries(TOKEN, (ANYONE,), "claim()", note="pays the caller what it is owed")
    + _entries(TOKEN, (ANYONE,), "claimFor(address[])", note="pays each holder to its own wallet")
    + _entries(
        TOKEN,
        (AGENT,),
        "mint(address,uint256)",
        "burn(address,uint256)",
        "pause()",
        "unpause()",
        "forcedTransfer(address,address,uint256)",
        "batchForcedTransfer(address[],address[],uint256[])",
        "recoverWallet(address,address)",
        "setWalletFrozen(address,bool)",
        "batchSetWalletFrozen(address[],bool[])",
        "freezePartialTokens(address,uint256)",
        "unfreezePartialTokens(address,uint256)",
        "batchFreezePartialTokens(address[],uint256[])",
        "batchUnfreezePartialTokens(address[],uint256[])",
        "setTransfersHeld(bool)",
    )
    + _entries(
        TOKEN,
        (SERVICER,),
        "distribute(uint256,uint256,bytes32)",
        note="a deal with disclosure: only its ReportGate holds the role",
    )
    + _entries(
        TOKEN,
        (REPORT_GATE,),
        "distributeFrom(address,uint256,uint256,bytes32)",
        note="a deal with disclosure: its ReportGate, for the account submitting the report",
    )
    + _entries(
        TOKEN,
        (SERVICER,),
        "sweepDust()",
        note="after the final period: the rounding dust back to the servicer",
    )
    + _entries(
        TOKEN,
        (ADMIN,),
        "setIdentityRegistry(address)",
        "enableRule(uint8)",
        "disableRule(uint8)",
        "setCountriesAllowed(uint16[],bool)",
        "setCountriesBlocked(uint16[],bool)",
        "setMinimumInvestorClass(uint16[],uint8)",
        "setMaxHolders(uint32)",
        "setMaxBalance(uint128)",
        "setLockupPeriod(uint32)",
        *ROLE_ADMIN_FUNCTIONS,
    )
    + _entries(TOKEN, (ANYONE,), SELF_ONLY, note="only one's own roles")
    + _entries(TOKEN, (ANYONE,), ACCEPT_ADMIN, note=ACCEPT_NOTE)
    + _entries(
        REGISTRY,
        (AGENT,),
        "registerInvestor(address,uint16,uint8,uint64)",
        "batchRegisterInvestors(address[],uint16[],uint8[],uint64[])",
        "updateInvestor(address,uint16,uint8,uint64)",
        "batchUpdateInvestors(address[],uint16[],uint8[],uint64[])",
        "batchRenewKyc(address[],uint64)",
        "removeInvestor(address)",
        "batchRemoveInvestors(address[])",
        "recoverIdentity(address,address)",
        "addWallet(address,address)",
    )
    + _entries(REGISTRY, (ADMIN,), *ROLE_ADMIN_FUNCTIONS)
    + _entries(REGISTRY, (ANYONE,), SELF_ONLY, note="only one's own roles")
    + _entries(REGISTRY, (ANYONE,), ACCEPT_ADMIN, note=ACCEPT_NOTE)
    + _entries(OFFERING, (ANYONE,), "buy(uint256)", note="verified investors only")
    + _entries(OFFERING, (ANYONE,), "refund()", note="buyers, after a failed sale")
    + _entries(
        OFFERING,
        (ANYONE,),
        "recoverPurchase(address,address)",
        note="moves a refund right where the registry recovered the wallet",
    )
    + _entries(OFFERING, (ADMIN,), "settleHeldRefund(address,address)")
    + _entries(
        OFFERING,
        (ADMIN,),
        "setDisclosure(address)",
        note="before the first purchase: sale gated on the registry's required documents",
    )
    + _entries(OFFERING, (ANYONE,), "finalize()", note="once the window ended or the cap is met")
    + _entries(OFFERING, (ADMIN,), *ROLE_ADMIN_FUNCTIONS)
    + _entries(OFFERING, (ANYONE,), SELF_ONLY, note="only one's own roles")
    + _entries(OFFERING, (ANYONE,), ACCEPT_ADMIN, note=ACCEPT_NOTE)
    + _entries(
        MARKET,
        (ANYONE,),
        "offer(uint128,uint128,uint40)",
        note=(
            "no escrow: the seller keeps the tokens until the offer is taken; refused unless "
            "the seller holds and has approved them; expires"
        ),
    )
    + _entries(MARKET, (ANYONE,), "take(uint256)", note="settles both legs or neither")
    + _entries(MARKET, (ANYONE,), "cancel(uint256)", note="only the offer's seller")
    + _entries(MARKET, (ANYONE,), "cancelAll()", note="withdraws the caller's own offers")
    + _entries(
        STABLECOIN,
        (OWNER,),
        "mint(address,uint256)",
        "batchMint(address[],uint256[])",
        "transferOwnership(address)",
        "renounceOwnership()",
        note="local test stablecoin",
    )
    + _entries(
        STABLECOIN,
        (ANYONE,),
        "transfer(address,uint256)",
        "transferFrom(address,address,uint256)",
        "approve(address,uint256)",
    )
    # A deal with ``structure:``: its waterfall. A tranche token's functions and roles are the
    # revenue-share token's (above); the waterfall holds every tranche token's SERVICER_ROLE.
    + _entries(
        WATERFALL,
        (SERVICER,),
        "deposit(uint256,uint256,bytes32)",
        note=(
            "pays the period's collections down the waterfall; the first period only once "
            "every tranche is placed"
        ),
    )
    + _entries(
        WATERFALL,
        (ADMIN,),
        "setSchedule(uint256,uint16[])",
        "addFee(address,uint16,uint128)",
        "addGuarantor(address,uint8,uint128,uint128,bool)",
        "addTrigger(uint32,uint16,uint16,uint8)",
        "setReserveTarget(uint16,uint128)",
        "fundReserve(uint128)",
        note="before the first period only",
    )
    + _entries(WATERFALL, (ADMIN,), *ROLE_ADMIN_FUNCTIONS)
    + _entries(WATERFALL, (ANYONE,), SELF_ONLY, note="only one's own roles")
    + _entries(WATERFALL, (ANYONE,), ACCEPT_ADMIN, note=ACCEPT_NOTE)
)

DOCUMENTS = "DocumentRegistry"
GATE = "ReportGate"
REGISTRAR = "registrar"
ATTESTER = "attester"

#: The disclosure contracts (a deal with ``disclosure:``): the document registry and the report
#: gate, which holds the token's SERVICER_ROLE and GATE_ROLE. Apart from TABLE (the seed deal
#: has no disclosure:).
DISCLOSURE_TABLE: tuple[Entry, ...] = tuple(
    _entries(
        DOCUMENTS,
        (REGISTRAR,),
        "registerAsset(uint8,string,uint64)",
        "registerDocument(uint64,uint16,bytes32,string)",
        "revokeDocument(bytes32,string)",
        note="the issuer's registrar",
    )
    + _entries(
        DOCUMENTS,
        (ATTESTER,),
        "attest(bytes32,uint8)",
        "recordValuation(uint64,uint128,bytes3,uint40)",
        note="an attester holding the role (valuations: the appraiser)",
    )
    + _entries(
        DOCUMENTS,
        (ADMIN,),
        "setAttester(address,uint8)",
        "requireDocument(uint64,uint16,uint8)",
        *ROLE_ADMIN_FUNCTIONS,
    )
    + _entries(DOCUMENTS, (ANYONE,), SELF_ONLY, note="only one's own roles")
    + _entries(DOCUMENTS, (ANYONE,), ACCEPT_ADMIN, note=ACCEPT_NOTE)
    + _entries(
        GATE,
        (ANYONE,),
        "distribute((uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,bytes32),"
        "uint256,(bytes32,bytes32),(bytes32,bytes32))",
        note="report signed by a servicer, co-signed by a registered auditor; caller pays",
    )
    + _entries(
        GATE,
        (SERVICER,),
        "sweepDust()",
        note="after the final period: the token's dust, passed on to the servicer",
    )
    + _entries(
        GATE,
        (ADMIN,),
        "setBaseCase(uint256,uint256[])",
        *ROLE_ADMIN_FUNCTIONS,
        note="base case: periods not yet distributed",
    )
    + _entries(GATE, (ANYONE,), SELF_ONLY, note="only one's own roles")
    + _entries(GATE, (ANYONE,), ACCEPT_ADMIN, note=ACCEPT_NOTE)
)
DISCLOSURE_CONTRACTS = (DOCUMENTS, GATE)

CONTRACTS = (TOKEN, REGISTRY, OFFERING, MARKET, STABLECOIN, WATERFALL)
#: The contracts of a deal with a ``structure:`` (tranches and a waterfall); a tranche token
#: has the revenue-share token's functions and roles, the waterfall holds its SERVICER_ROLE.
STRUCTURE_CONTRACTS = (TRANCHE, WATERFALL)
#: The contracts only a structured deal deploys (``rwa roles SPEC`` leaves them out otherwise).
STRUCTURE_ONLY = (WATERFALL,)

# Roles an actor holds beyond its own, as deployed: the registry's constructor makes its admin
# an agent too, and the admin deploys (so owns) the mock stablecoin.
EXTRA_ROLES: dict[tuple[str, str], tuple[str, ...]] = {
    (REGISTRY, ADMIN): (AGENT,),
    (STABLECOIN, ADMIN): (OWNER,),
}


def roles_of(contract: str, actor: str) -> tuple[str, ...]:
    return (actor, *EXTRA_ROLES.get((contract, actor), ()))


def may_call(entry: Entry, actor: str) -> bool:
    """Whether ``actor`` passes the access check of ``entry`` as deployed."""
    if entry.callers == (ANYONE,):
        return True
    return any(role in entry.callers for role in roles_of(entry.contract, actor))


def markdown_table(structured: bool = True) -> str:
    """The table as Markdown, one row per function; without the waterfall's rows when
    ``structured`` is False (a deal without ``structure:`` has no waterfall)."""
    rows = ["| contract | function | who may call it | note |", "|---|---|---|---|"]
    for e in TABLE:
        if not structured and e.contract in STRUCTURE_ONLY:
            continue
        who = "anyone" if e.callers == (ANYONE,) else ", ".join(e.callers)
        extra = [a for a in ACTORS if a not in e.callers and may_call(e, a)]
        if e.callers != (ANYONE,) and extra:
            who += f" (the {', '.join(extra)} holds it too)"
        rows.append(f"| {e.contract} | `{e.function}` | {who} | {e.note} |")
    return "\n".join(rows)
