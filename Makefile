# Two commands set everything up: `make play` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: play test lint run bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
