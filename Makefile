# Two commands a newcomer needs: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck unit rules-test docs bench install clean hadolint mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/breakwater demo

lint: $(STAMP)
	$(BIN)/ruff check proxy tests $(wildcard bench)
	$(BIN)/mypy

hadolint: $(STAMP)
	$(BIN)/hadolint Dockerfile

rules-test: $(STAMP)
	$(BIN)/breakwater rules test
	$(BIN)/breakwater rules docs --check --output docs/rules.md

docs: $(STAMP)
	$(BIN)/breakwater rules docs --output docs/rules.md

unit: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint hadolint rules-test unit

bench: $(STAMP)
	$(BIN)/python -m bench

# Mutation testing of the decision paths (cosmic-ray; slow, not part of `make test`). One module:
# `make mutation MODULES=policy`; the list and each module's tests: tests/mutation/modules.toml.
mutation: $(STAMP)
	nice -n 10 $(BIN)/python -m tests.mutation.run $(MODULES)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
