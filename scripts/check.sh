#!/usr/bin/env bash
# Install what the tests need, then run ruff, mypy and the whole test suite on SQLite and on PostgreSQL.
# This is the README's test line, and what CI runs (.ci/run). Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${CARELOOP_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/careloop}"
REDIS_TEST_URL="${REDIS_TEST_URL:-redis://127.0.0.1:6379/15}"
RABBITMQ_TEST_URL="${RABBITMQ_TEST_URL:-amqp://guest:guest@127.0.0.1:5672/}"

step() { printf '\n== %s\n' "$*"; }

step "Python environment (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]" 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "import careloop, django, huey; print('careloop', careloop.__version__, '· Django', django.get_version())"

step "Chromium for the browser tests (Debian's package; Playwright drives it, no browser download)"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing and this is not root: the browser tests will be skipped (apt-get install chromium)"
  fi
fi
[ -x /usr/bin/chromium ] && /usr/bin/chromium --version 2>/dev/null || true

step "Matrix Synapse for the connector tests (.venv-synapse, its own venv: its dependencies clash with ours)"
[ -x .venv-synapse/bin/python ] || python3 -m venv .venv-synapse
if ! .venv-synapse/bin/python -c "import synapse" 2>/dev/null; then
  .venv-synapse/bin/python -m pip install -q --disable-pip-version-check "matrix-synapse>=1.100" 2>&1 | grep -v "is ignored" || true
fi
.venv-synapse/bin/python -c "import synapse; print('Synapse', synapse.__version__)"

step "Prism for the Slack connector tests (npm @stoplight/prism-cli into .cache/prism; serves Slack's OpenAPI file)"
PRISM=.cache/prism/node_modules/.bin/prism
if [ ! -x "$PRISM" ]; then
  if command -v npm >/dev/null; then
    npm install --silent --no-audit --no-fund --prefix .cache/prism "@stoplight/prism-cli@5" >/dev/null 2>&1 \
      || echo "npm could not install @stoplight/prism-cli: the Slack tests skip (and fail under CI=true)"
  else
    echo "npm is missing: the Slack tests skip (and fail under CI=true); apt-get install npm"
  fi
fi
[ -x "$PRISM" ] && echo "Prism $("$PRISM" --version 2>/dev/null)" || true

step "GitHub's GraphQL schema and webhook examples for the GitHub Discussions tests (npm, into .cache/octokit)"
OCTOKIT=.cache/octokit/node_modules/@octokit
if [ ! -f "$OCTOKIT/graphql-schema/package.json" ] || [ ! -f "$OCTOKIT/webhooks-examples/package.json" ]; then
  if command -v npm >/dev/null; then
    npm install --silent --no-audit --no-fund --prefix .cache/octokit \
      "@octokit/graphql-schema@15.26.1" "@octokit/webhooks-examples@7.6.1" >/dev/null 2>&1 \
      || echo "npm could not install @octokit/graphql-schema and webhooks-examples: the GitHub tests skip (and fail under CI=true)"
  else
    echo "npm is missing: the GitHub tests skip (and fail under CI=true); apt-get install npm"
  fi
fi
[ -f "$OCTOKIT/graphql-schema/package.json" ] && echo "octokit: graphql-schema and webhooks-examples in .cache/octokit" || true

step "PostgreSQL and Redis on 127.0.0.1"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis is down; starting it"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
echo "Redis: $(redis-cli -h 127.0.0.1 -p 6379 ping)"

step "RabbitMQ on 127.0.0.1:5672 (the team engine's tests: Dramatiq, decision 12)"
amqp_up() { .venv/bin/python -c "import socket; socket.create_connection(('127.0.0.1', 5672), timeout=2).close()" 2>/dev/null; }
if ! amqp_up; then
  if ! command -v rabbitmq-server >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
  fi
  if command -v rabbitmq-server >/dev/null; then
    echo "RabbitMQ is down; starting it"
    rabbitmq-server -detached || true
    for _ in $(seq 1 60); do amqp_up && break; sleep 1; done
  fi
fi
if amqp_up; then echo "RabbitMQ: listening on 5672"; else echo "RabbitMQ is not running: the Dramatiq tests will be skipped"; fi

step "ruff"
.venv/bin/ruff check .

step "mypy (the careloop package, django-stubs; configured in pyproject.toml)"
.venv/bin/mypy

export REDIS_TEST_URL RABBITMQ_TEST_URL
step "tests on SQLite"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"

step "tests on PostgreSQL ($PG_URL)"
DATABASE_URL="$PG_URL" .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
