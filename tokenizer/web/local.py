"""What the web app does only on a local development chain: a ready deal, made-up investors
with development keys, and the operator's console (close the sale, distribute, freeze).

The keys of these wallets are derived from public strings (like the simulation's), so they
must never hold anything real: every function here refuses a chain that is not local.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

from tokenizer.chain import Chain
from tokenizer.chain.signer import Sender
from tokenizer.deploy import Deal, deploy_deal
from tokenizer.errors import TokenizerError
from tokenizer.operations import agent, kyc, revenue, sale
from tokenizer.operations.kyc import Identity
from tokenizer.simulation.population import Investor, make_population, plan_purchases
from tokenizer.simulation.runner import GAS_ALLOWANCE_WEI, period_time
from tokenizer.simulation.sale import buy
from tokenizer.spec import COUNTRY_NUMERIC, INVESTOR_CLASSES, DealSpec
from tokenizer.units import MAX_UINT256, SALE_ACTIVE, SECONDS_PER_DAY

WHAT = "the web app's local investors and operator console (development keys, minted money)"
SEED = 0  # the simulated population's seed (as `rwa demo`'s default)
MARKET_OFFERS = 2  # offers the first simulated buyers leave on the market
OFFER_DAYS = 365  # how long those offers stay open
MAX_CREATED = 50  # investors the page may create on one chain


@dataclass(frozen=True)
class LocalInvestor:
    """A wallet the page may sign for on a local chain: simulated, or created in the page."""

    account: Sender  # a simulated investor's light wallet, or a page-created account
    label: str
    country: str
    investor_class: str

    @property
    def address(self) -> str:
        return str(self.account.address)


def created_account(spec: DealSpec, n: int) -> LocalAccount:
    """The ``n``-th wallet the page creates for ``spec`` (repeatable, so a restarted server
    finds the investors an earlier one created)."""
    account: LocalAccount = Account.from_key(keccak(text=f"rwa-web-investor:{spec.id}:{n}"))
    return account


def simulated(spec: DealSpec) -> list[Investor]:
    return make_population(spec, None, SEED)


def _label(inv: Investor) -> str:
    return f"simulated investor #{inv.index + 1} ({inv.country}, {inv.investor_class})"


def investors(chain: Chain, deal: Deal, spec: DealSpec) -> list[LocalInvestor]:
    """Every wallet the page may pick: the simulated investors, then those created in the page
    (found again from the registry)."""
    chain.require_local(WHAT)
    found = [
        LocalInvestor(i.account, _label(i), i.country, i.investor_class) for i in simulated(spec)
    ]
    created = [created_account(spec, n) for n in range(MAX_CREATED)]
    identities = chain.read_many(deal.registry, "identityOf", [[a.address] for a in created])
    codes = {number: code for code, number in COUNTRY_NUMERIC.items()}
    for n, (account, ident) in enumerate(zip(created, identities, strict=True)):
        if not ident[3]:
            break
        country = codes.get(int(ident[0]), str(int(ident[0])))
        cls = INVESTOR_CLASSES[int(ident[1])]
        found.append(
            LocalInvestor(account, f"new investor {n + 1} ({country}, {cls})", country, cls)
        )
    return found


def prepare(chain: Chain, spec: DealSpec) -> Deal:
    """Deploy ``spec`` and open its sale with part of the simulated population already in:
    every simulated investor registered, buyers up to halfway between the soft and the hard
    cap (room is left for the page's investors), and a few offers on the market."""
    chain.require_local(WHAT)
    if spec.structure is not None:
        raise TokenizerError(
            f"{spec.id}: the web app prepares single-class deals on its own chain; for a tranched "
            "deal run `rwa node --state FILE` and `rwa simulate SPEC --rpc-url URL`, then "
            "`rwa web SPEC --rpc-url URL`"
        )
    deal = deploy_deal(chain, spec)
    population = simulated(spec)
    wallets = [i.address for i in population]
    known = kyc.kyc_expiries(chain, deal, wallets)
    missing = [i for i in population if not known[i.address]]
    if missing:
        chain.fund([i.address for i in missing], GAS_ALLOWANCE_WEI, deal.roles.admin)
        expiry = chain.timestamp() + spec.compliance.kyc_valid_days * SECONDS_PER_DAY
        kyc.register_investors(chain, deal, [i.identity() for i in missing], expiry)
    state = sale.sale_state(chain, deal)
    if state.status == SALE_ACTIVE and state.raised == 0:
        target = (spec.offering.soft_cap + spec.offering.hard_cap) // 2
        plan, room = [], target
        for pay in plan_purchases(spec, population):
            take = pay if pay <= room else 0
            room -= take
            plan.append(take)
        bought = buy(chain, deal, population, plan)
        _leave_offers(chain, deal, spec, [i for i in population if i.address in bought])
    return deal


def _leave_offers(chain: Chain, deal: Deal, spec: DealSpec, sellers: Sequence[Investor]) -> None:
    """The first buyers offer a tenth of their tokens at 2 % over the sale price (they can be
    taken once the sale has succeeded and the sellers' lock-up is over)."""
    picked = list(sellers[:MARKET_OFFERS])
    if not picked:
        return
    balances = chain.read_many(deal.token, "balanceOf", [[s.address] for s in picked])
    chain.send_many(
        [
            chain.tx(s.account, deal.token, "approve", deal.market.address, MAX_UINT256)
            for s in picked
        ]
    )
    expiry = deal.deployment.schedule["sale_end"] + OFFER_DAYS * SECONDS_PER_DAY
    offers = []
    for seller, balance in zip(picked, balances, strict=True):
        amount = int(balance) // 10
        price = amount * spec.offering.price * 102 // (100 * spec.token.unit)
        if amount and price:
            offers.append(chain.tx(seller.account, deal.market, "offer", amount, price, expiry))
    chain.send_many(offers)


def create_investor(
    chain: Chain, deal: Deal, spec: DealSpec, country: str, investor_class: str, cash: int
) -> LocalInvestor:
    """A new wallet, registered by the local agent (KYC valid for the spec's days), with gas
    coin and ``cash`` of the mock stablecoin (minted: play money on a local chain)."""
    chain.require_local(WHAT)
    country = country.strip().upper()
    if country not in COUNTRY_NUMERIC:
        raise TokenizerError(f"country: {country!r} is not an ISO 3166 alpha-2 code we know")
    if investor_class not in INVESTOR_CLASSES:
        raise TokenizerError(
            f"investor_class: {investor_class!r} is not one of {', '.join(INVESTOR_CLASSES)}"
        )
    known = {i.address for i in investors(chain, deal, spec)}
    n = next((n for n in range(MAX_CREATED) if created_account(spec, n).address not in known), None)
    if n is None:
        raise TokenizerError(
            f"this chain already has the {MAX_CREATED} investors the page may create"
        )
    account = created_account(spec, n)
    chain.fund([account.address], GAS_ALLOWANCE_WEI, deal.roles.admin)
    expiry = chain.timestamp() + spec.compliance.kyc_valid_days * SECONDS_PER_DAY
    identity = Identity(
        account.address, COUNTRY_NUMERIC[country], INVESTOR_CLASSES.index(investor_class)
    )
    kyc.register_investors(chain, deal, [identity], expiry)
    if cash > 0:
        chain.send(chain.tx(deal.roles.admin, deal.stablecoin, "mint", account.address, cash))
    return LocalInvestor(
        account, f"new investor {n + 1} ({country}, {investor_class})", country, investor_class
    )


def close_sale(chain: Chain, deal: Deal) -> None:
    """Move the clock to the end of the sale window and close the sale."""
    chain.require_local(WHAT)
    if sale.sale_state(chain, deal).status != SALE_ACTIVE:
        raise TokenizerError("the sale is already closed")
    chain.advance_to(deal.deployment.schedule["sale_end"])
    sale.finalize(chain, deal)


def model_amount(spec: DealSpec, period: int) -> int:
    """What the revenue model pays holders in ``period`` on the simulation's path."""
    from tokenizer.revenue import holder_distributions

    if not 1 <= period <= spec.periods:
        return 0
    return holder_distributions(spec, period, SEED)[period - 1]


def distribute_next(chain: Chain, deal: Deal, spec: DealSpec, amount: int) -> int:
    """The servicer's next period: the clock moves to the period's date, the servicer's
    collections are minted (play money), approved and distributed with the report's hash.
    Closes the sale first if its window is still open. Returns the period id."""
    chain.require_local(WHAT)
    if amount <= 0:
        raise TokenizerError("amount: a period's revenue must be more than 0")
    if sale.sale_state(chain, deal).status == SALE_ACTIVE:
        close_sale(chain, deal)
    period = revenue.last_period(chain, deal) + 1
    chain.advance_to(period_time(deal, period))
    servicer = deal.roles.servicer.address
    chain.send(chain.tx(deal.roles.admin, deal.stablecoin, "mint", servicer, amount))
    revenue.approve_servicer(chain, deal, amount)
    revenue.distribute(chain, deal, period, amount, revenue.report_hash(spec.id, period, amount))
    return period


def set_frozen(chain: Chain, deal: Deal, wallet: str, frozen: bool) -> None:
    chain.require_local(WHAT)
    agent.set_frozen(chain, deal, [wallet], frozen)
