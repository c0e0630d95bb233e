# ecsrole-guide: `make guide` and `make test` set everything up on a machine with only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# The AWS CLI the guide runs is the one installed in the venv.
export PATH := $(BIN):$(PATH)

.PHONY: setup guide test test-fast lab notebooks lint clean bench app workshop

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## guide: run the whole guide headlessly on one embedded sandbox (build/guide/: notebooks and HTML);
## make guide EDITION=ko runs the Korean edition (notebooks/ko/ into build/guide/ko/)
EDITION ?= en
EDITION_DIR = $(if $(filter ko,$(EDITION)),/ko,)
guide: $(STAMP)
	$(BIN)/python -m ecsrole_lib.teaching.guide --notebooks notebooks$(EDITION_DIR) --out build/guide$(EDITION_DIR)

## test: every docstring example of the library (their own run: --doctest-modules would also
## import tests/ as modules), then every test, and nbval (strict) on every committed notebook
test: $(STAMP)
	$(BIN)/python -m pytest --doctest-modules ecsrole_lib
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

## test-fast: the inner loop: the docstring examples, then every test not marked heavy (see
## tests/conftest.py: papermill, make guide, fault injection, the real aws executable, browser)
test-fast: $(STAMP)
	$(BIN)/python -m pytest --doctest-modules ecsrole_lib
	$(BIN)/python -m pytest tests -m "not heavy"

## lab: open JupyterLab on the notebooks, widgets on, all notebooks sharing one sandbox
lab: $(STAMP)
	$(BIN)/python -m ecsrole_lib.teaching.guide --lab

## notebooks: write notebooks/ from tools/notebook_src/ and execute them on the sandbox
notebooks: $(STAMP)
	$(BIN)/python tools/build_notebooks.py

## bench: API calls per operation, sandbox start, headless notebook runs (build/bench.json)
bench: $(STAMP)
	$(BIN)/python -m benchmarks

## workshop: the workshop kit's answer keys (en, ko) from the question catalog, in build/workshop/
workshop: $(STAMP)
	$(BIN)/python tools/workshop.py build/workshop

## app: serve the guide as one web page with Voila (form and reports, no code) on 127.0.0.1,
## with a token (in the URL it prints); the sandbox only unless APP_TARGETS=sandbox,aws
APP_PORT ?= 8866
APP_TARGETS ?= sandbox
app: $(STAMP)
	$(BIN)/python -m ecsrole_lib.teaching.guide --app app/guide.ipynb --port=$(APP_PORT) --targets=$(APP_TARGETS)

lint: $(STAMP)
	$(BIN)/ruff check ecsrole_lib tests benchmarks tools notebooks app

clean:
	rm -rf $(VENV) build
