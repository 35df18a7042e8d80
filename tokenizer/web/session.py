"""The deal the web app serves, and what its pages ask of it: views read from the chain and the
spec, checks run on the chain before the page sends anything, and the local console.

Every figure comes from the product's own modules (operations, compliance, risk); this module
only gathers them into JSON-ready dictionaries. Money stays in integer smallest units; the page
formats it. One lock serialises the server's own use of the chain.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from eth_utils.address import is_address, to_checksum_address

from tokenizer.chain import Chain, Contract
from tokenizer.compliance.check import check_transfer
from tokenizer.compliance.refusals import REFUSALS
from tokenizer.deploy import Deal
from tokenizer.errors import TokenizerError, TransactionReverted
from tokenizer.operations import revenue, sale
from tokenizer.operations.positions import holder_table, position
from tokenizer.spec import DealSpec
from tokenizer.units import SALE_ACTIVE, ZERO_ADDRESS
from tokenizer.web import local

T = TypeVar("T")
WHAT_IF_PATHS = 1_000  # paths of the page's "if I put in X" (the CLI's `rwa invest` runs more)
# A refusal the buy check may meet only because the approval is not given yet: every rule of
# the sale was checked before the offering pulls the payment.
_PAYMENT_STEP = {"ERC20InsufficientAllowance"}
CONTRACTS = ("token", "offering", "market", "stablecoin", "registry")


def refusal_view(name: str | None, text: str) -> dict[str, Any]:
    """A refusal as the page shows it: the rule, the error and the readable line."""
    kind = REFUSALS.get(name or "")
    rule = kind.rule if kind else None
    message = f"refused by the {rule} rule: {text}" if rule else f"refused: {text}"
    return {"allowed": False, "rule": rule, "error": name, "message": message}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def _assumptions(spec: DealSpec) -> list[dict[str, Any]]:
    """The asset's key assumptions: each revenue stream's own figures, then the deal's."""
    rows: list[dict[str, Any]] = []
    for stream in spec.revenue.streams:
        figures = {
            f.name: _plain(getattr(stream, f.name))
            for f in dataclasses.fields(stream)
            if f.name not in ("name", "shocks", "seasonality")
        }
        rows.append({"stream": stream.name, "kind": stream.kind, "figures": figures})
    return rows


def documents(spec: DealSpec) -> list[dict[str, Any]]:
    """The deal's disclosure documents with their hashes, where the spec names any (empty until
    the spec or the chain records them); the Offering page lists whatever this returns."""
    out = []
    for doc in getattr(spec, "documents", None) or ():
        out.append(
            {
                "name": str(getattr(doc, "name", getattr(doc, "title", ""))),
                "uri": str(getattr(doc, "uri", getattr(doc, "path", "")) or ""),
                "hash": _plain(getattr(doc, "hash", getattr(doc, "sha256", ""))),
            }
        )
    return out


