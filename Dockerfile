# syntax=docker/dockerfile:1
# The register's image: one image for web (gunicorn), worker and beat (Celery); compose.yaml runs all three.
# Build stage: wheels from the hashed lock file, compiled where needed. Runtime stage: slim, no compiler, non-root.

ARG PYTHON_IMAGE=python:3.13.0-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.lock ./
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY . .
RUN DJANGO_SETTINGS_MODULE=vendorrisk.settings.local /opt/venv/bin/python manage.py compile_catalogues \
 && DJANGO_SETTINGS_MODULE=vendorrisk.settings.local /opt/venv/bin/python manage.py collectstatic --noinput -v 0

FROM ${PYTHON_IMAGE} AS runtime
# pg_dump/pg_restore for `manage.py backup` and `restore`, matching the PostgreSQL 15 server.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vendorrisk \
 && useradd --system --uid 10001 --gid vendorrisk --home-dir /app --shell /usr/sbin/nologin vendorrisk
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=vendorrisk.settings.production \
    MEDIA_ROOT=/var/lib/vendorrisk/media \
    PROMETHEUS_MULTIPROC_DIR=/tmp/vendorrisk-metrics
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /src /app
WORKDIR /app
RUN mkdir -p /var/lib/vendorrisk/media /tmp/vendorrisk-metrics \
 && chown vendorrisk:vendorrisk /var/lib/vendorrisk/media /tmp/vendorrisk-metrics
# The code is root's and read-only to the process; only the evidence volume and the metrics directory are writable.
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["python", "deploy/healthcheck.py", "live"]
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
