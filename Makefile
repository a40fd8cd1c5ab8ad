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

LOCK   := requirements/dev.lock
.PHONY: help install demo test lint typecheck unit bench mutate lock clean chromium

help:
	@echo "make demo    create .venv, install, migrate, seed the demo warehouse, serve on http://$(HOST):$(PORT)"
	@echo "make test    install and run lint, type checks and the whole test suite"
	@echo "make bench   run the benchmarks in bench/ (JSON on stdout)"
	@echo "make mutate mutation-test the pure rule modules against the unit tests (slow; not in CI)"
	@echo "make lock    re-resolve requirements/*.lock from pyproject.toml (UPGRADE=1 takes newer versions)"

# Installs exactly the locked versions, each checked against its hash, then the project
# itself (no dependencies of its own beyond the lock).
$(STAMP): pyproject.toml $(LOCK)
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# The lock files: app.lock (what the Docker image runs) and dev.lock (that plus the test and
# lint tools), both with hashes, resolved from pyproject.toml by pip-tools in a venv of its own.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links $(if $(UPGRADE),--upgrade)
lock:
	@test -x .venv-tools/bin/pip-compile || { $(PYTHON) -m venv .venv-tools && \
	  .venv-tools/bin/pip install --quiet pip-tools; }
	.venv-tools/bin/pip-compile $(LOCK_FLAGS) --output-file requirements/app.lock pyproject.toml
	.venv-tools/bin/pip-compile $(LOCK_FLAGS) --extra dev --output-file $(LOCK) pyproject.toml

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
	echo "  waves (release, tasks)           http://$(HOST):$(PORT)/console/waves" && \
	echo "  live board                       http://$(HOST):$(PORT)/console/board" && \
	echo "  scanner: Pick, Pack, Ship on the home menu (worker1: BADGE-0004, PIN 4567)" && \
	echo "  returns, counts (approve)        http://$(HOST):$(PORT)/console/returns  /console/counts" && \
	echo "  scanner: Returns (RMA0000001), Inspect, Count on the home menu" && \
	echo "  buying, suppliers, pick faces    http://$(HOST):$(PORT)/console/purchasing  /console/suppliers  /console/replenishment" && \
	echo "  scanner: Replenish on the home menu (one task waiting)" && \
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

# One xdist worker per core (TEST_JOBS=0: all in this one process). Each worker has its own
# SQLite and PostgreSQL templates and databases; tests marked xdist_group (a module's shared
# live server, the one Redis channel) stay on one worker (docs/decisions/0022).
TEST_JOBS ?= auto
test: $(STAMP) chromium lint typecheck
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadgroup

unit: $(STAMP)
	$(BIN)/pytest tests/unit -q

# One JSON line per benchmark on stdout (figures, same-run floor, *_vs_floor, goal, holds);
# PostgreSQL too where SCANFLOOR_BENCH_DATABASE_URL (default: local test server) answers.
bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "# $$b" >&2; $(BIN)/python $$b || exit 1; done

# Mutation testing of the pure rule modules ([tool.mutmut] in pyproject.toml), the unit tests
# as the oracle. mutmut names modules from file paths and knows only the src/ layout, so the
# package is staged as var/mutate/src/scanfloor. Not part of `make test` (slow). The score
# counts mutants that change behaviour. Rule: a mutant that only changes the wording of a
# message (a string literal with a space in it) is left out, since error codes and details,
# not wording, are the contract: such lines are not mutated (do_not_mutate_patterns: a
# message alone on its line, or the only argument of a raise) and tests/mutation_score.py
# drops the rest by comparing each mutant's syntax tree with the original's. The score
# prints per module; `cd var/mutate && ../../.venv/bin/python ../../tests/mutation_score.py
# --survivors` names the survivors. MUTATE_JOBS sets the parallelism.
MUTATE_DIR  ?= var/mutate
MUTATE_JOBS ?= 2
mutate: $(STAMP)
	@rm -rf $(MUTATE_DIR) && mkdir -p $(MUTATE_DIR)/src
	@cp -r server/scanfloor $(MUTATE_DIR)/src/scanfloor
	@cp -r tests label_templates scanner_ui pyproject.toml $(MUTATE_DIR)/
	@find $(MUTATE_DIR) -name __pycache__ -prune -exec rm -rf {} +
	cd $(MUTATE_DIR) && { nice -n 19 $(CURDIR)/$(BIN)/mutmut run --max-children $(MUTATE_JOBS) \
	  >mutmut.log 2>&1 || { tail -n 40 mutmut.log; exit 1; }; } && \
	  $(CURDIR)/$(BIN)/python $(CURDIR)/tests/mutation_score.py

clean:
	rm -rf $(VENV) .venv-tools var build *.egg-info .pytest_cache .mypy_cache .ruff_cache
