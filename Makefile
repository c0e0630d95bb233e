# ecsrole-guide: `make guide` and `make test` set everything up on a machine with only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# The AWS CLI the guide runs is the one installed in the venv.
export PATH := $(BIN):$(PATH)

.PHONY: setup guide test lab notebooks lint clean bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## guide: run the whole guide headlessly on the embedded sandbox
guide: $(STAMP)
	$(BIN)/python -m ecsrole_lib

## test: run every test
test: $(STAMP)
	$(BIN)/python -m pytest

## lab: open JupyterLab on the notebooks
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## bench: API calls per operation, sandbox start, headless notebook runs (build/bench.json)
bench: $(STAMP)
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check ecsrole_lib tests

clean:
	rm -rf $(VENV) build
