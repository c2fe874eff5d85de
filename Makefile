# dockersim: three commands on a fresh machine.
#   make demo   set up, run every built-in scenario, write transcripts, captures, figures to out/
#   make test   set up, then the whole suite (unit, scenarios, real-kernel and real-docker differential,
#               pcap decoding, notebooks, lessons in a browser, import contracts, lint, types)
#   make lessons  set up, then open the lesson notebooks (notebooks/ko, notebooks/en) in
#               JupyterLab on http://localhost:$(PORT)/ (PORT=8888 unless given)

PYTHON ?= python3
PORT   ?= 8888
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo lessons test lint bench fuzz clean docs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/dockersim demo --out out

# JupyterLab on this machine only (localhost), rooted at notebooks/, with a fresh token
# in the printed URL; a browser opens only where there is a display; a busy PORT is an
# error. tools/lessons.py says how (and why the lessons bring their own Korean font).
lessons: setup
	$(BIN)/python tools/lessons.py --port $(PORT)

lint: setup
	$(BIN)/ruff check simulator tests benchmarks tools docs
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/vulture

# In CI (CI set) the real-kernel, browser and real-docker tests must run rather than skip.
REQUIRE := DOCKERSIM_REQUIRE_REAL_KERNEL=$${CI:+1} DOCKERSIM_REQUIRE_BROWSER=$${CI:+1} DOCKERSIM_REQUIRE_REAL_DOCKER=$${CI:+1}
PYTEST  := $(BIN)/python -m pytest -q -p no:cacheprovider

# The real-kernel comparisons spend most of their time waiting on the kernel's own timers
# (ping intervals, ARP re-probes), each in namespaces of its own: six run at a time. The rest
# runs one test at a time, so the time guards of notebooks and the browser measure the code.
test: setup lint
	@bash tests/setup_system.sh
	$(REQUIRE) $(PYTEST) -n 6 -m realkernel
	$(REQUIRE) $(PYTEST) -m "not realkernel"

bench: setup
	$(BIN)/python -m pip install --quiet ns.py
	$(BIN)/python benchmarks/run.py

fuzz: setup
	DOCKERSIM_FUZZ_EXAMPLES=20000 $(BIN)/python -m pytest -q tests/test_fuzz.py

clean:
	rm -rf out site .pytest_cache .mypy_cache .ruff_cache
