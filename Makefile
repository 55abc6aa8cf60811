# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.13 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP_QUIET := --quiet --disable-pip-version-check
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# `make run` serves here; `PORT=8080 make run` elsewhere.
PORT ?= 8000
export PORT
# Links in emails lead to the web server, whichever process sends them (honcho gives the worker
# and the clock ports of their own).
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL

.PHONY: run test venv runtime lint fmt bench bench-load demo migrate clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_QUIET) --upgrade pip

# What the app needs to run, and (for make test and the tools) the test extra too.
$(VENV)/.runtime: $(PY) pyproject.toml
	$(PY) -m pip install $(PIP_QUIET) -e .
	touch $@

$(VENV)/.installed: $(VENV)/.runtime
	$(PY) -m pip install $(PIP_QUIET) -e ".[test]"
	touch $@

runtime: $(VENV)/.runtime
venv: $(VENV)/.installed

## Set up (runtime dependencies only), migrate SQLite, load the demo data, print the logins,
## then run together (Ctrl-C stops all three): the web server on 127.0.0.1:$(PORT), the task
## worker and the periodic jobs.
run: runtime
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo
	$(VENV)/bin/honcho start -f Procfile.dev --port $(PORT)

## Set up and run the whole suite: lint, checks, SQLite, PostgreSQL, browser tests.
test: venv
	bash scripts/test.sh

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: venv
	$(PY) bench/run.py

## Every key page under load (gunicorn + wrk) at full scale and 1/10, SQLite and PostgreSQL.
## Quick: SCALE=tenth DURATION=5s DB=sqlite make bench-load
bench-load: venv
	command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) bench/load.py

demo: runtime
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo

clean:
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-wal db.sqlite3-shm
