"""``rwa export``: the documented layout, and that each file serves the tool it is for (the ABIs
are the compiled ones, the address book the recorded contracts that are on the node, the
verification input rebuilds the deployed bytecode, cast's cache names the errors)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_utils.crypto import keccak

from tests.conftest import ROOT, SEED
from tokenizer.chain import AnvilNode, Chain
from tokenizer.cli import main
from tokenizer.compiler import Artifacts
from tokenizer.export.cast import merge_into_cache
from tokenizer.export.layout import GENERATED

DEAL = "xiaoping_island"
KEYS = {"stablecoin", "registry", "token", "offering", "market"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A deal deployed on its own Anvil and exported from it: the folder, node and record."""
    base = tmp_path_factory.mktemp("export")
    env = pytest.MonkeyPatch()
    env.setenv("RWA_DEPLOYMENTS_DIR", str(base / "deployments"))
    env.setenv("RWA_OUT_DIR", str(base / "out"))
    try:
        with AnvilNode() as node:
            assert main(["deploy", str(SEED), "--rpc-url", node.url]) == 0
            out = base / "exported"
            assert main(["export", "--rpc-url", node.url, "--out", str(out)]) == 0
            record = json.loads((base / "deployments" / "31337" / f"{DEAL}.json").read_text())
            yield {"out": out, "node": node, "record": record, "base": base}
    finally:
        env.undo()


def test_export_writes_the_layout_its_readme_documents(exported: dict[str, Any]) -> None:
    out: Path = exported["out"]
    assert sorted(p.name for p in out.iterdir()) == sorted(GENERATED)
    readme = (out / "README.md").read_text()
    for documented in re.findall(r"^\* `([^`<]+)", readme, flags=re.M):
        assert (out / documented.rstrip("/")).exists() or documented.endswith("/"), documented
    for name in ("addresses/31337.json", "ts/index.ts", "ts/addresses.ts", "cast/signatures"):
        assert (out / name).is_file(), name
        assert f"`{name.split('/')[0]}/" in readme, name
    for key in KEYS:
        folder = out / "verify" / "31337" / DEAL / key
        for name in ("standard-input.json", "metadata.json", "constructor-args.txt"):
            assert (folder / name).is_file(), (key, name)
        for name in ("etherscan.json", "sourcify.json"):
            assert (folder / name).is_file(), (key, name)


def test_abi_files_are_the_compiled_abis_and_test_mocks_stay_out_unless_deployed(
    exported: dict[str, Any], artifacts: Artifacts
) -> None:
    abi = exported["out"] / "abi"
    names = {p.stem for p in abi.glob("*.json")}
    for name, art in artifacts.contracts.items():
        if art.source.startswith("contracts/mocks/") and name != "MockStablecoin":
            assert name not in names, name  # hostile test contracts are not an interface
        else:
            assert json.loads((abi / f"{name}.json").read_text()) == art.abi, name
    assert set(artifacts.interfaces) <= names
    assert "IIdentityRegistry" in names


def test_address_book_holds_every_recorded_contract_with_code_on_the_node(
    exported: dict[str, Any], artifacts: Artifacts
) -> None:
    book = json.loads((exported["out"] / "addresses" / "31337.json").read_text())
    assert book["chainId"] == 31337
    deal = book["deals"][DEAL]
    assert set(deal["contracts"]) == KEYS
    chain = Chain(exported["node"].url, artifacts, [])
    for key, entry in deal["contracts"].items():
        recorded = exported["record"]["contracts"][key]
        assert entry["address"] == recorded["address"]
        assert entry["contract"] == recorded["name"]
        assert chain.code_at(entry["address"]), key
    assert deal["roles"] == exported["record"]["roles"]


def _ts_literal(path: Path, name: str) -> Any:
    text = path.read_text()
    match = re.search(rf"export const {name} = (.*) as const;\n\Z", text, flags=re.S)
    assert match, path
    return json.loads(match.group(1))


def test_typescript_modules_are_as_const_literals_of_the_abis_and_addresses(
    exported: dict[str, Any], artifacts: Artifacts
) -> None:
    ts = exported["out"] / "ts"
    token = _ts_literal(ts / "RevenueShareToken.ts", "RevenueShareTokenAbi")
    assert token == artifacts.get("RevenueShareToken").abi
    addresses = _ts_literal(ts / "addresses.ts", "addresses")
    book = json.loads((exported["out"] / "addresses" / "31337.json").read_text())
    assert addresses == {"31337": book}
    index = (ts / "index.ts").read_text()
    assert 'export { RevenueShareTokenAbi } from "./RevenueShareToken.js";' in index
    assert 'export { addresses } from "./addresses.js";' in index


