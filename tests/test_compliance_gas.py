"""What compliance costs: a transfer with the rules on, next to a plain OpenZeppelin ERC-20
transfer deployed in the same run, both between two wallets that already hold tokens, after
revenue was distributed (measured as `rwa bench` measures the gated transfer)."""

from __future__ import annotations

import pytest

from tests.conftest import SG, UNIT, USD, TokenSetup, wallet
from tokenizer.spec import ComplianceSpec, DealSpec

LIMIT = 155_742  # the ceiling of the issue, whatever the baseline
EVERY_RULE = ComplianceSpec(max_holders=1_000, max_balance=10**9 * UNIT, lockup_days=90)


@pytest.mark.parametrize("rules", ["the deal's rules", "every rule"])
def test_a_compliant_transfer_costs_at_most_twice_a_plain_erc20_transfer(
    setup: TokenSetup, xiaoping: DealSpec, rules: str
) -> None:
    s, c = setup, setup.chain
    a, b = wallet("gas-a"), wallet("gas-b")
    s.verify(a)
    s.verify(b, country=SG)
    s.apply_rules(xiaoping.compliance if rules == "the deal's rules" else EVERY_RULE)
    s.mint(a, 1_000 * UNIT + 7)
    s.mint(b, 1_000 * UNIT)
    c.increase_time(91 * 86_400)  # the lock-up of the purchase is over
    c.send(c.tx(s.agent, s.token, "freezePartialTokens", a.address, 10 * UNIT))
    s.distribute(1, 1_000 * USD + 3)
    # The first transfer after a distribution also starts both holders' revenue corrections
    # (two slots from zero); the next one is the steady cost.
    first = c.send(c.tx(a, s.token, "transfer", b.address, UNIT)).gas_used
    repeat = c.send(c.tx(a, s.token, "transfer", b.address, UNIT)).gas_used

    plain_token = c.deploy("PlainERC20", ["Plain", "PLN", a.address, 10**6 * UNIT], a)
    plain = c.contract("PlainERC20", plain_token.contract_address or "")
    c.send(c.tx(a, plain, "transfer", b.address, 1_000 * UNIT))  # b holds some too
    plain_gas = c.send(c.tx(a, plain, "transfer", b.address, UNIT)).gas_used

    enabled = c.call(s.token.functions.enabledRules())  # type: ignore[attr-defined]
    print(
        f"\ntransfer gas with {rules} on (rules {enabled:05b}): {repeat:,}, "
        f"{repeat / plain_gas:.2f}x the plain OpenZeppelin ERC-20 transfer ({plain_gas:,}); "
        f"the first after a distribution: {first:,}"
    )
    assert repeat <= 2 * plain_gas
    assert first < LIMIT
