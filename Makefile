# Two entry points: `make run` (the demo province on SQLite at http://127.0.0.1:8000)
# and `make test` (lint, type checks and the whole suite). Each installs what it needs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ECHARTS := src/kechuang/web/static/vendor/echarts/echarts.min.js
SCALE ?= 1.0
SEED ?= 2023
PYTEST_ARGS ?= -n auto

.PHONY: run test setup lint pytest assets debs-test openapi diagrams bench clean

run: setup
	KECHUANG_DEMO=1 $(BIN)/kechuang demo --scale $(SCALE) --seed $(SEED)

test: setup debs-test lint pytest

setup: $(STAMP) $(ECHARTS)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e ".[dev]"
	@touch $@

$(ECHARTS):
	bash scripts/fetch-echarts.sh $(dir $(ECHARTS))

debs-test:
	bash scripts/ensure-debs.sh chromium fonts-wqy-microhei

lint: setup
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	# The demo app is installed only in demo mode: type-check and migrate-check it there too.
	KECHUANG_DEMO=1 $(BIN)/mypy src
	$(BIN)/lint-imports --no-logo
	$(BIN)/kechuang check --fail-level WARNING
	$(BIN)/kechuang makemigrations --check --dry-run
	KECHUANG_DEMO=1 $(BIN)/kechuang makemigrations --check --dry-run

pytest: setup
	$(BIN)/pytest $(PYTEST_ARGS)

openapi: setup
	$(BIN)/kechuang export_openapi openapi.json

diagrams: setup
	$(BIN)/kechuang workflow_diagrams docs/workflows

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var src/kechuang/web/static/vendor
