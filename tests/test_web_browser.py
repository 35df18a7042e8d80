"""The investor web app in a real headless Chromium (Debian's, driven by Playwright): the offering,
registering and buying, revenue arriving from the console, claiming, a refused transfer read in
plain words, a market offer taken, and the page following the chain when another client moves it.

Each page's screenshot is saved under ``<out>/screenshots/`` (``RWA_OUT_DIR`` moves it).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pytest

from tokenizer.chain import Chain, open_chain
from tokenizer.chain.node import free_port
from tokenizer.compiler import Artifacts
from tokenizer.spec import DealSpec
from tokenizer.web import local
from tokenizer.web.server import serving
from tokenizer.web.session import WebDeal
from tokenizer.workspace import Workspace

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed here (apt-get install -y chromium); CI installs it",
)
WAIT_MS = 20_000


@dataclass
class App:
    url: str
    web: WebDeal
    chain: Chain
    spec: DealSpec
    shots: Path


@pytest.fixture(scope="module")
def app(
    artifacts: Artifacts, xiaoping: DealSpec, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[App]:
    """The Xiaoping deal prepared by the web app on its own Anvil, served on a free port."""
    ws = Workspace.current()
    ws = replace(ws, deployments=tmp_path_factory.mktemp("web") / "deployments")
    shots = ws.out / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with ws.use(), open_chain(artifacts) as chain:
        deal = local.prepare(chain, xiaoping)
        web = WebDeal(chain, xiaoping, deal)
        with serving(web, free_port()) as url:
            yield App(url, web, chain, xiaoping, shots)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _amount(text: str) -> Decimal:
    """The number in a formatted amount: ``"1,234.50 USDC"`` -> 1234.50."""
    found = re.search(r"-?[\d,]+(\.\d+)?", text)
    assert found, text
    return Decimal(found.group(0).replace(",", ""))


class Page:
    """The app's page in the browser, with the steps an investor takes."""

    def __init__(self, page: object, app: App) -> None:
        self.p = page
        self.app = app

    def go(self, name: str) -> None:
        self.p.click(f"nav button[data-page={name}]")  # type: ignore[attr-defined]
        self.p.wait_for_selector(f"#page-{name}:not([hidden])", timeout=WAIT_MS)  # type: ignore[attr-defined]

    def shot(self, name: str) -> Path:
        path = self.app.shots / f"web_{name}.png"
        self.p.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    def message(self, contains: str) -> str:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        box = self.p.locator("#message")  # type: ignore[attr-defined]
        try:
            box.filter(has_text=contains).wait_for(timeout=WAIT_MS)
        except PlaywrightTimeout:
            shown = box.inner_text() if box.is_visible() else "(no message)"
            raise AssertionError(
                f"expected a message with {contains!r}, the page shows {shown!r}"
            ) from None
        return str(box.inner_text())

    def wait_text(self, selector: str, text: str) -> None:
        self.p.locator(selector, has_text=text).first.wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]

    def value(self, selector: str) -> Decimal:
        return _amount(self.p.locator(selector).inner_text())  # type: ignore[attr-defined]

    def wait_value(self, selector: str, changed_from: Decimal) -> Decimal:
        for _ in range(100):
            now = self.value(selector)
            if now != changed_from:
                return now
            self.p.wait_for_timeout(200)  # type: ignore[attr-defined]
        raise AssertionError(f"{selector} stayed at {changed_from}")


@pytest.fixture()
def page(app: App, browser: object) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(app.url)
    tab.wait_for_selector("body[data-ready='1']", timeout=WAIT_MS)
    yield Page(tab, app)
    context.close()
    assert not errors, errors


