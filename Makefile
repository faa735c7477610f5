# Relais CRM: the two commands a newcomer needs are `make run` and `make test`.
# Everything runs from .venv; nothing is installed globally.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Reinstalling takes a while; the stamp is newer than pyproject.toml once its pins are installed.
STAMP := $(VENV)/.installed-stamp
HOST_PORT := 127.0.0.1:8000
# The fault scripts start their own Redis and PostgreSQL cluster on these ports (free ones).
FAULTS_REDIS_PORT ?= 6390
FAULTS_PG_PORT ?= 5440

# Playwright drives Debian's chromium; it must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install run test e2e fuzz faults lint format messages messages-check clean

help:
	@echo "make run       migrate, load demo data, start a Celery worker (with beat) and the server on http://$(HOST_PORT)/"
	@echo "make test      the whole test suite (SQLite, or PostgreSQL when DATABASE_URL says so)"
	@echo "make e2e       only the real-browser tests"
	@echo "make fuzz      schemathesis over the API schema as five roles (FUZZ_EXAMPLES per operation; a few minutes)"
	@echo "make faults    the fault scripts: Redis outage, worker killed, PostgreSQL restarted (own services on"
	@echo "               FAULTS_REDIS_PORT=$(FAULTS_REDIS_PORT) and FAULTS_PG_PORT=$(FAULTS_PG_PORT); a few minutes)"
	@echo "make lint      ruff check, ruff format --check, and the import layers (lint-imports)"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make messages  refresh the fr/en catalogs and compile them"
	@echo "make clean     remove the virtualenv, caches, the local database and the embedded broker"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Relais CRM needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The worker runs in the background with embedded beat, so reminders and scheduled jobs really run;
# the trap stops it whenever the server stops (Ctrl-C included).
run: install
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Starting the Celery worker (embedded beat) and the server on http://$(HOST_PORT)/ - Ctrl-C stops both."
	@$(BIN)/celery -A config worker -B --pool=solo --loglevel=info & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(MANAGE) serve $(HOST_PORT) --noreload

test: install
	$(BIN)/pytest

e2e: install
	$(BIN)/pytest -m e2e

# The fuzz suite is left out of `make test` (tests/fuzz/conftest.py) unless RELAIS_FUZZ=1; CI runs it once,
# on PostgreSQL.
fuzz: install
	RELAIS_FUZZ=1 $(BIN)/pytest -m fuzz tests/fuzz

# Each script prints what was lost or duplicated and fails on any; see docs/running.md.
faults: install
	$(BIN)/python scripts/faults/redis_outage.py --redis-port $(FAULTS_REDIS_PORT) --pg-port $(FAULTS_PG_PORT)
	$(BIN)/python scripts/faults/worker_kill.py --redis-port $(FAULTS_REDIS_PORT) --pg-port $(FAULTS_PG_PORT)
	$(BIN)/python scripts/faults/postgres_restart.py --redis-port $(FAULTS_REDIS_PORT) --pg-port $(FAULTS_PG_PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs GNU gettext (Debian: gettext). Source strings are English, so the English catalog is filled
# from the ids; the French one is translated by hand. The compiled .mo files are committed, so that
# running the app needs no gettext.
messages: install
	$(MANAGE) makemessages -l fr -l en --add-location=file --no-obsolete --ignore=.venv --ignore=tests \
		--ignore=bench --ignore=staticfiles --ignore=build --ignore=scripts
	$(BIN)/python scripts/catalogs.py fill-english
	$(MANAGE) compilemessages --ignore=.venv

messages-check: install
	$(BIN)/python scripts/catalogs.py check

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache staticfiles var test-artifacts
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
