"""gunicorn settings for the register (`gunicorn -c gunicorn.conf.py`). Every value can be overridden from the
environment (GUNICORN_*), or by gunicorn's own GUNICORN_CMD_ARGS.

Graceful reload: `kill -HUP <master pid>` starts new workers with fresh code and settings and lets the old ones
finish their requests (at most graceful_timeout seconds). `kill -TERM` stops the same way.
"""

import multiprocessing
import os
import shutil
import tempfile

wsgi_app = "vendorrisk.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")

# Sync workers: the register's requests are short database work. (2 x cores) + 1 is gunicorn's own advice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "sync"
# A request stuck this long is killed and its worker replaced; report renders are the slowest (a few seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that a slow leak never grows without bound; jitter spreads the restarts.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

# Request line and header limits: a hostile client cannot make a worker buffer a huge head.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# The body limit is enforced by Django before anything reads the body (MAX_REQUEST_BODY_BYTES, with a larger one for
# evidence uploads: apps/core/middleware.py); a proxy in front should cap at EVIDENCE_MAX_UPLOAD_BYTES + 1 MiB too.

# Logs on stdout/stderr for the container runtime. Access lines carry the request id the register echoed.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
# JSON lines like the register's own logs (LOG_FORMAT=json, the production default), so one shipper parses all.
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "root": {"handlers": ["error"], "level": loglevel.upper()},
        "loggers": {
            "gunicorn.error": {"handlers": ["error"], "level": loglevel.upper(), "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }
# Behind a proxy on the same host or network: who may set X-Forwarded-Proto / -For (see TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket lives at one path per user: two instances on one host would fight over it. Unused here.
control_socket_disable = True
# Worker heartbeat files in memory, not on a container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's advice for containers

# Prometheus figures from every worker are summed at /metrics through one directory (apps/operations/metrics.py).
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if not _metrics_dir:
    _metrics_dir = tempfile.mkdtemp(prefix="vendorrisk-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    # Figures of a previous run must not be added to this one's.
    for name in os.listdir(_metrics_dir):
        path = os.path.join(_metrics_dir, name)
        if os.path.isfile(path):
            os.remove(path)


def when_ready(server):
    # Django's checks (operations.W001 shared cache, W002 broker reachable, --deploy) in the server's own log.
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.production")
    django.setup()
    call_command("check", deploy=True, fail_level="CRITICAL")


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_dir.startswith(tempfile.gettempdir()) and "vendorrisk-metrics-" in _metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
