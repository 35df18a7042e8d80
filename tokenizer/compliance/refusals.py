"""The one table of readable refusals: every custom error a user may meet, in plain words.

Each entry names the rule or the area that refuses (``"lock-up"``, ``"sale"``...), a hint that
says what the error means and what to do, and optionally a detail drawn from the error's
arguments. The chain's error decoder (:mod:`tokenizer.chain.abi`) and the transfer check
(:mod:`tokenizer.compliance.check`) both read it, so a refused transaction and a refused check
read the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tokenizer.compliance.rules import RULE_NAMES
from tokenizer.spec import COUNTRY_NUMERIC, INVESTOR_CLASSES

NUMERIC_COUNTRY = {number: code for code, number in COUNTRY_NUMERIC.items()}


@dataclass(frozen=True)
class RefusalKind:
    """A custom error: the rule or area it belongs to and what it means."""

    rule: str
    hint: str
    detail: Callable[[dict[str, Any]], str] | None = None


def _when(value: Any) -> str:
    return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%d %H:%M UTC")


def _tokens(value: Any) -> str:
    whole, frac = divmod(int(value), 10**18)
    text = f"{whole:,}" + (f".{frac:018d}".rstrip("0") if frac else "")
    return f"{text} tokens"


def _country(value: Any) -> str:
    code = NUMERIC_COUNTRY.get(int(value))
    return f"{code} ({int(value)})" if code else str(int(value))


def _class(value: Any) -> str:
    n = int(value)
    return INVESTOR_CLASSES[n] if 0 <= n < len(INVESTOR_CLASSES) else str(n)


#: Error name -> the rule that refuses with it and a plain-language hint. Transfer refusals
#: first, then the refusals of the admin's and agents' compliance calls.
REFUSALS: dict[str, RefusalKind] = {
    "EnforcedPause": RefusalKind("pause", "the token is paused"),
    "TermMatured": RefusalKind(
        "maturity",
        "the revenue term has ended; transfers are closed, claims still work",
        lambda a: f"matured at {_when(a['maturity'])}",
    ),
    "ERC20InsufficientBalance": RefusalKind(
        "balance",
        "the sender's balance is too small",
        # The same error for the deal's token and the stablecoin: smallest units, not tokens.
        lambda a: f"holds {int(a['balance']):,}, needs {int(a['needed']):,} smallest units",
    ),
    "TransfersHeld": RefusalKind(
        "sale",
        "tokens bought in the primary sale stay in the buyer's wallet until the sale succeeds "
        "(a refund belongs to the wallet that paid)",
    ),
    "ERC20InvalidReceiver": RefusalKind("receiver", "the receiver is the zero address"),
    "ReceiverNotVerified": RefusalKind(
        "identity",
        "the receiver is not a verified investor (register the wallet in the IdentityRegistry, "
        "or renew its KYC)",
    ),
    "WalletFrozen": RefusalKind(
        "freeze",
        "the wallet is frozen by the issuer's agent: it can neither send nor receive tokens",
    ),
    "InsufficientUnfrozenBalance": RefusalKind(
        "freeze",
        "part of the sender's tokens are frozen by the issuer's agent; only the unfrozen part "
        "can move",
        lambda a: f"{_tokens(a['unfrozen'])} unfrozen, {_tokens(a['needed'])} needed",
    ),
    "TokensLockedUp": RefusalKind(
        "lock-up",
        "the sender's tokens are still in the lock-up that follows a primary purchase",
        lambda a: f"locked up until {_when(a['lockupEnd'])}",
    ),
    "CountryBlocked": RefusalKind(
        "countries",
        "investors from the receiver's country are blocked for this token",
        lambda a: f"country {_country(a['country'])}",
    ),
    "CountryNotAllowed": RefusalKind(
        "countries",
        "the receiver's country is not one this token is offered in",
        lambda a: f"country {_country(a['country'])}",
    ),
    "InvestorClassTooLow": RefusalKind(
        "investor class",
        "the receiver's investor class is below the minimum for its country (US investors must "
        "be accredited or institutional)",
        lambda a: (
            f"{_class(a['investorClass'])} investor from {_country(a['country'])}, "
            f"minimum {_class(a['minimumClass'])}"
        ),
    ),
    "MaxHoldersReached": RefusalKind(
        "max holders",
        "the token already has the maximum number of holders; a new holder cannot join",
        lambda a: f"maximum {int(a['maxHolders']):,} holders",
    ),
    "MaxBalanceExceeded": RefusalKind(
        "max balance",
        "the receiver would hold more than the maximum balance per investor",
        lambda a: f"would hold {_tokens(a['balanceAfter'])}, maximum {_tokens(a['maxBalance'])}",
    ),
    "FreezeExceedsBalance": RefusalKind("freeze", "cannot freeze more tokens than the holder has"),
    "UnfreezeExceedsFrozen": RefusalKind("freeze", "cannot unfreeze more tokens than are frozen"),
    "UnknownComplianceRule": RefusalKind(
        "rules", f"no compliance module has this rule id (ids: {RULE_NAMES})"
    ),
    "InvalidMinimumClass": RefusalKind(
        "investor class", "the minimum investor class must be 0..3 (retail..institutional)"
    ),
    "InvalidRecoveryWallet": RefusalKind(
        "recovery", "the new wallet of a recovery must differ from the lost one"
    ),
    # The sale, the revenue, the roles: refusals a user meets outside the transfer rules.
    "BuyerNotVerified": RefusalKind(
        "sale", "the buyer is not a verified investor (register the wallet first)"
    ),
    "SaleNotOpen": RefusalKind("sale", "the primary sale is not open"),
    "HardCapExceeded": RefusalKind("sale", "the purchase would take the sale over its hard cap"),
    "BelowMinimumPurchase": RefusalKind("sale", "the purchase is below the minimum ticket"),
    "AboveMaximumPurchase": RefusalKind(
        "sale", "the purchase would exceed the per-investor maximum"
    ),
    "PaymentTooSmall": RefusalKind("sale", "the payment buys no token base unit at the sale price"),
    "SaleStillOpen": RefusalKind(
        "sale", "the sale can be closed only after its window ends or once the hard cap is reached"
    ),
    "AlreadyFinalized": RefusalKind("sale", "the sale is already closed"),
    "NothingToRefund": RefusalKind("sale", "this wallet paid nothing that could be refunded"),
    "RefundHeld": RefusalKind(
        "freeze",
        "the buyer's wallet or tokens are frozen: the issuer's admin settles this refund",
    ),
    "RevenueHeld": RefusalKind(
        "freeze",
        "the wallet is frozen by the issuer's agent: its revenue is held, not paid, until the "
        "wallet is released or recovered",
    ),
    "SelfTrade": RefusalKind("market", "a seller cannot take its own offer"),
    "NotSeller": RefusalKind("market", "only the seller may withdraw an offer"),
    "InvalidOffer": RefusalKind("market", "an offer needs some tokens and a price above 0"),
    "SupplyCapExceeded": RefusalKind(
        "supply", "the purchase would mint more tokens than the token's supply cap"
    ),
    "RefundsNotAvailable": RefusalKind(
        "sale", "refunds open only when a sale ends below its soft cap"
    ),
    "PeriodOutOfSequence": RefusalKind(
        "revenue", "revenue periods must be distributed in order, without gaps or repeats"
    ),
    "PeriodAfterTerm": RefusalKind(
        "revenue",
        "the term's final period has been distributed; no period comes after it",
        lambda a: f"final period {int(a['finalPeriod'])}, given {int(a['given'])}",
    ),
    "TermNotEnded": RefusalKind(
        "revenue", "the rounding dust is swept only after the final period is distributed"
    ),
    "NoDust": RefusalKind("revenue", "no whole unit of rounding dust has been released yet"),
    "NoHolders": RefusalKind("revenue", "there are no token holders to distribute to yet"),
    "NothingToClaim": RefusalKind("revenue", "there is no revenue to claim for this holder"),
    "OfferNotDeliverable": RefusalKind(
        "market",
        "the seller must hold the tokens offered and approve the market for them first",
    ),
    "OfferExpired": RefusalKind(
        "market", "the offer has expired", lambda a: f"at {_when(a['expiry'])}"
    ),
    "InvalidExpiry": RefusalKind("market", "an offer's expiry must be in the future"),
    "OfferNotOpen": RefusalKind(
        "market", "the offer was taken or withdrawn (alone or by the seller's cancel-all)"
    ),
    "SettlementShortfall": RefusalKind(
        "revenue",
        "the settlement token delivered less than was sent (a fee on transfer): such a token "
        "cannot settle this deal",
    ),
    "PaymentShortfall": RefusalKind(
        "sale",
        "the payment token delivered less than was sent (a fee on transfer): such a token "
        "cannot pay for this sale",
    ),
    "AccessControlUnauthorizedAccount": RefusalKind(
        "roles", "the sender does not hold the role this action needs"
    ),
    "AccessControlEnforcedDefaultAdminRules": RefusalKind(
        "roles",
        "the admin role moves only in two steps: beginDefaultAdminTransfer, then the new admin "
        "accepts after the delay",
    ),
    "AccessControlEnforcedDefaultAdminDelay": RefusalKind(
        "roles",
        "the admin handover's delay has not passed yet",
        lambda a: (
            f"possible from {_when(a['schedule'])}" if int(a["schedule"]) else "none scheduled"
        ),
    ),
    "AccessControlInvalidDefaultAdmin": RefusalKind(
        "roles", "only the pending admin can accept the admin role"
    ),
    "ERC20InsufficientAllowance": RefusalKind(
        "allowance", "the allowance is too small (approve first)"
    ),
    # The waterfall of a structured deal.
    "WaterfallPeriodOutOfSequence": RefusalKind(
        "waterfall",
        "waterfall periods must be deposited in order, without gaps or repeats",
        lambda a: f"expected period {int(a['expected'])}, got {int(a['given'])}",
    ),
    "WaterfallTermEnded": RefusalKind(
        "waterfall",
        "every period of the term has been paid",
        lambda a: f"{int(a['periods'])} periods",
    ),
    "WaterfallTermsLocked": RefusalKind(
        "waterfall",
        "the waterfall's terms can change only before its first period",
        lambda a: f"period {int(a['period'])} already paid",
    ),
    "InvalidWaterfallTerm": RefusalKind(
        "waterfall",
        "a term of the waterfall is out of range",
        lambda a: (
            f"{bytes(a['what']).rstrip(bytes(1)).decode(errors='replace')} = {int(a['value'])}"
        ),
    ),
}


def describe(name: str, args: dict[str, Any]) -> str | None:
    """The plain meaning of error ``name`` with its values, or None if the table lacks it."""
    kind = REFUSALS.get(name)
    if kind is None:
        return None
    if kind.detail is None:
        return kind.hint
    try:
        return f"{kind.hint} ({kind.detail(args)})"
    except (KeyError, TypeError, ValueError):  # arguments other than the table expects
        return kind.hint
