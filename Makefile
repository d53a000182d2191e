# ctsim: two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
SCENARIO ?= scenarios/steel2030.yaml

.PHONY: run test lint bench bench-explorer report docs calibrate scenario-figures clean venv dev golden

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[fast]'
	touch $@

$(DEVSTAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,distributed]'
	touch $(STAMP) $@

venv: $(STAMP)
dev: $(DEVSTAMP)

run: $(STAMP)
	$(BIN)/ctsim run $(SCENARIO) --force

test: $(DEVSTAMP)
	$(BIN)/python -m pytest -q

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests benchmarks tools

BENCHSTAMP := $(VENV)/.installed-bench

$(BENCHSTAMP): $(DEVSTAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,distributed,bench]'
	touch $@

bench: $(BENCHSTAMP)
	$(BIN)/python benchmarks/bench.py --out docs/performance.md

# docs/figures/report (steel2030 report incl. the Kaya/LMDI waterfall) and docs/figures/compare
# (baseline vs steel2030: overlays, metric differences, policy wedges); the HTML files are not tracked.
report: $(STAMP)
	$(BIN)/ctsim report scenarios/steel2030.yaml --out docs/figures/report --force
	$(BIN)/ctsim compare scenarios/baseline.yaml scenarios/steel2030.yaml --out docs/figures/compare --force

docs: $(DEVSTAMP)
	$(BIN)/python tools/gen_docs.py

scenario-figures: $(DEVSTAMP)
	$(BIN)/python tools/scenario_figures.py

calibrate: $(DEVSTAMP)
	$(BIN)/python tools/calibrate.py --write
	$(BIN)/python tools/gen_docs.py

# Regenerate tests/regression/golden/ (the outputs every refactor must reproduce to the last bit).
# Only on purpose: a commit that runs it says which numbers changed and why.
golden: $(DEVSTAMP)
	$(BIN)/python tests/regression/golden.py --write

clean:
	rm -rf out .pytest_cache

# Median slider-to-redrawn-graph time of `ctsim explore` in headless Chromium (benchmarks/NOTES.md;
# not docs/performance.md, which `make bench` rewrites whole).
bench-explorer: $(DEVSTAMP)
	$(BIN)/python benchmarks/bench_explorer.py --out benchmarks/NOTES.md
