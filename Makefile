# dockersim: three commands on a fresh machine.
#   make demo   set up, run every built-in scenario, write transcripts, captures, figures to out/
#   make test   set up, then the whole suite (unit, scenarios, real-kernel differential,
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
# in the printed URL. A browser opens only where there is a display (a desktop session or
# macOS); on a server or over ssh, open the URL yourself. No update checks or news feed:
# a classroom may be offline (the extension manager lists what is installed, without
# PyPI). A busy PORT is an error, not a silent switch to another port.
lessons: setup
	@token=$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(24))'); \
	browser=--no-browser; \
	if [ "$$(uname -s)" = Darwin ] || [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then browser=; fi; \
	root=; if [ "$$(id -u)" = 0 ]; then root=--allow-root; fi; \
	echo "Lessons (Korean):  http://localhost:$(PORT)/lab/tree/ko?token=$$token"; \
	echo "Lessons (English): http://localhost:$(PORT)/lab/tree/en?token=$$token"; \
	echo "Stop with Ctrl-C."; \
	JUPYTER_TOKEN=$$token exec $(BIN)/jupyter lab --notebook-dir=notebooks \
	    --ServerApp.ip=localhost --ServerApp.port=$(PORT) --ServerApp.port_retries=0 $$browser $$root \
	    --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	    --LabApp.extension_manager=readonly

lint: setup
	$(BIN)/ruff check simulator tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

test: setup lint
	@bash tests/setup_system.sh
	DOCKERSIM_REQUIRE_REAL_KERNEL=$${CI:+1} DOCKERSIM_REQUIRE_BROWSER=$${CI:+1} $(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python -m pip install --quiet ns.py
	$(BIN)/python benchmarks/run.py

fuzz: setup
	DOCKERSIM_FUZZ_EXAMPLES=20000 $(BIN)/python -m pytest -q tests/test_fuzz.py

clean:
	rm -rf out site .pytest_cache .mypy_cache .ruff_cache
