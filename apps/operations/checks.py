"""System checks for a deployment: warnings, so that `manage.py check --deploy` and every start say what is wrong."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

SHARED_CACHE_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
    "django.core.cache.backends.db.DatabaseCache",
)


@register(Tags.caches)
def shared_cache_check(app_configs=None, **kwargs):
    """Throttles, the login lockout's cache and the dashboard cache must be shared by every web process. Outside
    DEBUG (production) a per-process cache is a warning."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend in SHARED_CACHE_BACKENDS:
        return []
    return [
        Warning(
            f"The default cache ({backend}) is private to each process: with several web processes every API rate "
            "limit is multiplied by their number.",
            hint="Set REDIS_URL (or CACHE_URL) to a Redis database of its own, e.g. redis://127.0.0.1:6379/1.",
            id="operations.W001",
        )
    ]


@register()
def broker_reachable_check(app_configs=None, **kwargs):
    """A configured broker that does not answer means every task (emails, webhooks, fan-outs) waits or is lost."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return []
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # any failure is "unreachable"; the class says which
        return [
            Warning(
                f"CELERY_BROKER_URL is set but the broker does not answer ({exc.__class__.__name__}).",
                hint="Start the broker or correct CELERY_BROKER_URL; tasks enqueued now are not delivered.",
                id="operations.W002",
            )
        ]
    return []
