"""The test suite: fast hashing, local memory mail, no throttling surprises."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, env

SECRET_KEY = "test-only-not-secret"  # noqa: S105 - the test suite needs no real secret
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttling is tested on purpose where it matters; elsewhere it must not make tests depend on their order.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "user": "10000/minute", "token_exchange": "10000/minute"},
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = True
# Serve static files straight from the apps in development, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Each test sees the figures of its own data; tests/api/test_dashboard.py turns the cache on where it tests it.
DASHBOARD_CACHE_SECONDS = 0
# The webhook tests run real receivers on 127.0.0.1 (tests/notifications/receiver.py), and so does the broker test's
# worker; the tests of the address rules turn this off to see loopback refused.
WEBHOOK_ALLOW_LOOPBACK = True
# The suite clears the cache between tests; it must never empty a shared Redis database (REDIS_URL in a .env).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vendorrisk-tests"}}
# ...so sessions are the database's alone, as base.py chooses without a shared cache, whatever a .env says.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
MONITORING_FEED_TIMEOUT_SECONDS = 0.5  # the feed tests serve a slow feed on loopback
# The suite is one process with its own cache on purpose: the shared-cache warning (operations.W001) is for servers.
SILENCED_SYSTEM_CHECKS = ["operations.W001"]
