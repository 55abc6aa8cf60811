#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it.
# Under CI=true nothing may be skipped: PostgreSQL is started and Chromium installed if need be.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export DJANGO_SETTINGS_MODULE=cecportal.settings.test
CI=${CI:-false}
PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cecportal}
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
mkdir -p var

step() { printf '\n==> %s\n' "$*"; }

pg_reachable() {
  "$PY" - "$PG_URL" <<'PYEOF' >/dev/null 2>&1
import sys, dj_database_url, psycopg
c = dj_database_url.parse(sys.argv[1])
psycopg.connect(host=c["HOST"], port=c["PORT"] or 5432, user=c["USER"], password=c["PASSWORD"] or None,
                dbname="postgres", connect_timeout=3).close()
PYEOF
}

step "Lint (ruff)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

step "Django checks"
"$PY" manage.py check --fail-level WARNING
"$PY" manage.py makemigrations --check --dry-run

redis_reachable() {
  "$PY" -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()" \
    "${REDIS_URL:-redis://127.0.0.1:6379/0}" >/dev/null 2>&1
}
if ! redis_reachable && [ "$CI" = "true" ]; then
  step "Starting Redis (CI=true; the Redis task-queue test needs it)"
  command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
  redis-server --daemonize yes --port 6379 --save "" >/dev/null
  for _ in $(seq 1 20); do redis_reachable && break; sleep 0.5; done
fi

step "Tests on SQLite"
.venv/bin/pytest -m "not browser" -n 2 -q

step "Tests on PostgreSQL"
if ! pg_reachable && [ "$CI" = "true" ]; then
  if ! ls /etc/postgresql >/dev/null 2>&1; then
    echo "Installing PostgreSQL (CI=true)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  echo "Starting PostgreSQL (CI=true)…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_reachable && break; sleep 1; done
fi
if pg_reachable; then
  TEST_DATABASE_URL="$PG_URL" .venv/bin/pytest -m "not browser" -n 2 -q
else
  [ "$CI" = "true" ] && { echo "PostgreSQL is required in CI and could not be reached at $PG_URL"; exit 1; }
  echo "SKIPPED: PostgreSQL not reachable at $PG_URL — start it, or set TEST_DATABASE_URL, to run these tests."
fi

step "Browser tests (Chromium)"
if [ ! -x "$CHROMIUM" ] && [ "$CI" = "true" ]; then
  echo "Installing Debian's chromium (CI=true)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ -x "$CHROMIUM" ]; then
  SQLITE_TEST_FILE=var/test-browser.sqlite3 .venv/bin/pytest -m browser -q
else
  echo "SKIPPED: Chromium not found at $CHROMIUM — apt-get install chromium (or set CHROMIUM_PATH) to run browser tests."
fi
