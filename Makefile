# PCC Grants: `make run` to try it, `make test` to check it. Both set everything up first and
# skip the steps that are already up to date.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STATIC := grants/static
export FLASK_APP := wsgi:app

.PHONY: run test setup install assets db demo bench lint typecheck check clean help

help:
	@echo "make run    set up, migrate, seed demo data and serve http://127.0.0.1:5000"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   check the code with ruff"
	@echo "make typecheck  check the types with mypy (strict on scoring/ and grants/modelling/)"
	@echo "make mutation  mutation-test scoring/ and grants/modelling/ (slow; not part of make test)"
	@echo "make clean  remove the virtualenv, node_modules and built assets"

# Python: a virtualenv with the app and its development tools, rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Front end: GOV.UK Frontend (pinned in package.json) and Sass, from npm.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

ASSET_SOURCES := $(wildcard grants/assets/scss/*.scss grants/assets/js/* grants/assets/images/*)
$(STATIC)/.built: node_modules/.installed $(ASSET_SOURCES)
	mkdir -p $(STATIC)/css $(STATIC)/js $(STATIC)/images
	npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
		grants/assets/scss/application.scss $(STATIC)/css/application.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/js/
	cp grants/assets/js/*.mjs $(STATIC)/js/
	cp grants/assets/images/* $(STATIC)/images/
	touch $@

install: $(VENV)/.installed
assets: $(STATIC)/.built
setup: install assets

# The database: migrations, then reference and demo data (both idempotent).
db: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask reference load

demo: db
	$(BIN)/flask demo seed

# With REDIS_URL set, a job worker and the scheduler of recurring jobs start beside the app and stop
# with it; without it, background jobs run inside the app (grants/jobs.py).
run: demo
	@echo "Serving PCC Grants at http://127.0.0.1:5000 (Ctrl+C to stop)"
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Background jobs on Redis ($$REDIS_URL): a worker and the scheduler run beside the app"; \
		trap 'kill $$(jobs -p) 2>/dev/null' EXIT INT TERM; \
		$(BIN)/flask jobs worker & $(BIN)/flask jobs scheduler & \
		$(BIN)/flask run --host 127.0.0.1 --port 5000; \
	else \
		echo "No REDIS_URL: background jobs run inside the app"; \
		$(BIN)/flask run --host 127.0.0.1 --port 5000; \
	fi

# TEST_DATABASE_URL chooses the database (default: SQLite, a file per worker in pytest's temporary
# folder). The suite runs in parallel with pytest-xdist, JOBS workers (default auto: one per CPU),
# each on a database of its own (tests/conftest.py); JOBS=0 runs it in one process. PYTEST_ARGS
# passes more options, e.g. PYTEST_ARGS='-k payments -x'. Work stealing: a worker that runs out takes
# tests from the other's queue, so the browser journeys (about 10 minutes in all) are never left to one
# worker, which made one CI run 4 minutes longer than the one before.
JOBS ?= auto
test: demo
	$(BIN)/python -m pytest -n $(JOBS) --dist worksteal $(PYTEST_ARGS)

# Benchmarks (not part of make test): generates 200 and 20,000 applications into PostgreSQL
# (BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/grants_bench, dropped and
# recreated), load-tests the pages with gunicorn and locust, times exports and models in process.
# BENCH_ARGS passes options (see `.venv/bin/python -m benchmarks --help`); BENCH_ARGS="--scales 0.01 1 10"
# adds the 200,000-application data set (grants_bench_scale10) and the growth step 1 -> 10 (takes longer).
$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: install assets $(VENV)/.bench-installed
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# Mutation testing (not part of make test): mutmut (set up in pyproject.toml) mutates scoring/ and
# grants/modelling/ in a fresh copy (mutants/) and runs their own no-database tests (tests/scoring,
# tests/modelling) against every mutant, property tests held to MUTATION_MAX_EXAMPLES examples each.
# scripts/mutation_score.py then prints each module's figures and fails under 95% of the mutants not
# listed as equivalent (tests/mutation_equivalents.md). MUTANTS='scoring.funding.*' runs only those.
MUTATION_JOBS ?= $(shell nproc)
MUTATION_MAX_EXAMPLES ?= 20
$(VENV)/.mutation-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,mutation]'
	touch $@

.PHONY: mutation
mutation: install $(VENV)/.mutation-installed
	rm -rf mutants && mkdir mutants
	@echo "Running mutmut on $(MUTATION_JOBS) workers (log: mutants/run.log)"
	start=$$(date +%s); HYPOTHESIS_PROFILE=ci MUTATION_MAX_EXAMPLES=$(MUTATION_MAX_EXAMPLES) \
		$(BIN)/mutmut run --max-children $(MUTATION_JOBS) $(if $(MUTANTS),'$(MUTANTS)') > mutants/run.log 2>&1 \
		|| { tail -n 40 mutants/run.log; exit 1; }; echo "mutmut took $$(( $$(date +%s) - start )) s"
	$(BIN)/python scripts/mutation_score.py $(if $(MUTANTS),--only '$(MUTANTS)')

# The rules (pyproject.toml [tool.ruff]): pyflakes, pycodestyle, isort, bugbear, pyupgrade, simplify and
# McCabe complexity at most 12, over every package.
lint: install
	$(BIN)/ruff check grants scoring tests migrations benchmarks scripts wsgi.py

# mypy over grants/ and scoring/ (pyproject.toml [tool.mypy]): every annotated function is checked, and
# the pure engines strictly (no untyped definitions, no bare generics, no Any returned).
typecheck: install
	$(BIN)/mypy

check: lint typecheck

clean:
	rm -rf $(VENV) node_modules $(STATIC) .pytest_cache .hypothesis
