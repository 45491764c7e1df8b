# The two commands the README promises: `make run` and `make test`. Everything they need is
# installed here from the pinned set in requirements.lock, into .venv, on a machine with Python 3.11+.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
# axe-core (package.json, pinned by package-lock.json), which the browser tests inject into pages to
# check accessibility. Only the tests need Node: `make run` does not.
AXE    := node_modules/.installed

.PHONY: run test lint check-migrations pytest install lock messages clean bench

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(AXE)

## make run: the service with demo data on its embedded defaults (SQLite, filesystem broker).
run: $(STAMP)
	bin/run

## make test: lint, the migrations check, then the whole suite (SQLite, or PostgreSQL with DATABASE_URL).
test: $(STAMP) lint check-migrations pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

pytest: $(STAMP) $(AXE)
	$(VENV)/bin/pytest -q -m "not e2e"
	# The browser tests drive a live server; they run in a process of their own, on a fresh test
	# database, so that nothing the rest of the suite left behind (flushed groups, caches) reaches them.
	$(VENV)/bin/pytest -q -m e2e

## make lock: re-pin requirements.lock after changing pyproject.toml's ranges.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > .lock-venv/req.txt
	.lock-venv/bin/pip install --quiet -r .lock-venv/req.txt
	.lock-venv/bin/pip freeze --exclude-editable | sort -f > requirements.lock
	rm -rf .lock-venv

## make bench: the volume on local PostgreSQL, the service under gunicorn, the load, the report (bench/results/).
bench: $(STAMP)
	bin/bench

messages: $(STAMP)
	$(PY) manage.py makemessages -l ru -l kk --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var node_modules
