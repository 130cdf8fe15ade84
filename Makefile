# Two commands set everything up: `make play` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: play test lint run bench fuzz longplay clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The C kernel is compiled at install: a change to it (or to setup.py) installs again.
KERNEL := setup.py src/opssim/sim/_kernel.c

$(STAMP): pyproject.toml $(KERNEL) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml $(KERNEL) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

play: $(STAMP)  ## open the window on the default scenario
	$(BIN)/opssim play $(SCENARIO)

test: $(DEVSTAMP)  ## run the whole suite (and ruff)
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest

run: $(STAMP)  ## one headless run of the default scenario
	$(BIN)/opssim run $(SCENARIO)

bench: $(STAMP)  ## performance figures into bench/results.md (QUICK=1: under a minute's worth)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

N ?= 10000
fuzz: $(DEVSTAMP)  ## N fuzzed scenarios (default 10000; about an hour on 2 cores), outside make test
	$(BIN)/python tools/fuzz.py -n $(N)

longplay: $(DEVSTAMP)  ## the window offscreen for an hour's worth of play, memory checked
	OPSSIM_LONG_PLAY=1 $(BIN)/python -m pytest tests/render/test_render_long_play.py -s

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
