# Scanfloor: `make demo` and `make test` are all a new user needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
HOST   ?= 127.0.0.1
DEMO_DB ?= sqlite:///$(CURDIR)/var/demo.db

.PHONY: help install demo test lint typecheck unit bench clean chromium

help:
	@echo "make demo    create .venv, install, migrate, seed the demo warehouse, serve on http://$(HOST):$(PORT)"
	@echo "make test    install and run lint, type checks and the whole test suite"
	@echo "make bench   run the benchmarks in bench/ (JSON on stdout)"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p var
	@export SCANFLOOR_MODE=demo DATABASE_URL="$${DATABASE_URL:-$(DEMO_DB)}" \
	  SCANFLOOR_GS1_COMPANY_PREFIX="$${SCANFLOOR_GS1_COMPANY_PREFIX:-9501101}"; \
	$(BIN)/scanfloor db upgrade >/dev/null && \
	$(BIN)/scanfloor seed-demo && \
	echo "" && \
	echo "Scanfloor demo on http://$(HOST):$(PORT)/" && \
	echo "  console (sign in, search items)  http://$(HOST):$(PORT)/" && \
	echo "  scanner app (badge + PIN)        http://$(HOST):$(PORT)/scanner/" && \
	echo "  API description (OpenAPI)        http://$(HOST):$(PORT)/api/v1/openapi.json" && \
	echo "  health                           http://$(HOST):$(PORT)/healthz" && \
	echo "  Ctrl+C stops it; the data stays in var/demo.db (delete it to start over)" && \
	exec $(BIN)/scanfloor serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check server tests bench migrations
	$(BIN)/ruff format --check server tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# Browser tests drive Debian's chromium (a test tool's own browser download fails here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found and cannot install it: browser tests will skip"; fi; }

test: $(STAMP) chromium lint typecheck
	$(BIN)/pytest

unit: $(STAMP)
	$(BIN)/pytest tests/unit -q

# One JSON line per benchmark on stdout (figures, same-run floor, *_vs_floor, goal, holds);
# PostgreSQL too where SCANFLOOR_BENCH_DATABASE_URL (default: local test server) answers.
bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "# $$b" >&2; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var build *.egg-info .pytest_cache .mypy_cache .ruff_cache
