# Two commands for a newcomer: `make demo` and `make test`. Both install what is missing first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Defined before the rules that name them: make expands a rule's prerequisites as it reads it.
BROWNIE_VENV := .venv-brownie
BROWNIE_STAMP := $(BROWNIE_VENV)/.installed
ANVIL_DIR = $(firstword $(wildcard $(CURDIR)/node_modules/@foundry-rs/anvil-*/bin))

.PHONY: install demo test lint typecheck unit slither bench clean brownie browser

install: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24,<27"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: install
	$(BIN)/rwa demo

lint: install
	$(BIN)/ruff check tokenizer tests tests_brownie scripts
	$(BIN)/ruff format --check tokenizer tests tests_brownie scripts

typecheck: install
	$(BIN)/mypy

unit: install $(BROWNIE_STAMP) browser
	$(BIN)/pytest

# The web app's browser tests drive Debian's chromium (no browser is downloaded at run time):
# installed here when missing and we are root; otherwise those tests skip and say why.
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is not installed (as root: apt-get install -y chromium): the browser tests will skip"; fi

# Brownie in its own environment (eth-brownie pins web3 7.16): the project installed into it,
# Brownie's solc (~/.solcx/solc-v0.8.30) linked to the solc-js stand-in, and `anvil` (which
# Brownie starts for its development network) on PATH; then `brownie compile`.

$(BROWNIE_STAMP): pyproject.toml
	@test -x $(BROWNIE_VENV)/bin/python || $(PYTHON) -m venv $(BROWNIE_VENV)
	$(BROWNIE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "eth-brownie==1.22.2"
	$(BROWNIE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

brownie: install $(BROWNIE_STAMP)
	@mkdir -p build "$(HOME)/.solcx"
	@ln -sfn "$(CURDIR)/tools/solc.js" "$(HOME)/.solcx/solc-v0.8.30"
	PATH="$(ANVIL_DIR):$$PATH" $(BROWNIE_VENV)/bin/brownie compile
	@echo 'Brownie is ready: export PATH="$(ANVIL_DIR):$$PATH"; $(BROWNIE_VENV)/bin/brownie run scripts/deploy.py'

# Static analysis of contracts/ (mocks left out: they are hostile on purpose) with the solc-js
# stand-in, offline. Fails on any medium or high finding not triaged in slither.config.json;
# SLITHER_TRIAGE.md gives the reason for each exclusion.
SLITHER_INPUT := build/slither-input.json

slither: install
	@mkdir -p build
	@$(BIN)/python -c 'import json, pathlib; src = sorted(p.as_posix() for p in pathlib.Path("contracts").rglob("*.sol") if "mocks" not in p.parts); json.dump({"language": "Solidity", "sources": {p: {"urls": [p]} for p in src}, "settings": {"evmVersion": "shanghai"}}, open("$(SLITHER_INPUT)", "w"))'
	$(BIN)/slither $(SLITHER_INPUT) --config-file slither.config.json

test: lint typecheck slither unit

bench: install
	$(BIN)/rwa bench

clean:
	rm -rf build out .pytest_cache .mypy_cache .ruff_cache
