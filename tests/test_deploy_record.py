"""Deploying a deal: the deployment record, reuse, redeployment and resuming an interrupted run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tokenizer.chain import Chain, TxRequest
from tokenizer.compliance.rules import RULE_LOCKUP, US, rule_steps
from tokenizer.deploy import Deal, deal_plan, deploy_deal, record_path
from tokenizer.deploy.plan import ADMIN_DELAY_SECONDS as ADMIN_DELAY
from tokenizer.errors import DeploymentError
from tokenizer.spec import COUNTRY_NUMERIC, DealSpec, load_spec
from tokenizer.units import AGENT_ROLE, SECONDS_PER_DAY, SERVICER_ROLE

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "xiaoping_island.yaml"
KEYS = ("stablecoin", "registry", "token", "offering", "market")
GRANTS = [
    "grant token agent",
    "grant token servicer",
    "grant offering minter",
    "grant registry agent",
]
RULES = [r.name for r in rule_steps(load_spec(SEED).compliance)]
STEPS = GRANTS + RULES


class Interrupted(Exception):
    """Stands for a crash or Ctrl-C in the middle of a deployment."""


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    monkeypatch.setenv("RWA_OUT_DIR", str(tmp_path / "out"))
    return tmp_path / "deployments"


def record(chain: Chain, spec: DealSpec) -> dict:
    data: dict = json.loads(record_path(chain.chain_id, spec.id).read_text())
    return data


def addresses(deal: Deal) -> dict[str, str]:
    return {key: deal.deployment.address(key) for key in KEYS}


def interrupt_at(step_prefix: str) -> Callable[[str, bool], None]:
    def on_step(step: str, reused: bool) -> None:
        if step.startswith(step_prefix) and not reused:
            raise Interrupted(step)

    return on_step


def sent_by_admin(chain: Chain) -> int:
    """Transactions the admin (the deployer) has sent so far."""
    return int(chain.rpc.call("eth_getTransactionCount", [chain.accounts[0].address, "latest"]), 16)


def bump_admin_nonce(chain: Chain) -> None:
    admin = chain.accounts[0]
    chain.send(TxRequest(admin, chain.accounts[9].address, "0x", "a plain transfer", value=1))


def roles_granted(chain: Chain, deal: Deal) -> list[bool]:
    roles = deal.roles
    checks = [
        (deal.token, AGENT_ROLE, roles.agent.address),
        (deal.token, SERVICER_ROLE, roles.servicer.address),
        (deal.token, AGENT_ROLE, deal.offering.address),
        (deal.registry, AGENT_ROLE, roles.agent.address),
    ]
    return [bool(chain.call(c.functions.hasRole(role, who))) for c, role, who in checks]


def test_the_record_holds_addresses_tx_hashes_blocks_compiler_and_abi_hash(
    chain: Chain, xiaoping: DealSpec
) -> None:
    deal = deploy_deal(chain, xiaoping)
    data = record(chain, xiaoping)
    assert data["deal"] == "xiaoping_island"
    assert data["chain_id"] == chain.chain_id == 31337
    assert data["compiler_version"] == chain.artifacts.compiler_version
    assert data["abi_hash"] == chain.artifacts.abi_hash
    assert data["fingerprint"] == deal_plan(load_spec(SEED), deal.roles.holders()).fingerprint()
    assert data["steps"] == STEPS
    assert list(data["contracts"]) == list(KEYS)
    for key, entry in data["contracts"].items():
        assert re.fullmatch(r"0x[0-9a-fA-F]{40}", entry["address"])
        assert re.fullmatch(r"0x[0-9a-f]{64}", entry["tx"])
        receipt = chain.rpc.call("eth_getTransactionReceipt", [entry["tx"]])
        assert receipt["contractAddress"].lower() == entry["address"].lower(), key
        assert int(receipt["blockNumber"], 16) == entry["block"], key
        assert int(receipt["gasUsed"], 16) == entry["gas"], key
        assert chain.code_at(entry["address"]), key
    assert addresses(deal) == {k: data["contracts"][k]["address"] for k in KEYS}


def test_the_record_schedule_matches_the_contracts_on_chain(
    chain: Chain, xiaoping: DealSpec
) -> None:
    deal = deploy_deal(chain, xiaoping)
    schedule = record(chain, xiaoping)["schedule"]
    assert schedule["sale_end"] - schedule["sale_start"] == 30 * SECONDS_PER_DAY
    assert schedule["periods"] == xiaoping.periods == 240
    assert schedule["maturity"] == schedule["sale_end"] + 240 * schedule["period_seconds"]
    assert chain.call(deal.token.functions.maturity()) == schedule["maturity"]
    assert chain.call(deal.token.functions.settlementToken()) == deal.stablecoin.address
    assert chain.call(deal.token.functions.identityRegistry()) == deal.registry.address


def test_a_fresh_deployment_grants_every_role(chain: Chain, xiaoping: DealSpec) -> None:
    deal = deploy_deal(chain, xiaoping)
    assert deal.deployment.reused is False
    assert roles_granted(chain, deal) == [True] * 4


def test_a_second_deploy_reuses_the_recorded_contracts_without_a_transaction(
    chain: Chain, xiaoping: DealSpec
) -> None:
    first = deploy_deal(chain, xiaoping)
    before = record_path(chain.chain_id, xiaoping.id).read_text()
    block = chain.block_number()
    steps: list[tuple[str, bool]] = []
    second = deploy_deal(chain, xiaoping, on_step=lambda s, r: steps.append((s, r)))
    assert second.deployment.reused is True
    assert addresses(second) == addresses(first)
    assert chain.block_number() == block
    assert all(reused for _, reused in steps)
    assert record_path(chain.chain_id, xiaoping.id).read_text() == before


def test_a_record_whose_contracts_have_no_code_is_deployed_afresh(
    chain: Chain, xiaoping: DealSpec
) -> None:
    snapshot = chain.snapshot()
    old = addresses(deploy_deal(chain, xiaoping))
    chain.revert_to(snapshot)  # the chain forgets the contracts; the record file stays
    bump_admin_nonce(chain)  # so that the new contracts land at new addresses
    assert not chain.code_at(old["token"])
    deal = deploy_deal(chain, xiaoping)
    assert deal.deployment.reused is False
    new = addresses(deal)
    assert all(new[k] != old[k] for k in KEYS)
    assert all(chain.code_at(a) for a in new.values())
    saved = record(chain, xiaoping)
    assert {k: saved["contracts"][k]["address"] for k in KEYS} == new
    assert saved["steps"] == STEPS
    assert roles_granted(chain, deal) == [True] * 4


def test_a_record_whose_addresses_now_hold_other_contracts_is_deployed_afresh(
    chain: Chain, xiaoping: DealSpec
) -> None:
    snapshot = chain.snapshot()
    old = addresses(deploy_deal(chain, xiaoping))
    chain.revert_to(snapshot)
    admin = chain.accounts[0]
    for _ in KEYS:  # the same sender and nonces: other contracts at the recorded addresses
        chain.deploy("IdentityRegistry", [admin.address, ADMIN_DELAY], admin)
    assert all(chain.code_at(a) for a in old.values())
    deal = deploy_deal(chain, xiaoping)
    assert deal.deployment.reused is False
    token_code = chain.code_at(deal.deployment.address("token"))
    assert len(token_code) == chain.artifacts.get("RevenueShareToken").deployed_size


def test_a_deal_whose_terms_changed_is_deployed_afresh(chain: Chain, tmp_path: Path) -> None:
    path = tmp_path / "deal.yaml"
    path.write_text(SEED.read_text())
    first = deploy_deal(chain, load_spec(path))
    edited = SEED.read_text().replace('price: "1.00"', 'price: "1.25"', 1)
    assert edited != SEED.read_text()
    path.write_text(edited)
    second = deploy_deal(chain, load_spec(path))
    assert second.deployment.reused is False
    assert addresses(second)["token"] != addresses(first)["token"]


def test_edits_that_do_not_reach_the_chain_reuse_the_deployment(
    chain: Chain, tmp_path: Path
) -> None:
    path = tmp_path / "deal.yaml"
    path.write_text(SEED.read_text())
    first = deploy_deal(chain, load_spec(path))
    block = chain.block_number()
    text = SEED.read_text().replace("# source:", "# source (checked again):", 1)
    text = text.replace("turns 62.3 ha", "converts 62.3 ha", 1) + "\n# an edit\n"
    path.write_text(text)
    second = deploy_deal(chain, load_spec(path))
    assert second.deployment.reused is True
    assert addresses(second) == addresses(first)
    assert chain.block_number() == block


def test_a_record_from_other_abis_is_deployed_afresh(chain: Chain, xiaoping: DealSpec) -> None:
    first = deploy_deal(chain, xiaoping)
    path = record_path(chain.chain_id, xiaoping.id)
    data = json.loads(path.read_text())
    data["abi_hash"] = "f" * 64
    path.write_text(json.dumps(data))
    second = deploy_deal(chain, xiaoping)
    assert second.deployment.reused is False
    assert addresses(second)["token"] != addresses(first)["token"]
    assert record(chain, xiaoping)["abi_hash"] == chain.artifacts.abi_hash


def test_an_unreadable_record_is_a_deployment_error_naming_the_file(
    chain: Chain, xiaoping: DealSpec
) -> None:
    path = record_path(chain.chain_id, xiaoping.id)
    path.parent.mkdir(parents=True)
    path.write_text("{ not json")
    with pytest.raises(DeploymentError) as caught:
        deploy_deal(chain, xiaoping)
    assert str(path) in caught.value.user_message
    assert "\n" not in caught.value.user_message


def test_a_deployment_interrupted_after_two_contracts_records_only_those(
    chain: Chain, xiaoping: DealSpec
) -> None:
    with pytest.raises(Interrupted):
        deploy_deal(chain, xiaoping, on_step=interrupt_at("IdentityRegistry"))
    saved = record(chain, xiaoping)
    assert list(saved["contracts"]) == ["stablecoin", "registry"]
    assert saved["steps"] == []


def test_an_interrupted_deployment_resumes_without_redeploying_the_first_contracts(
    chain: Chain, xiaoping: DealSpec
) -> None:
    with pytest.raises(Interrupted):
        deploy_deal(chain, xiaoping, on_step=interrupt_at("IdentityRegistry"))
    partial = record(chain, xiaoping)["contracts"]
    sent = sent_by_admin(chain)
    steps: list[tuple[str, bool]] = []
    deal = deploy_deal(chain, xiaoping, on_step=lambda s, r: steps.append((s, r)))
    assert deal.deployment.address("stablecoin") == partial["stablecoin"]["address"]
    assert deal.deployment.address("registry") == partial["registry"]["address"]
    assert [reused for _, reused in steps[:2]] == [True, True]
    assert not any(reused for _, reused in steps[2:])
    # three contracts, the grants, the rules
    assert sent_by_admin(chain) - sent == 3 + len(GRANTS) + len(RULES)
    assert chain.call(deal.token.functions.settlementToken()) == deal.stablecoin.address
    assert chain.call(deal.token.functions.identityRegistry()) == deal.registry.address
    assert chain.call(deal.offering.functions.token()) == deal.token.address
    assert roles_granted(chain, deal) == [True] * 4
    assert record(chain, xiaoping)["steps"] == STEPS


def test_a_deployment_interrupted_between_role_grants_resumes_with_the_missing_grants_only(
    chain: Chain, xiaoping: DealSpec
) -> None:
    with pytest.raises(Interrupted):
        deploy_deal(chain, xiaoping, on_step=interrupt_at("grant token servicer"))
    assert record(chain, xiaoping)["steps"] == GRANTS[:2]
    first = record(chain, xiaoping)["contracts"]
    sent = sent_by_admin(chain)
    deal = deploy_deal(chain, xiaoping)
    assert sent_by_admin(chain) - sent == 2 + len(RULES)
    assert addresses(deal) == {k: first[k]["address"] for k in KEYS}
    assert roles_granted(chain, deal) == [True] * 4
    assert record(chain, xiaoping)["steps"] == STEPS


def test_the_deployed_token_has_the_rules_of_the_spec(chain: Chain, xiaoping: DealSpec) -> None:
    deal = deploy_deal(chain, xiaoping)
    token = deal.token.functions
    c = xiaoping.compliance
    assert c.lockup_days and c.us_accredited_only and not c.max_holders and not c.max_balance
    assert chain.call(token.enabledRules()) == 0b10011  # countries, class, lock-up
    assert chain.call(token.lockupPeriod()) == c.lockup_days * SECONDS_PER_DAY
    for code in c.allowed_countries:
        assert tuple(chain.call(token.countryRules(COUNTRY_NUMERIC[code])))[:2] == (True, False)
    assert tuple(chain.call(token.countryRules(COUNTRY_NUMERIC["CN"]))) == (False, True, 0)
    assert tuple(chain.call(token.countryRules(US)))[2] == 2
    assert chain.call(deal.market.functions.asset()) == deal.token.address
    assert chain.call(deal.market.functions.currency()) == deal.stablecoin.address


def test_a_deployment_interrupted_among_the_rules_resumes_with_the_rest(
    chain: Chain, xiaoping: DealSpec
) -> None:
    with pytest.raises(Interrupted):
        deploy_deal(chain, xiaoping, on_step=interrupt_at("compliance: enable"))
    done = record(chain, xiaoping)["steps"]
    assert done == STEPS[: STEPS.index(next(r for r in RULES if "enable" in r)) + 1]
    deal = deploy_deal(chain, xiaoping)
    assert record(chain, xiaoping)["steps"] == STEPS
    assert chain.call(deal.token.functions.isRuleEnabled(RULE_LOCKUP)) is True


def test_a_deal_can_settle_in_an_existing_token_and_reuses_it_without_a_mock(
    chain: Chain, tmp_path: Path
) -> None:
    admin = chain.accounts[0]
    usdc = chain.deploy("MockStablecoin", ["Some USD", "sUSD", admin.address], admin)
    path = tmp_path / "deal.yaml"
    path.write_text(
        SEED.read_text().replace(
            "settlement:\n", f'settlement:\n  address: "{usdc.contract_address}"\n', 1
        )
    )
    spec = load_spec(path)
    deal = deploy_deal(chain, spec)
    assert deal.stablecoin.address == usdc.contract_address
    assert chain.call(deal.token.functions.settlementToken()) == usdc.contract_address
    assert record(chain, spec)["contracts"]["stablecoin"]["existing"] is True
    block = chain.block_number()
    assert deploy_deal(chain, spec).deployment.reused is True
    assert chain.block_number() == block


def test_a_settlement_address_without_a_contract_is_refused_naming_the_field(
    chain: Chain, tmp_path: Path
) -> None:
    path = tmp_path / "deal.yaml"
    nowhere = "0x" + "12" * 20
    path.write_text(
        SEED.read_text().replace("settlement:\n", f'settlement:\n  address: "{nowhere}"\n', 1)
    )
    block = chain.block_number()
    with pytest.raises(DeploymentError) as refused:
        deploy_deal(chain, load_spec(path))
    assert refused.value.user_message.startswith("settlement.address: no contract at 0x")
    assert chain.block_number() == block
