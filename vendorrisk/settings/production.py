"""Production: no insecure defaults. Refuses to start without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment to a random value of at least 50 characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment (comma-separated host names).")
if WEBHOOK_ALLOW_LOOPBACK:  # noqa: F405 - from base
    raise ImproperlyConfigured("WEBHOOK_ALLOW_LOOPBACK is for tests only: webhooks must not reach this machine.")
# base.py falls back to a SQLite file for development; production must never silently write the register there.
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in the environment, e.g. postgres://user@host:5432/vendorrisk."
    )

# Single sign-on trusts what comes from these addresses: never over plain http.
if OIDC_ISSUER and not OIDC_ISSUER.startswith("https://"):  # noqa: F405 - from base
    raise ImproperlyConfigured("OIDC_ISSUER must be an https:// URL.")
if SAML_IDP_METADATA.startswith("http://"):  # noqa: F405 - from base
    raise ImproperlyConfigured("SAML_IDP_METADATA must be a file or an https:// URL.")
if not LOCAL_PASSWORD_LOGIN and not SSO_BREAK_GLASS_USERNAMES:  # noqa: F405 - from base
    raise ImproperlyConfigured("LOCAL_PASSWORD_LOGIN is off: name a break-glass account in SSO_BREAK_GLASS_USERNAMES.")

# Keep a database connection open across requests (the default opens one per request, ~40 % of a short request's
# time at 10k vendors, issue 22) and check it before reuse, so a connection PostgreSQL or a proxy dropped is
# replaced instead of failing the request. 0 returns to a connection per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405 - from base
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405 - from base

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = 8 * 60 * 60
ADMIN_REQUIRES_OTP = True

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)

# --- Operations (issue 20): JSON logs, one object a line, for the log shipper.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "plain"  # noqa: F405
