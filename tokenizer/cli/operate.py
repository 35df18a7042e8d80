"""The issuer's jobs on a deployed deal, on any network: ``distribute``, ``claim-for``,
``freeze``, ``recover``, and a guarantor's own ``guarantee`` (each with ``--dry-run``;
on a non-local network each asks first, or needs ``--yes``), and the read-only ``holders`` and
``position``, which need no keystore."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenizer.cli.chain import open_chain_for
from tokenizer.cli.options import chain_options, positive_int
from tokenizer.cli.output import address, confirm, print_json
from tokenizer.errors import TokenizerError

if TYPE_CHECKING:
    from tokenizer.chain import Chain, TxRequest
    from tokenizer.deploy import Deal
    from tokenizer.spec import DealSpec

if TYPE_CHECKING:
    Sub = argparse._SubParsersAction[argparse.ArgumentParser]


def _common(p: argparse.ArgumentParser, sends: bool) -> None:
    p.add_argument("spec", type=Path, help="deal spec (YAML) of a deployed deal")
    if sends:
        p.add_argument(
            "--dry-run", action="store_true", help="estimate every transaction; send nothing"
        )
        p.add_argument("--yes", action="store_true", help="on a non-local network, do not ask")
    else:
        p.add_argument("--json", action="store_true", help="print JSON")
    chain_options(p)


def add_distribute(sub: Sub) -> None:
    p = sub.add_parser("distribute", help="the servicer deposits one period's revenue")
    _common(p, sends=True)
    p.add_argument("--period", type=positive_int("--period"), required=True, help="period id")
    p.add_argument("--amount", required=True, help="revenue for holders, in the settlement unit")
    p.add_argument(
        "--report",
        type=Path,
        required=True,
        help="the period's revenue report (its hash goes on chain)",
    )
    p.add_argument(
        "--attestation",
        type=Path,
        help="a deal with disclosure: the auditor's signature of the report (`rwa attest`); "
        "the servicer signs the report too, and the report gate distributes",
    )
    p.set_defaults(handler=cmd_distribute)


def add_claim_for(sub: Sub) -> None:
    p = sub.add_parser("claim-for", help="the servicer pays holders what they are owed")
    _common(p, sends=True)
    p.add_argument("holders", nargs="+", help="holder addresses")
    p.set_defaults(handler=cmd_claim_for)


def add_freeze(sub: Sub) -> None:
    p = sub.add_parser("freeze", help="the agent freezes (or releases) whole wallets")
    _common(p, sends=True)
    p.add_argument("wallets", nargs="+", help="wallet addresses")
    p.add_argument("--release", action="store_true", help="unfreeze instead")
    p.set_defaults(handler=cmd_freeze)


def add_recover(sub: Sub) -> None:
    p = sub.add_parser("recover", help="the agent moves a lost wallet's identity and holding")
    _common(p, sends=True)
    p.add_argument("lost", help="the lost wallet")
    p.add_argument("new", help="the investor's new, verified wallet")
    p.set_defaults(handler=cmd_recover)


def add_guarantee(sub: Sub) -> None:
    p = sub.add_parser(
        "guarantee",
        help="a guarantor of a structured deal lets the waterfall draw on it (its own key)",
    )
    _common(p, sends=True)
    p.add_argument("--guarantor", required=True, help="the guarantor's name in the spec")
    p.set_defaults(handler=cmd_guarantee)


def add_holders(sub: Sub) -> None:
    p = sub.add_parser("holders", help="holders with balances and claimable revenue (read-only)")
    _common(p, sends=False)
    p.set_defaults(handler=cmd_holders)


def add_position(sub: Sub) -> None:
    p = sub.add_parser("position", help="one wallet's holding, revenue, lock-up, freeze and KYC")
    _common(p, sends=False)
    p.add_argument("address", help="the wallet")
    p.set_defaults(handler=cmd_position)


# --------------------------------------------------------------------------- sending


def _deal(chain: Chain, args: argparse.Namespace) -> tuple[DealSpec, Deal]:
    from tokenizer.deploy import recorded_deal
    from tokenizer.spec import load_spec

    spec = load_spec(args.spec)
    return spec, recorded_deal(chain, spec)


def _send(
    chain: Chain,
    args: argparse.Namespace,
    txs: list[TxRequest],
    what: str,
    estimated: int | None = None,
) -> int:
    """Estimate, show, confirm where it matters, then send ``txs`` one after another.

    Only the first ``estimated`` transactions can be estimated ahead (the later ones depend
    on them); a refusal among those is decoded and nothing is sent.
    """
    ahead = txs[: len(txs) if estimated is None else estimated]
    gas = chain.estimate(ahead) if args.dry_run or not chain.is_local else []
    if gas:
        fee = chain.fees().max_fee
        print(f"{what} on {chain.network.name}:")
        for tx, used in zip(ahead, gas, strict=True):
            print(f"  {tx.action:<40} about {used:,} gas")
        for tx in txs[len(ahead) :]:
            print(f"  {tx.action:<40} estimated when the steps before it are mined")
        print(f"  at most {sum(gas) * fee / 10**18:.6f} in fees for the estimated steps")
    if args.dry_run:
        print("Dry run: nothing was sent.")
        return 0
    if not (
        chain.is_local
        or args.yes
        or confirm(
            f"{what} on {chain.network.name} sends {len(txs)} transaction(s)",
            f"Send to {chain.network.name}?",
        )
    ):
        return 1
    for tx in txs:
        receipt = chain.send(tx)
        print(f"{tx.action}: tx {receipt.tx_hash} in block {receipt.block_number}")
    return 0


def cmd_distribute(args: argparse.Namespace) -> int:
    from eth_utils.crypto import keccak

    from tokenizer.operations import revenue
    from tokenizer.spec import parse_amount

    try:
        document = args.report.read_bytes()
    except OSError as exc:
        raise TokenizerError(f"--report {args.report}: {exc.strerror}") from None
    with open_chain_for(args) as chain:
        spec, deal = _deal(chain, args)
        try:
            amount = parse_amount(args.amount, spec.settlement.decimals, spec.settlement.symbol)
        except ValueError as exc:
            raise TokenizerError(f"--amount: {exc}") from None
        last = revenue.last_period(chain, deal)
        if args.period != last + 1:
            raise TokenizerError(
                f"--period {args.period}: the token's last period is {last}, so the next one is "
                f"{last + 1} (periods go in order, without gaps or repeats)"
            )
        if deal.gate is not None:
            from tokenizer.disclosure.attested import attested_deposit_tx

            deposit = attested_deposit_tx(chain, deal, args.report, args.attestation, amount)
        else:
            deposit = revenue.distribute_tx(chain, deal, args.period, amount, keccak(document))
        approval = revenue.approval_tx(chain, deal, amount)
        what = f"distribute period {args.period}"
        if approval is None:
            return _send(chain, args, [deposit], what)
        # The deposit can be estimated only once the token may pull the servicer's money.
        return _send(chain, args, [approval, deposit], what, estimated=1)


def cmd_claim_for(args: argparse.Namespace) -> int:
    from tokenizer.operations import revenue

    holders = [address(h, "HOLDER") for h in args.holders]
    with open_chain_for(args) as chain:
        _, deal = _deal(chain, args)
        return _send(chain, args, revenue.claim_for_txs(chain, deal, holders), "claim for holders")


def cmd_freeze(args: argparse.Namespace) -> int:
    from tokenizer.operations import agent

    wallets = [address(w, "WALLET") for w in args.wallets]
    with open_chain_for(args) as chain:
        _, deal = _deal(chain, args)
        tx = agent.freeze_tx(deal, chain, wallets, not args.release)
        return _send(chain, args, [tx], "release wallets" if args.release else "freeze wallets")


def cmd_recover(args: argparse.Namespace) -> int:
    from tokenizer.operations import agent

    lost, new = address(args.lost, "LOST"), address(args.new, "NEW")
    with open_chain_for(args) as chain:
        _, deal = _deal(chain, args)
        # The token's step can be estimated only once the registry has moved the identity.
        return _send(chain, args, agent.recovery_txs(deal, chain, lost, new), "recover", 1)


def cmd_guarantee(args: argparse.Namespace) -> int:
    from tokenizer.operations import guarantee

    with open_chain_for(args) as chain:
        spec, deal = _deal(chain, args)
        guarantee.facility_index(spec, args.guarantor)  # a wrong name: one line, before keys
        tx = guarantee.approval_tx(chain, deal, spec, args.guarantor, chain.accounts[0])
        return _send(chain, args, [tx], f"guarantor {args.guarantor} approves the waterfall")


# --------------------------------------------------------------------------- reading


def cmd_holders(args: argparse.Namespace) -> int:
    from tokenizer.operations.positions import holder_table
    from tokenizer.reports.format import fmt_units

    with open_chain_for(args, read_only=True) as chain:
        spec, deal = _deal(chain, args)
        rows = holder_table(chain, deal)
    if args.json:
        print_json([vars(r) for r in rows])
        return 0
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    print(f"{len(rows)} holders of {spec.token.symbol}:")
    for r in rows:
        tokens = fmt_units(r.balance, spec.token.decimals, spec.token.symbol, 4)
        owed = fmt_units(r.claimable, dec, sym)
        print(f"  {r.address}  {tokens:>28}  claimable {owed:>20}{'  frozen' if r.frozen else ''}")
    return 0


def cmd_position(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from tokenizer.operations.positions import position
    from tokenizer.reports.format import fmt_units

    wallet = address(args.address, "ADDRESS")
    with open_chain_for(args, read_only=True) as chain:
        spec, deal = _deal(chain, args)
        p = position(chain, deal, wallet)
    if args.json:
        print_json(vars(p))
        return 0

    def when(t: int) -> str:
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d") if t else "none"

    facts: list[tuple[str, Any]] = [
        ("balance", fmt_units(p.balance, spec.token.decimals, spec.token.symbol, 4)),
        ("claimable", fmt_units(p.claimable, spec.settlement.decimals, spec.settlement.symbol)),
        ("lock-up ends", when(p.lockup_end)),
        ("wallet frozen", "yes" if p.wallet_frozen else "no"),
        ("frozen tokens", fmt_units(p.frozen_tokens, spec.token.decimals, spec.token.symbol, 4)),
        ("KYC", f"valid until {when(p.kyc_expiry)}" if p.registered else "not registered"),
    ]
    print(f"{wallet} in {spec.name}:")
    for name, value in facts:
        print(f"  {name:<14} {value}")
    return 0