@dataclass
class WebDeal:
    """One recorded deal on one chain, as the web app serves it."""

    chain: Chain
    spec: DealSpec
    deal: Deal
    lock: threading.RLock = field(default_factory=threading.RLock)
    _band: list[dict[str, Any]] | None = None

    @property
    def local(self) -> bool:
        return self.chain.is_local

    def locked(self, job: Callable[[], T]) -> T:
        with self.lock:
            return job()

    # ------------------------------------------------------------------ what the page loads

    def config(self) -> dict[str, Any]:
        """Addresses, ABIs and units: what the page needs to talk to the contracts itself."""
        spec = self.spec
        contracts = {
            key: {"address": c.address, "abi": self.chain.artifacts.get(c.name).abi}
            for key, c in self._contracts().items()
        }
        return {
            "deal": spec.id,
            "name": spec.name,
            "chain_id": self.chain.chain_id,
            "network": self.chain.network.name,
            "local": self.local,
            "contracts": contracts,
            "token": {"symbol": spec.token.symbol, "decimals": spec.token.decimals},
            "money": {"symbol": spec.settlement.symbol, "decimals": spec.settlement.decimals},
            "price": spec.offering.price,
        }

    def _contracts(self) -> dict[str, Contract]:
        d = self.deal
        return {
            "token": d.token,
            "offering": d.offering,
            "market": d.market,
            "stablecoin": d.stablecoin,
            "registry": d.registry,
        }

    def offering(self) -> dict[str, Any]:
        spec, deal, chain = self.spec, self.deal, self.chain
        state = sale.sale_state(chain, deal)
        sched = deal.deployment.schedule
        o = spec.offering
        tranches = []
        if spec.structure is not None:
            tranches = [
                {
                    "name": t.name,
                    "symbol": t.symbol,
                    "size": t.size,
                    "coupon_bps": t.coupon_bps,
                    "amortisation": t.amortisation or "residual",
                    "min_investor_class": t.min_investor_class,
                }
                for t in spec.structure.tranches
            ]
        return {
            "name": spec.name,
            "summary": " ".join(spec.summary.split()),
            "sources": list(spec.sources),
            "documents": documents(spec),
            "assumptions": _assumptions(spec),
            "deal_terms": {
                "revenue_share_bps": spec.token.revenue_share_bps,
                "term_years": spec.token.term_years,
                "periods_per_year": spec.revenue.periods_per_year,
                "net_margin_bps": spec.revenue.net_margin_bps,
                "pledged": spec.revenue.pledged,
                "revenue_currency": spec.revenue.currency,
                "fx_per_unit": str(spec.settlement.fx_per_unit),
                "lockup_days": spec.compliance.lockup_days,
                "allowed_countries": list(spec.compliance.allowed_countries),
                "blocked_countries": list(spec.compliance.blocked_countries),
            },
            "price": o.price,
            "soft_cap": o.soft_cap,
            "hard_cap": o.hard_cap,
            "min_purchase": o.min_purchase,
            "max_purchase": o.max_purchase,
            "sale_start": sched["sale_start"],
            "sale_end": sched["sale_end"],
            "maturity": sched["maturity"],
            "now": chain.timestamp(),
            "status": state.status_name,
            "open": state.status == SALE_ACTIVE
            and sched["sale_start"] <= chain.timestamp() < sched["sale_end"],
            "raised": state.raised,
            "buyers": state.buyers,
            "tranches": tranches,
            "periods_distributed": revenue.last_period(chain, deal),
            "periods": spec.periods,
        }

    def band(self) -> list[dict[str, Any]]:
        """The risk band of each class (the demo's Monte Carlo; computed once)."""
        if self._band is None:
            from tokenizer.risk.band import band

            self._band = [c.as_dict() for c in band(self.spec)]
        return self._band

    def what_if(self, amount: int) -> dict[str, Any]:
        """``rwa invest``'s what-if for ``amount`` (settlement smallest units)."""
        from tokenizer.risk.invest import invest

        result = invest(self.spec, amount, paths=WHAT_IF_PATHS)
        return {**result.as_dict(), "lines": result.lines()}

    def wallet(self, address: str) -> dict[str, Any]:
        chain, deal = self.chain, self.deal
        wallet = checked(address)
        p = position(chain, deal, wallet)
        claimed = deal.token.events.RevenueClaimed
        start = int(deal.deployment.contracts[deal.token_key]["block"])
        logs = chain.logs(deal.token.address, start, topics=[claimed.topic, _topic_address(wallet)])
        payouts = [
            {
                "block": int(log["blockNumber"], 16),
                "amount": int(claimed.decode(log)["amount"]),
                "tx": log["transactionHash"],
            }
            for log in logs
        ]
        return {
            **dataclasses.asdict(p),
            "cash": int(chain.call(deal.stablecoin.functions.balanceOf(wallet))),
            "gas_coin": chain.balance(wallet),
            "paid_in_sale": int(chain.call(deal.offering.functions.paidOf(wallet))),
            "payouts": payouts,
            "now": chain.timestamp(),
        }

    def holders(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(r) for r in holder_table(self.chain, self.deal)]

    def revenue(self) -> dict[str, Any]:
        """Every period distributed: amount, the report's hash, who paid it in and when."""
        chain, deal = self.chain, self.deal
        event = deal.token.events.RevenueDistributed
        start = int(deal.deployment.contracts[deal.token_key]["block"])
        logs = chain.logs(deal.token.address, start, topics=[event.topic])
        senders = chain.transactions_from([log["transactionHash"] for log in logs])
        rows = []
        for log, sender in zip(logs, senders, strict=True):
            f = event.decode(log)
            rows.append(
                {
                    "period": int(f["periodId"]),
                    "amount": int(f["amount"]),
                    "report_hash": _plain(f["reportHash"]),
                    "paid_in_by": sender,
                    "servicer": sender.lower() == self._servicer().lower(),
                    "tx": log["transactionHash"],
                }
            )
        return {"periods": rows, "servicer": self._servicer()}

    def _servicer(self) -> str:
        return (
            str(self.deal.deployment.roles.get("servicer", ""))
            if self.deal.deployment.roles
            else ""
        )

    def offers(self) -> list[dict[str, Any]]:
        """The market's offers that can be taken now."""
        chain, market = self.chain, self.deal.market
        count = int(chain.call(market.functions.offerCount()))
        ids = list(range(1, count + 1))
        live = chain.read_many(market, "isLive", [[i] for i in ids])
        open_ids = [i for i, ok in zip(ids, live, strict=True) if ok]
        offers = chain.read_many(market, "offerOf", [[i] for i in open_ids])
        return [
            {"id": i, "seller": o[0], "expiry": int(o[2]), "amount": int(o[4]), "price": int(o[5])}
            for i, o in zip(open_ids, offers, strict=True)
        ]

    # ------------------------------------------------------------------ checks before sending

    def check_buy(self, buyer: str, payment: int) -> dict[str, Any]:
        """The sale's rules and the token's compliance for ``buyer`` paying ``payment``, asked
        of the chain before the page sends anything."""
        chain, deal, spec = self.chain, self.deal, self.spec
        wallet = checked(buyer)
        if payment <= 0:
            raise TokenizerError("amount: a purchase must be more than 0")
        refused = chain.refusal(wallet, deal.offering, "buy", payment)
        if refused is not None and refused.error_name not in _PAYMENT_STEP:
            return refusal_view(refused.error_name, refused.reason)
        cash = int(chain.call(deal.stablecoin.functions.balanceOf(wallet)))
        if cash < payment:
            symbol = spec.settlement.symbol
            return refusal_view(
                "ERC20InsufficientBalance",
                f"the wallet holds {cash:,} and the purchase needs {payment:,} smallest units "
                f"of {symbol}",
            )
        tokens = payment * spec.token.unit // spec.offering.price
        verdict = check_transfer(chain, deal.token, ZERO_ADDRESS, wallet, tokens)
        if not verdict.allowed:
            return {**verdict.as_dict(), "allowed": False}
        return {
            "allowed": True,
            "message": "allowed: every rule of the sale passes",
            "tokens": tokens,
        }

    def check_transfer(self, sender: str, receiver: str, amount: int) -> dict[str, Any]:
        verdict = check_transfer(
            self.chain, self.deal.token, checked(sender), checked(receiver), amount
        )
        return verdict.as_dict()

    def check_take(self, offer_id: int, buyer: str) -> dict[str, Any]:
        chain, market = self.chain, self.deal.market
        wallet = checked(buyer)
        try:
            allowed, _selector, reason = chain.call(
                market.functions.checkTake(offer_id, wallet), "checkTake"
            )
        except TransactionReverted as refused:
            return refusal_view(refused.error_name, refused.reason)
        if allowed:
            offer = chain.call(market.functions.offerOf(offer_id))
            cash = int(chain.call(self.deal.stablecoin.functions.balanceOf(wallet)))
            if cash < int(offer[5]):
                return refusal_view(
                    "ERC20InsufficientBalance",
                    f"the wallet holds {cash:,} and the offer costs {int(offer[5]):,} smallest "
                    "units",
                )
            return {"allowed": True, "message": "allowed: every rule passes"}
        name, text = chain.decoder.decode(bytes(reason))
        return refusal_view(name, text)

    def explain(self, data: str | None) -> dict[str, Any]:
        """A refusal the page met (revert data of a call or transaction) in readable words."""
        name, text = self.chain.decoder.decode(data)
        return refusal_view(name, text)

    # ------------------------------------------------------------------ local console

    def investors(self) -> list[dict[str, Any]]:
        listed = local.investors(self.chain, self.deal, self.spec)
        return [
            {
                "address": i.address,
                "label": i.label,
                "country": i.country,
                "class": i.investor_class,
            }
            for i in listed
        ]

    def dev_key(self, address: str) -> str:
        """The development key of a local investor's wallet (never of a role, never off a
        local chain)."""
        self.chain.require_local(local.WHAT)
        wallet = checked(address)
        for inv in local.investors(self.chain, self.deal, self.spec):
            if inv.address == wallet:
                return "0x" + bytes(inv.account.key).hex()
        raise TokenizerError(f"address: {wallet} is not one of the web app's local investors")


def checked(address: str) -> str:
    if not isinstance(address, str) or not is_address(address):
        raise TokenizerError(f"address: {address!r} is not an address (0x and 40 hex digits)")
    return to_checksum_address(address)


def _topic_address(address: str) -> str:
    return "0x" + "00" * 12 + address.lower().removeprefix("0x")