def test_python_module_gives_web3_a_contract_that_reads_the_deal(
    exported: dict[str, Any], artifacts: Artifacts
) -> None:
    spec = importlib.util.spec_from_file_location(
        "rwa_contracts", exported["out"] / "python" / "rwa_contracts.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.ABIS["RevenueShareToken"] == artifacts.get("RevenueShareToken").abi
    handle = module.contract("31337", DEAL, "token")
    assert handle["address"] == exported["record"]["contracts"]["token"]["address"]
    with pytest.raises(KeyError, match="no vault of xiaoping_island on 31337"):
        module.contract("31337", DEAL, "vault")
    web3 = pytest.importorskip("web3")  # web3.py users' side (installed with the dev tools)
    w3 = web3.Web3(web3.Web3.HTTPProvider(exported["node"].url))
    token = w3.eth.contract(**handle)
    assert token.functions.symbol().call() == "XPDR"


def test_cast_signatures_name_every_custom_error_by_its_selector(
    exported: dict[str, Any], artifacts: Artifacts
) -> None:
    table = json.loads((exported["out"] / "cast" / "signatures").read_text())
    assert set(table) == {"functions", "errors", "events"}
    errors = {
        f"{i['name']}({','.join(p['type'] for p in i['inputs'])})"
        for a in artifacts.contracts.values()
        if not a.source.startswith("contracts/mocks/")
        for i in a.abi
        if i["type"] == "error" and "tuple" not in str(i)
    }
    assert "ReceiverNotVerified(address)" in errors  # cast showed it as 0x69d5fea9
    for signature in errors:
        selector = "0x" + keccak(text=signature)[:4].hex()
        assert table["errors"][selector] == signature
    transfer = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
    assert table["events"][transfer] == (
        "event Transfer(address indexed from, address indexed to, uint256 value)"
    )
    lines = (exported["out"] / "cast" / "errors.txt").read_text().splitlines()
    assert len(lines) == len(table["errors"])


def test_cast_cache_merge_adds_the_signatures_and_keeps_what_the_cache_held(
    tmp_path: Path,
) -> None:
    cache = tmp_path / ".foundry" / "cache" / "signatures"
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps({"functions": {"0x12345678": "other()"}, "errors": {}}))
    table = {"functions": {}, "errors": {"0x69d5fea9": "X(address)"}, "events": {}}
    assert merge_into_cache(table, cache) == 1
    merged = json.loads(cache.read_text())
    assert merged["functions"] == {"0x12345678": "other()"}
    assert merged["errors"] == {"0x69d5fea9": "X(address)"}
    assert merge_into_cache(table, cache) == 0  # nothing new the second time


def test_verification_files_rebuild_the_bytecode_and_constructor_arguments_deployed(
    exported: dict[str, Any], artifacts: Artifacts
) -> None:
    chain = Chain(exported["node"].url, artifacts, [])
    verify = exported["out"] / "verify" / "31337" / DEAL
    for key in KEYS:
        entry = exported["record"]["contracts"][key]
        art = artifacts.get(entry["name"])
        sent = chain.rpc.call("eth_getTransactionByHash", [entry["tx"]])["input"]
        args = (verify / key / "constructor-args.txt").read_text().strip()
        assert sent == art.bytecode + args, key  # what the explorer must find after the code
        etherscan = json.loads((verify / key / "etherscan.json").read_text())
        assert etherscan["constructorArguements"] == args
        assert etherscan["contractaddress"] == entry["address"]
        assert etherscan["compilerversion"].startswith("v0.8.30+commit.")
        assert etherscan["contractname"] == f"{art.source}:{art.name}"
        metadata = json.loads((verify / key / "metadata.json").read_text())
        for name, source in metadata["sources"].items():  # what Sourcify checks: the hashes
            assert "0x" + keccak((ROOT / name).read_bytes()).hex() == source["keccak256"], name
    # The market's standard input compiled anew, from a folder with nothing else in it.
    std = verify / "market" / "standard-input.json"
    done = subprocess.run(
        ["node", str(ROOT / "tools" / "solc.js"), "--standard-json", str(std)],
        capture_output=True,
        text=True,
        check=True,
        cwd=exported["base"],
        timeout=120,
    )
    built = json.loads(done.stdout)["contracts"]["contracts/market/DvPMarket.sol"]["DvPMarket"]
    assert "0x" + built["evm"]["bytecode"]["object"] == artifacts.get("DvPMarket").bytecode


def test_export_replaces_its_own_files_and_refuses_a_folder_it_did_not_write(
    exported: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "again"
    shutil.copytree(exported["out"], out)
    (out / "abi" / "Gone.json").write_text("[]")
    assert main(["export", "--out", str(out)]) == 0
    assert not (out / "abi" / "Gone.json").exists()  # a contract that is gone does not linger
    mine = tmp_path / "mine"
    (mine / "python").mkdir(parents=True)
    (mine / "python" / "keep.py").write_text("x = 1\n")
    capsys.readouterr()
    assert main(["export", "--out", str(mine)]) != 0
    err = capsys.readouterr().err
    assert "was not written by `rwa export`" in err
    assert (mine / "python" / "keep.py").read_text() == "x = 1\n"


def test_export_from_a_node_refuses_a_record_whose_contracts_are_not_there(
    exported: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = exported["base"] / "deployments" / "31337"
    record = dict(exported["record"])
    record["contracts"] = dict(record["contracts"])
    record["contracts"]["token"] = dict(record["contracts"]["token"], address="0x" + "42" * 20)
    (folder / "elsewhere.json").write_text(json.dumps(record))
    try:
        capsys.readouterr()
        node: AnvilNode = exported["node"]
        assert main(["export", "--rpc-url", node.url, "--out", str(folder.parent / "x")]) != 0
        err = capsys.readouterr().err
        assert f"no contract at 0x{'42' * 20} (token)" in err
    finally:
        (folder / "elsewhere.json").unlink()


def test_a_record_of_other_contracts_is_left_out_with_a_warning(
    exported: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = exported["base"] / "deployments" / "other"
    folder.mkdir()
    (folder / "old.json").write_text(
        json.dumps(dict(exported["record"], deal="old", abi_hash="0" * 64))
    )
    try:
        out = exported["base"] / "all"
        capsys.readouterr()
        assert main(["export", "--out", str(out), "--json"]) == 0
        captured = capsys.readouterr()
        summary = json.loads(captured.out)
        assert summary["networks"] == {"31337": [DEAL], "other": []}
        assert "other/old: deployed from other contracts" in captured.err
        assert not (out / "verify" / "other").exists()
    finally:
        shutil.rmtree(folder)
