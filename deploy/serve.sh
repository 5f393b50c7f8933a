#!/usr/bin/env bash
# `make serve`: the production settings on this machine, against a local PostgreSQL and Redis, with one Celery
# worker (and beat) beside gunicorn. For trying a deployment locally, not for running one: the secret is generated
# into var/ and HTTPS redirects are off because there is no TLS on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-8000}
mkdir -p var
if [ ! -s var/serve-secret-key ]; then
  (umask 077; "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(64))' > var/serve-secret-key)
fi
export DJANGO_SETTINGS_MODULE=vendorrisk.settings.production
export SECRET_KEY="$(cat var/serve-secret-key)"
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/vendorrisk_serve}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}
export SECURE_SSL_REDIRECT=False SECURE_HSTS_SECONDS=0
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:$PORT}
export GUNICORN_WORKERS=${GUNICORN_WORKERS:-2}

# Create the database on first use (the server's maintenance database `postgres` must be reachable).
"$BIN/python" - <<'PY'
import os
import psycopg
from psycopg import sql
url = os.environ["DATABASE_URL"]
server, name = url.rsplit("/", 1)
with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"serve: created database {name}")
PY
"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py collectstatic --noinput --verbosity 0
"$BIN/python" manage.py setup_periodic_tasks

"$BIN/celery" -A vendorrisk worker --beat --scheduler django_celery_beat.schedulers:DatabaseScheduler \
  --concurrency 1 --loglevel INFO &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT
echo "serve: http://$GUNICORN_BIND/ (production settings; /healthz/ready once the worker answers)"
"$BIN/gunicorn" -c gunicorn.conf.py