def test_an_investor_buys_receives_revenue_claims_and_trades_in_the_browser(page: Page) -> None:
    p, app = page.p, page.app
    # The offering: the deal, its open sale and the risk band.
    p.locator("#band td", has_text="%").first.wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "Xiaoping Island" in p.inner_text("#deal-name")  # type: ignore[attr-defined]
    assert "open" in p.inner_text("#sale-terms")  # type: ignore[attr-defined]
    assert "No disclosure documents" in p.inner_text("#documents")  # type: ignore[attr-defined]
    p.fill("#what-if-amount", "50000")  # type: ignore[attr-defined]
    p.click("#what-if-form button")  # type: ignore[attr-defined]
    page.wait_text("#what-if", "Chance of losing money")
    assert "50,000.00 USDC" in p.inner_text("#what-if")  # type: ignore[attr-defined]
    page.shot("offering")

    # Register a new investor (KYC by the local agent) and buy in the sale.
    page.go("investor")
    p.select_option("#create-country", "SG")  # type: ignore[attr-defined]
    p.select_option("#create-class", "professional")  # type: ignore[attr-defined]
    p.click("#create-investor")  # type: ignore[attr-defined]
    page.message("Registered new investor")
    page.wait_text("#position", "valid until")
    p.fill("#buy-amount", "5")  # type: ignore[attr-defined]
    p.click("#buy")  # type: ignore[attr-defined]
    refused = page.message("refused")
    assert "minimum ticket" in refused, refused
    p.fill("#buy-amount", "25000")  # type: ignore[attr-defined]
    p.click("#buy")  # type: ignore[attr-defined]
    page.message("Bought")
    p.wait_for_function(
        "document.querySelector('#token-balance').textContent.startsWith('25,000')", timeout=WAIT_MS
    )  # type: ignore[attr-defined]
    page.shot("investor")

    # The operator distributes a period: the page shows the claimable amount rise.
    claimable = page.value("#claimable")
    assert claimable == 0
    page.go("operator")
    p.fill("#distribute-amount", "200000")  # type: ignore[attr-defined]
    p.click("#distribute")  # type: ignore[attr-defined]
    page.message("Period 1")
    page.shot("operator")
    page.go("investor")
    claimable = page.wait_value("#claimable", Decimal(0))
    assert claimable > 0

    # Claim: the stablecoin balance rises by what was claimable.
    cash = page.value("#cash-balance")
    p.click("#claim")  # type: ignore[attr-defined]
    page.message("Claimed")
    after = page.wait_value("#cash-balance", cash)
    assert after - cash == claimable
    assert page.value("#claimable") == 0

    # A transfer inside the lock-up is refused before anything is sent, in plain words.
    seller = app.web.offers()[0]["seller"]
    p.fill("#transfer-to", seller)  # type: ignore[attr-defined]
    p.fill("#transfer-amount", "100")  # type: ignore[attr-defined]
    p.click("#transfer")  # type: ignore[attr-defined]
    refused = page.message("refused")
    assert "lock-up rule" in refused and "locked up until" in refused, refused

    # Three more periods take the clock past the sellers' lock-up; take a market offer.
    page.go("operator")
    for period in (2, 3, 4):
        p.wait_for_function(
            f"document.querySelector('#next-period').textContent === '{period}'", timeout=WAIT_MS
        )  # type: ignore[attr-defined]
        p.fill("#distribute-amount", "100000")  # type: ignore[attr-defined]
        p.click("#distribute")  # type: ignore[attr-defined]
        page.message(f"Period {period}")
    page.go("investor")
    tokens = page.value("#token-balance")
    offer = app.web.offers()[0]
    p.click(f"button.take[data-offer='{offer['id']}']")  # type: ignore[attr-defined]
    page.message(f"Took offer {offer['id']}")
    bought = page.wait_value("#token-balance", tokens) - tokens
    assert bought * 10**18 == int(offer["amount"])

    # Offer some of the tokens on the market: the offer is listed with the investor as seller.
    me = str(p.evaluate("document.querySelector('#position .mono').textContent"))  # type: ignore[attr-defined]
    p.fill("#offer-amount", "1000")  # type: ignore[attr-defined]
    p.fill("#offer-price", "1010")  # type: ignore[attr-defined]
    p.click("#offer")  # type: ignore[attr-defined]
    page.message("Offered 1,000.0000 XPDR for 1,010.00 USDC")
    page.wait_text("#offers td", me)
    mine = [o for o in app.web.offers() if o["seller"] == me]
    assert [(int(o["amount"]), o["price"]) for o in mine] == [(1000 * 10**18, 1010 * 10**6)]

    # The revenue history and the holders table.
    page.go("revenue")
    p.locator("#periods td", has_text="the servicer").first.wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert p.locator("#chart rect").count() == 4  # type: ignore[attr-defined]
    page.wait_text("#payouts td", "USDC")  # the holder's own payout (the claim above)
    page.shot("revenue")
    page.go("holders")
    p.locator("#holders td", has_text="(you)").first.wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    page.shot("holders")


