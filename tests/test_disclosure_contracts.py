"""The deal's document registry, the sale gated on its documents, and attested distributions
through the ReportGate, on Anvil: forged signatures, revoked documents, amounts that differ from
the signed report, attesters without the role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

from tests.conftest import UNIT, USD, TokenSetup, deploy_setup, events, wallet
from tests.test_primary_offering import MAX_PURCHASE, open_sale
from tokenizer.access import ATTESTER, DISCLOSURE_CONTRACTS, DISCLOSURE_TABLE
from tokenizer.chain import Chain
from tokenizer.compliance.refusals import REFUSALS
from tokenizer.deploy.plan import ADMIN_DELAY_SECONDS
from tokenizer.disclosure.report import RevenueReport, digest, sign
from tokenizer.errors import TransactionReverted
from tokenizer.units import GATE_ROLE, SERVICER_ROLE

APPRAISER, LAWYER, AUDITOR, TRUSTEE = 1, 2, 4, 8
APPRAISAL, LEGAL_OPINION, TITLE = 1, 2, 3
CURRENT, SUPERSEDED, REVOKED = 1, 2, 3
LAND, POOL = 0, 11


@dataclass
class Deal:
    s: TokenSetup
    registry: Any
    gate: Any
    appraiser: LocalAccount
    lawyer: LocalAccount
    auditor: LocalAccount
    trustee: LocalAccount

    @property
    def chain(self) -> Chain:
        return self.s.chain

    def send(self, account: LocalAccount, contract: Any, fn: str, *args: Any) -> Any:
        return self.chain.send(self.chain.tx(account, contract, fn, *args))

    def refused(
        self, account: LocalAccount, contract: Any, fn: str, *args: Any
    ) -> TransactionReverted:
        with pytest.raises(TransactionReverted) as info:
            self.send(account, contract, fn, *args)
        return info.value

    def read(self, contract: Any, fn: str, *args: Any) -> Any:
        return self.chain.call(getattr(contract.functions, fn)(*args))

    def register(self, asset: int, kind: int, content: bytes, uri: str = "ipfs://doc") -> bytes:
        h = keccak(content)
        self.send(self.s.agent, self.registry, "registerDocument", asset, kind, h, uri)
        return h

    def report(self, period: int, net: int, paid: dict[str, int] | None = None) -> RevenueReport:
        return RevenueReport(
            deal="test deal",
            period=period,
            gross_revenue=net + 1_000 * USD,
            costs=1_000 * USD,
            net_collections=net,
            paid={"operations": net} if paid is None else paid,
        )

    def signatures(
        self,
        report: RevenueReport,
        servicer: LocalAccount | None = None,
        auditor: LocalAccount | None = None,
    ) -> tuple[tuple[bytes, bytes], tuple[bytes, bytes]]:
        chain_id = self.chain.chain_id
        return (
            sign(report, self.gate.address, chain_id, servicer or self.s.servicer),
            sign(report, self.gate.address, chain_id, auditor or self.auditor),
        )

    def distribute(
        self, report: RevenueReport, amount: int | None = None, **signers: LocalAccount
    ) -> Any:
        sig_s, sig_a = self.signatures(report, **signers)
        paid = report.total_paid if amount is None else amount
        return self.send(
            self.s.servicer, self.gate, "distribute", report.struct(), paid, sig_s, sig_a
        )

    def refused_distribution(
        self, report: RevenueReport, amount: int | None = None, **signers: LocalAccount
    ) -> TransactionReverted:
        with pytest.raises(TransactionReverted) as info:
            self.distribute(report, amount, **signers)
        return info.value


def deploy_deal(setup: TokenSetup, shortfall_bps: int = 8_000, periods: int = 3) -> Deal:
    c, s = setup.chain, setup
    appraiser, lawyer, auditor, trustee = (
        wallet(f"disclosure-{n}") for n in ("ap", "la", "au", "tr")
    )
    c.fund([a.address for a in (appraiser, lawyer, auditor, trustee)], 10**18)
    receipt = c.deploy(
        "DocumentRegistry", [s.admin.address, s.agent.address, ADMIN_DELAY_SECONDS], s.admin
    )
    registry = c.contract("DocumentRegistry", receipt.contract_address or "")
    receipt = c.deploy(
        "ReportGate",
        [
            s.admin.address,
            s.servicer.address,
            s.token.address,  # type: ignore[attr-defined]
            registry.address,
            shortfall_bps,
            periods,
            ADMIN_DELAY_SECONDS,
        ],
        s.admin,
    )
    gate = c.contract("ReportGate", receipt.contract_address or "")
    for who, role in (
        (appraiser, APPRAISER),
        (lawyer, LAWYER),
        (auditor, AUDITOR),
        (trustee, TRUSTEE),
    ):
        c.send(c.tx(s.admin, registry, "setAttester", who.address, role))
    c.send(c.tx(s.admin, s.token, "grantRole", SERVICER_ROLE, gate.address))
    holders = [wallet("disclosure-holder-a"), wallet("disclosure-holder-b")]
    s.verify(*holders)
    s.mint(holders[0], 300 * UNIT)
    s.mint(holders[1], 100 * UNIT)
    c.send(c.tx(s.admin, s.stablecoin, "mint", s.servicer.address, 10**9 * USD))
    c.send(c.tx(s.admin, s.token, "grantRole", GATE_ROLE, gate.address))
    # The token pulls each attested distribution straight from the servicer submitting it.
    c.send(c.tx(s.servicer, s.stablecoin, "approve", s.token.address, 2**256 - 1))
    return Deal(s, registry, gate, appraiser, lawyer, auditor, trustee)


@pytest.fixture()
def deal(setup: TokenSetup) -> Deal:
    return deploy_deal(setup)


# --------------------------------------------------------------------------- registry


def test_new_version_supersedes_the_old_and_keeps_counting(deal: Deal) -> None:
    first = deal.register(0, LEGAL_OPINION, b"opinion v1")
    second = deal.register(0, LEGAL_OPINION, b"opinion v2")
    old, new = (
        deal.read(deal.registry, "document", first),
        deal.read(deal.registry, "document", second),
    )
    assert (old[2], old[3]) == (1, SUPERSEDED)
    assert (new[2], new[3]) == (2, CURRENT)
    assert deal.read(deal.registry, "latestDocument", 0, LEGAL_OPINION) == second
    err = deal.refused(deal.s.agent, deal.registry, "registerDocument", 0, TITLE, first, "x")
    assert err.error_name == "DocumentAlreadyRegistered"
    err = deal.refused(deal.lawyer, deal.registry, "attest", first, LAWYER)
    assert err.error_name == "DocumentNotCurrent"


def test_revoked_document_cannot_be_attested_and_the_reason_is_on_record(deal: Deal) -> None:
    h = deal.register(0, TITLE, b"title deed")
    receipt = deal.send(
        deal.s.agent, deal.registry, "revokeDocument", h, "encumbrance not disclosed"
    )
    (revoked,) = events(receipt, deal.registry, "DocumentRevoked")
    assert revoked["reason"] == "encumbrance not disclosed"
    assert deal.read(deal.registry, "document", h)[3] == REVOKED
    err = deal.refused(deal.lawyer, deal.registry, "attest", h, LAWYER)
    assert err.error_name == "DocumentNotCurrent"
    assert (
        deal.refused(deal.s.agent, deal.registry, "revokeDocument", h, "").error_name
        == "EmptyReason"
    )


def test_attester_without_the_role_is_refused(deal: Deal) -> None:
    h = deal.register(0, APPRAISAL, b"appraisal")
    err = deal.refused(deal.lawyer, deal.registry, "attest", h, APPRAISER)
    assert err.error_name == "AttesterLacksRole"
    assert "role=1" in err.reason and "held=2" in err.reason
    err = deal.refused(deal.s.stranger, deal.registry, "attest", h, AUDITOR)
    assert err.error_name == "AttesterLacksRole"
    receipt = deal.send(deal.appraiser, deal.registry, "attest", h, APPRAISER)
    (attested,) = events(receipt, deal.registry, "DocumentAttested")
    assert attested["attester"] == deal.appraiser.address
    assert deal.read(deal.registry, "document", h)[4] == APPRAISER


def test_assets_pool_members_and_only_an_appraiser_values_them(deal: Deal) -> None:
    agent = deal.s.agent
    deal.send(agent, deal.registry, "registerAsset", POOL, "Tianjin, 12 small properties", 0)
    deal.send(agent, deal.registry, "registerAsset", LAND, "Tianjin, lot 3", 1)
    err = deal.refused(agent, deal.registry, "registerAsset", LAND, "lot 4", 2)
    assert err.error_name == "NotAPool"
    now = deal.chain.timestamp()
    err = deal.refused(deal.lawyer, deal.registry, "recordValuation", 2, 5_000_000, b"CNY", now)
    assert err.error_name == "AttesterLacksRole"
    deal.send(deal.appraiser, deal.registry, "recordValuation", 2, 5_000_000, b"CNY", now)
    pool, lot = deal.read(deal.registry, "asset", 1), deal.read(deal.registry, "asset", 2)
    assert pool[2] == 1  # members
    assert (lot[1], lot[5], lot[4], lot[6]) == (1, 5_000_000, b"CNY", deal.appraiser.address)


# --------------------------------------------------------------------------- sale gating


def test_sale_refuses_purchases_until_the_required_documents_are_attested(deal: Deal) -> None:
    sale = open_sale(deal.s)
    admin = deal.s.admin
    deal.send(admin, deal.registry, "requireDocument", 0, LEGAL_OPINION, LAWYER)
    deal.send(admin, deal.registry, "requireDocument", 0, APPRAISAL, APPRAISER | TRUSTEE)
    deal.send(admin, sale.offering, "setDisclosure", deal.registry.address)
    alice = sale.buyer("disclosure-alice")
    sale.open()
    err = sale.refused(alice, "buy", 1_000 * USD)
    assert err.error_name == "RequiredDocumentMissing"
    assert "kind=2" in err.reason and "rolesAttested=0" in err.reason
    opinion = deal.register(0, LEGAL_OPINION, b"opinion")
    deal.send(deal.lawyer, deal.registry, "attest", opinion, LAWYER)
    appraisal = deal.register(0, APPRAISAL, b"appraisal")
    deal.send(deal.appraiser, deal.registry, "attest", appraisal, APPRAISER)
    err = sale.refused(alice, "buy", 1_000 * USD)  # the trustee has not attested yet
    assert err.error_name == "RequiredDocumentMissing"
    assert (
        "kind=1" in err.reason
        and "rolesRequired=9" in err.reason
        and "rolesAttested=1" in err.reason
    )
    deal.send(deal.trustee, deal.registry, "attest", appraisal, TRUSTEE)
    assert deal.read(deal.registry, "requiredDocumentsMet") == (True, 2)
    sale.buy(alice, 1_000 * USD)
    deal.send(deal.s.agent, deal.registry, "revokeDocument", opinion, "counsel withdrew")
    err = sale.refused(alice, "buy", 1_000 * USD)
    assert err.error_name == "RequiredDocumentMissing"
    err = sale.refused(admin, "setDisclosure", "0x" + "00" * 20)
    assert err.error_name == "SaleAlreadyStarted"
    assert sale.read("paidOf", alice.address) == 1_000 * USD < MAX_PURCHASE


# --------------------------------------------------------------------------- attested reports


def test_gate_digest_is_the_toolkits_eip712_digest(deal: Deal) -> None:
    report = deal.report(1, 5_000 * USD)
    on_chain = deal.read(deal.gate, "reportDigest", report.struct())
    assert on_chain == digest(report, deal.gate.address, deal.chain.chain_id)


def test_attested_distribution_pays_holders_and_records_sources(deal: Deal) -> None:
    report = deal.report(1, 4_000 * USD, {"operations": 3_000 * USD, "reserve": 1_000 * USD})
    receipt = deal.distribute(report)
    (attested,) = events(receipt, deal.gate, "ReportAttested")
    assert attested["auditor"] == deal.auditor.address
    assert attested["servicer"] == deal.s.servicer.address
    assert attested["reportHash"] == report.content_hash
    (dist,) = events(receipt, deal.s.token, "RevenueDistributed")
    assert (dist["amount"], dist["reportHash"]) == (4_000 * USD, report.content_hash)
    per_share = 4_000 * USD * 2**128 // (400 * UNIT)  # holder a has 300 of 400 tokens
    assert deal.s.claimable(wallet("disclosure-holder-a")) == per_share * 300 * UNIT // 2**128
    assert deal.s.balance(deal.gate.address) == 0
    guarantor = deal.report(2, 1_000 * USD, {"operations": 1_000 * USD, "guarantor": 500 * USD})
    deal.distribute(guarantor)
    assert deal.read(deal.gate, "paidBySource") == (4_000 * USD, 1_000 * USD, 500 * USD, 0)


def test_only_the_account_submitting_a_report_pays_it_and_only_the_gate_names_a_payer(
    deal: Deal,
) -> None:
    s = deal.s
    report = deal.report(1, 2_000 * USD)
    sig_s, sig_a = deal.signatures(report)
    # A stranger holding the signed report cannot make the servicer (who approved the token)
    # pay: the token pulls from the stranger, who has neither funds nor an approval.
    servicer_before = s.balance(s.servicer)
    err = deal.refused(
        s.stranger, deal.gate, "distribute", report.struct(), 2_000 * USD, sig_s, sig_a
    )
    assert err.error_name == "ERC20InsufficientAllowance"
    assert s.balance(s.servicer) == servicer_before
    # Nor can anyone but the gate call the token's distributeFrom, the servicer included.
    for who in (s.stranger, s.servicer, s.admin):
        err = deal.refused(who, s.token, "distributeFrom", s.servicer.address, 1, USD, b"\x11" * 32)
        assert err.error_name == "AccessControlUnauthorizedAccount"
    # The servicer submitting it pays exactly the signed amount, straight to the token.
    token_before = s.balance(s.token.address)
    deal.distribute(report)
    assert s.balance(s.servicer) == servicer_before - 2_000 * USD
    assert s.balance(s.token.address) == token_before + 2_000 * USD
    assert s.balance(deal.gate.address) == 0


def test_forged_auditor_signature_is_refused(deal: Deal) -> None:
    report = deal.report(1, 4_000 * USD)
    forger = wallet("disclosure-forger")
    err = deal.refused_distribution(report, auditor=forger)
    assert err.error_name == "ReportNotAttested"
    assert forger.address.lower() in err.reason.lower()
    err = deal.refused_distribution(report, auditor=deal.lawyer)  # an attester, not an auditor
    assert err.error_name == "ReportNotAttested"
    err = deal.refused_distribution(report, servicer=forger)
    assert err.error_name == "ReportNotSignedByServicer"
    err = deal.refused_distribution(report, auditor=deal.s.servicer)
    assert err.error_name == "AuditorNotIndependent"
    assert int(deal.read(deal.s.token, "lastPeriodId")) == 0


def test_deposit_differing_from_the_signed_report_is_refused(deal: Deal) -> None:
    report = deal.report(1, 4_000 * USD)
    err = deal.refused_distribution(report, amount=4_500 * USD)
    assert err.error_name == "ReportAmountMismatch"
    assert "signedTotal=4000000000" in err.reason and "deposited=4500000000" in err.reason
    # Figures changed after signing: the signatures no longer recover to the signers.
    sig_s, sig_a = deal.signatures(report)
    inflated = deal.report(1, 4_500 * USD)
    with pytest.raises(TransactionReverted) as info:
        deal.send(
            deal.s.servicer, deal.gate, "distribute", inflated.struct(), 4_500 * USD, sig_s, sig_a
        )
    assert info.value.error_name == "ReportNotSignedByServicer"
    over = deal.report(1, 4_000 * USD, {"operations": 5_000 * USD})
    assert deal.refused_distribution(over).error_name == "PaidMoreThanCollected"


def test_covenant_flag_rises_after_n_periods_below_the_base_case(deal: Deal) -> None:
    admin = deal.s.admin
    deal.send(admin, deal.gate, "setBaseCase", 1, [10_000 * USD] * 6)
    short, full = 7_000 * USD, 9_000 * USD  # below and above 80 % of the base case
    for period, net in enumerate((short, short, full, short, short), start=1):
        deal.distribute(deal.report(period, net))
    assert deal.read(deal.gate, "covenantBreached") is False
    assert deal.read(deal.gate, "covenant") == (2, 0)
    receipt = deal.distribute(deal.report(6, short))
    (breach,) = events(receipt, deal.gate, "CovenantBreached")
    assert (breach["period"], breach["run"]) == (6, 3)
    assert deal.read(deal.gate, "covenantBreached") is True
    err = deal.refused(admin, deal.gate, "setBaseCase", 3, [1])
    assert err.error_name == "PeriodAlreadyDistributed"


# --------------------------------------------------------------------------- access and refusals


def test_every_state_changing_function_of_the_disclosure_contracts_is_in_the_table(
    session_chain: Chain,
) -> None:
    listed = {(e.contract, e.function) for e in DISCLOSURE_TABLE}
    for name in DISCLOSURE_CONTRACTS:
        for item in session_chain.artifacts.get(name).abi:
            if item.get("type") != "function" or item["stateMutability"] in ("view", "pure"):
                continue
            signature = f"{item['name']}({','.join(_abi_type(i) for i in item['inputs'])})"
            assert (name, signature) in listed, f"{name}.{signature} is not in access.py"


def _abi_type(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in item["components"])
        return f"({inner}){item['type'][5:]}"
    return str(item["type"])


def test_every_custom_error_of_the_disclosure_contracts_reads_in_plain_words(
    session_chain: Chain,
) -> None:
    inherited = {"InvalidAddress"}  # the offering's too; OpenZeppelin's are listed elsewhere
    own = ("AccessControl", "ECDSA", "SafeCast", "SafeERC20")
    for name in DISCLOSURE_CONTRACTS:
        for item in session_chain.artifacts.get(name).abi:
            if item.get("type") != "error" or item["name"].startswith(own):
                continue
            if item["name"] not in inherited:
                assert item["name"] in REFUSALS, f"{name}: {item['name']} is not in refusals.py"
    for new in ("SaleAlreadyStarted", "RequiredDocumentMissing"):  # the offering's gate
        assert new in REFUSALS


def test_strangers_are_refused_by_every_guarded_disclosure_function(deal: Deal) -> None:
    stranger = deal.s.stranger
    contracts = {"DocumentRegistry": deal.registry, "ReportGate": deal.gate}
    h = deal.register(0, APPRAISAL, b"guarded")
    samples: dict[str, tuple[Any, ...]] = {
        "registerAsset": (LAND, "x", 0),
        "registerDocument": (0, TITLE, keccak(b"other"), "u"),
        "revokeDocument": (h, "why"),
        "attest": (h, APPRAISER),
        "recordValuation": (0, 1, b"CNY", 1),
        "setAttester": (stranger.address, AUDITOR),
        "requireDocument": (0, APPRAISAL, APPRAISER),
        "setBaseCase": (1, [1]),
    }
    for entry in DISCLOSURE_TABLE:
        name = entry.function.split("(")[0]
        if name not in samples:
            continue
        err = deal.refused(stranger, contracts[entry.contract], name, *samples[name])
        expected = (
            "AttesterLacksRole" if ATTESTER in entry.callers else "AccessControlUnauthorizedAccount"
        )
        if name == "recordValuation":
            expected = "UnknownAsset"  # asset 0 is the deal, checked before the role
        assert err.error_name == expected, (entry.function, err.reason)


def test_the_gate_passes_the_final_dust_on_to_the_servicer(chain: Chain) -> None:
    d = deploy_deal(deploy_setup(chain, final_period=1))
    amount = 1_000 * USD + 1  # 3/4 and 1/4 of it leave a unit of dust
    d.distribute(d.report(1, amount))
    holders = [wallet("disclosure-holder-a").address, wallet("disclosure-holder-b").address]
    d.send(d.s.stranger, d.s.token, "claimFor", holders)
    dust = int(d.read(d.s.token, "sweepableDust"))
    assert dust == 1
    before = d.s.balance(d.s.servicer)
    receipt = d.send(d.s.servicer, d.gate, "sweepDust")
    (forwarded,) = events(receipt, d.gate, "DustForwarded")
    assert (forwarded["to"], forwarded["amount"]) == (d.s.servicer.address, dust)
    assert d.s.balance(d.s.servicer) == before + dust
    assert d.refused(d.s.stranger, d.gate, "sweepDust").error_name == (
        "AccessControlUnauthorizedAccount"
    )
