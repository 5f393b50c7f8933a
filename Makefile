# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint format worker bench messages check audit serve upgrade lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The setuptools a Python 3.11 venv starts with (65.x) carries known CVEs, and pip-audit reports it: upgrade both,
# in existing venvs too (a stamp of its own, not only when the venv is created).
$(VENV)/.tooling: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	touch $@

# Installs come from the hashed lock files (pip-compile --generate-hashes): every transitive dependency pinned and
# checked. requirements*.txt are the inputs (direct dependencies, each with its reason); `make lock` recompiles the
# locks after an edit there, `make upgrade` moves every pin to the newest release the inputs allow.
$(VENV)/.runtime: requirements.lock $(VENV)/.tooling | $(BIN)/python
	@echo "==> Installing the locked requirements into $(VENV) (the first time takes about a minute)"
	$(BIN)/pip install --disable-pip-version-check --progress-bar on --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock $(VENV)/.tooling | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(VENV)/.runtime $@

PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links

lock: $(VENV)/.dev
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt

upgrade: $(VENV)/.dev
	$(PIP_COMPILE) --upgrade --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --upgrade --output-file requirements-dev.lock requirements-dev.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock

messages: $(VENV)/.runtime
	$(BIN)/python manage.py compile_catalogues

# SITE_URL makes the links in the demo's emails point at this server.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime messages
	@echo "==> Migrating the database"
	$(BIN)/python manage.py migrate --noinput
	@echo "==> Loading the demo (reference data, the Mixpanel case, one user per role and a second reviewer)"
	$(BIN)/python manage.py setup_demo
	@echo "==> Serving $$SITE_URL/ (sign in as one of the users above; Ctrl-C stops)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# axe-core for the accessibility check of the browser tests, pinned by package-lock.json (test-only, never served).
# Without npm (a machine with only Python) the check is skipped and says so; CI has npm and requires it.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "npm not found: the axe-core accessibility check will be skipped"; fi

# The suite runs in parallel (pytest-xdist), one worker per core: `-n auto` counts this machine's cores.
# TEST_WORKERS=0 runs it in one process (e.g. to use --pdb). Tests that share an expensive session fixture are kept
# on one worker by an xdist_group (tests/conftest.py), which `--dist loadgroup` honours.
TEST_WORKERS ?= auto

test: $(VENV)/.dev messages node_modules/.package-lock.json
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

worker: $(VENV)/.runtime
	@test -n "$$CELERY_BROKER_URL" || { echo "set CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0"; exit 1; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_periodic_tasks
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-vendorrisk.settings.local} \
	  $(BIN)/celery -A vendorrisk worker --beat --scheduler django_celery_beat.schedulers:DatabaseScheduler --loglevel INFO

# Production settings on this machine: gunicorn (2 workers) + one Celery worker with beat, against the local
# PostgreSQL (DATABASE_URL, default database vendorrisk_serve, created if missing) and Redis. README "Deployment".
serve: $(VENV)/.runtime messages
	PORT=$(PORT) bash deploy/serve.sh

bench: $(VENV)/.dev messages
	$(BIN)/python bench/run.py

audit: $(VENV)/.dev
	bash .ci/audit
