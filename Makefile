# dockersim: two commands on a fresh machine.
#   make demo   set up, run every built-in scenario, write transcripts, captures, figures to out/
#   make test   set up, then the whole suite (unit, scenarios, real-kernel differential,
#               pcap decoding, notebooks, import contracts, lint, types)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test lint bench fuzz clean docs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/dockersim demo --out out

lint: setup
	$(BIN)/ruff check simulator tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

test: setup lint
	@bash tests/setup_system.sh
	DOCKERSIM_REQUIRE_REAL_KERNEL=$${CI:+1} $(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python -m pip install --quiet ns.py
	$(BIN)/python benchmarks/run.py

fuzz: setup
	DOCKERSIM_FUZZ_EXAMPLES=20000 $(BIN)/python -m pytest -q tests/test_fuzz.py

clean:
	rm -rf out site .pytest_cache .mypy_cache .ruff_cache