def test_the_page_follows_the_chain_when_another_client_changes_it(page: Page) -> None:
    """Nothing clicked in the page: a period distributed by another client shows up on its own."""
    p, app = page.p, page.app
    holder = app.web.holders()[0]["address"]
    page.go("investor")
    p.select_option("#investor-select", holder)  # type: ignore[attr-defined]
    p.click("#use-investor")  # type: ignore[attr-defined]
    page.message("Using")
    before = page.value("#claimable")
    with app.web.lock:
        local.distribute_next(app.chain, app.web.deal, app.spec, 500_000 * 10**6)
    assert page.wait_value("#claimable", before) > before


def test_a_claim_refused_on_chain_shows_the_rules_message(page: Page) -> None:
    """The console freezes a holder; the holder's claim, sent from the page, is refused by the
    chain itself, and the page shows the freeze rule's readable message."""
    p, app = page.p, page.app
    holder = app.web.holders()[1]["address"]
    page.go("operator")
    p.fill("#freeze-wallet", holder)  # type: ignore[attr-defined]
    p.click("#freeze")  # type: ignore[attr-defined]
    page.message("is frozen")
    page.go("investor")
    p.select_option("#investor-select", holder)  # type: ignore[attr-defined]
    p.click("#use-investor")  # type: ignore[attr-defined]
    page.message("Using")
    page.wait_text("#position", "froze this wallet")
    p.click("#claim")  # type: ignore[attr-defined]
    refused = page.message("refused")
    assert "refused by the freeze rule" in refused and "revenue is held" in refused, refused


# A browser wallet for the test (what an extension such as MetaMask injects): an EIP-1193
# provider that signs with its own key and sends everything else to the app's relay.
WALLET_SCRIPT = """
window.ethereum = {
  async request({ method, params }) {
    const ethers = await import('/vendor/ethers.js');
    const provider = new ethers.JsonRpcProvider(location.origin + '/rpc', undefined,
      { batchMaxCount: 1, cacheTimeout: -1 });
    const wallet = new ethers.Wallet('%s', provider);
    if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [wallet.address];
    if (method === 'eth_sendTransaction') {
      const tx = params[0];
      const sent = await wallet.sendTransaction({ to: tx.to, data: tx.data, value: tx.value || 0 });
      return sent.hash;
    }
    return await provider.send(method, params || []);
  },
  on() {}, removeListener() {},
};
"""


def test_off_a_local_chain_the_page_buys_with_the_browsers_wallet(
    chain: Chain, artifacts: Artifacts, xiaoping: DealSpec, browser: object, tmp_path: Path
) -> None:
    """On a network that is not local the page has no console and no development keys: the
    investor connects the browser's wallet, which signs the purchase."""
    from eth_account import Account

    from tokenizer.chain.networks import Network
    from tokenizer.deploy import attach, deploy_deal
    from tokenizer.operations import kyc

    ws = replace(Workspace.current(), deployments=tmp_path / "deployments")
    with ws.use():
        deal = deploy_deal(chain, xiaoping)
    investor = Account.create()
    chain.fund([investor.address], 10**18, deal.roles.admin)
    identity = kyc.Identity(investor.address, 702, 1)  # Singapore, professional
    kyc.register_investors(chain, deal, [identity], chain.timestamp() + 365 * 86_400)
    chain.send(chain.tx(deal.roles.admin, deal.stablecoin, "mint", investor.address, 10**11))
    testnet = Network(name="testnet", chain_id=chain.chain_id, local=False)
    remote = Chain(chain.url, artifacts, [], network=testnet)
    web = WebDeal(remote, xiaoping, attach(remote, deal.deployment))
    with serving(web, free_port()) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        try:
            context.add_init_script(WALLET_SCRIPT % ("0x" + bytes(investor.key).hex()))
            tab = context.new_page()
            tab.goto(url)
            tab.wait_for_selector("body[data-ready='1']", timeout=WAIT_MS)
            assert tab.locator("#nav-operator").is_hidden()
            page = Page(tab, App(url, web, remote, xiaoping, ws.out / "screenshots"))
            page.go("investor")
            assert tab.locator("#local-picker").is_hidden()
            tab.click("#connect")
            page.wait_text("#position", investor.address)
            tab.fill("#buy-amount", "20000")
            tab.click("#buy")
            page.message("Bought 20,000.0000 XPDR")
            page.wait_text("#position", "20,000.0000 XPDR")
        finally:
            context.close()
    assert chain.call(deal.token.functions.balanceOf(investor.address)) == 20_000 * 10**18
