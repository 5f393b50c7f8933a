"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

DJANGO_APPS = [
    "apps.accounts.admin_config.VendorriskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    # API tokens: knox keeps only a digest, expires them and lets a user hold several (apps.accounts.ApiToken).
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Recovery codes: single-use static tokens, shown once at enrolment.
    "django_otp.plugins.otp_static",
    "axes",
]
LOCAL_APPS = [
    "apps.core",
    "apps.accounts",
    "apps.vendors",
    "apps.datamap",
    "apps.incidents",
    "apps.risk",
    "apps.reviews",
    "apps.reports",
    "apps.intake",
    "apps.notifications",
    "apps.questionnaires",
    "apps.watch",
    "apps.observation",
    "apps.monitoring",
    "apps.api",
    "apps.dashboard",
    "apps.workspace",
    "apps.demo",
    "apps.sso",
    "apps.exchange",
    "apps.operations",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # Before anything can log: every line and every task this request causes carries its id (apps/operations).
    "apps.operations.request_id.RequestIdMiddleware",
    "apps.operations.metrics.MetricsMiddleware",
    # Then: an oversized body is refused from its Content-Length before any middleware or view reads it.
    "apps.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # SAML keeps its outstanding requests in a cookie-backed session of its own (djangosaml2).
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's OTPMiddleware, reading the user's roles with the session's device (one query less).
    "apps.accounts.otp_middleware.VerifiedUserMiddleware",
    # A single sign-on whose provider proved a second factor counts as verified (apps.accounts.mfa).
    "apps.sso.middleware.IdentityProviderSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vendorrisk.urls"
WSGI_APPLICATION = "vendorrisk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The identity providers that sign-in pages list (apps.sso).
                "apps.sso.views.sign_in_options",
            ],
        },
    },
]

# The embedded default is a SQLite file in the project; CI and production set DATABASE_URL to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's password check, which LOCAL_PASSWORD_LOGIN can close to all but the break-glass accounts.
    "apps.sso.backends.LocalPasswordBackend",
    # OpenID Connect; answers only the callback of a flow this browser started (apps/sso/oidc.py).
    "apps.sso.oidc.OIDCBackend",
    # SAML 2.0; answers only djangosaml2's assertion consumer view, after the signature check (apps/sso/saml.py).
    "apps.sso.saml.SAMLBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
# The dashboard; it sends procurement on to /intake/.
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Evidence files are private: kept outside static files, served only through an authorised view.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media-not-served/"
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Request size caps (README, "Request size caps"). Uploaded files above this size go to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# Everything in a body but its files (form fields, JSON): a larger one is refused (400) as Django parses it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# Any body, files included, refused with 413 from its Content-Length before it is read (apps/core/middleware.py).
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE + 512 * 1024)
# Pages that upload evidence may carry one file of EVIDENCE_MAX_UPLOAD_BYTES plus this much form around it.
EVIDENCE_UPLOAD_PATHS = [
    r"^/admin/vendors/document/(add|\d+/change)/$",
    r"^/admin/vendors/vendor/(add|\d+/change)/$",
    r"^/api/v1/documents/",
    # The vendor portal's questionnaire page, where each question may carry an evidence file.
    r"^/portal/questionnaire/$",
    r"^/api/v1/question-banks/import/$",
]
EVIDENCE_UPLOAD_FORM_MARGIN_BYTES = 1024 * 1024
# Register imports (apps.exchange) carry a whole workbook: 10,000 vendors and 100,000 flows is about 15 MB of XLSX.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=64 * 1024 * 1024)
IMPORT_UPLOAD_PATHS = [r"^/admin/exchange/import/$", r"^/api/v1/exchange/import/$"]

# Whether the register's organisation is a financial entity under DORA (Regulation (EU) 2022/2554): then the
# Art. 19 major-incident reporting clocks run on incidents classified as major (apps.incidents.obligations).
REGISTER_FINANCIAL_ENTITY = env.bool("REGISTER_FINANCIAL_ENTITY", default=False)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="vendorrisk@localhost")

# --- Security headers that hold everywhere; production.py adds HTTPS-only ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# The register exists because a third-party script leaked data: no page may load anything from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Login throttling (django-axes): lock a username from an address after repeated failures, then cool off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# A username is locked only from the address that failed, so an attacker cannot lock a reviewer out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind reverse proxies the address comes from X-Forwarded-For, trusting exactly this many proxies (README).
# 0 (the default) trusts none and uses the connected peer: a forged header can never dodge a lockout.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "apps.accounts.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
# Single sign-on callbacks are throttled at the identity provider, not here (apps/sso/lockout.py).
AXES_WHITELIST_CALLABLE = "apps.sso.lockout.is_single_sign_on_callback"
# API clients get a JSON 429 like every other API error; the admin login gets the plain message.
AXES_LOCKOUT_CALLABLE = "apps.api.lockout.lockout_response"

# --- MFA: with ADMIN_REQUIRES_OTP (always on in production.py) every door a security reviewer uses (admin,
# reports, evidence, API session or token, token exchange) needs a verified second factor (apps.accounts.mfa).
OTP_TOTP_ISSUER = "vendorrisk"
ADMIN_REQUIRES_OTP = env.bool("ADMIN_REQUIRES_OTP", default=False)
MFA_ENROLMENT_LINK_HOURS = env.int("MFA_ENROLMENT_LINK_HOURS", default=24)
MFA_RECOVERY_CODES = 10

# --- Single sign-on (apps.sso; README "Single sign-on"). OpenID Connect is on when OIDC_ISSUER and OIDC_CLIENT_ID
# are set; endpoints come from the issuer's discovery document unless the OIDC_OP_* variables name them.
OIDC_ISSUER = env("OIDC_ISSUER", default="")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="your identity provider")
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", default="RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
# Client authentication at the token endpoint: HTTP Basic (client_secret_basic) or in the body (client_secret_post).
OIDC_TOKEN_USE_BASIC_AUTH = env.bool("OIDC_TOKEN_USE_BASIC_AUTH", default=True)
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", default="groups")
OIDC_CLOCK_SKEW_SECONDS = env.int("OIDC_CLOCK_SKEW_SECONDS", default=60)
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT_SECONDS", default=10.0)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-oidc-callback"
OIDC_CREATE_USER = True
# The provider's group names (or ids: Entra ID sends object ids) to our roles, as JSON:
# {"vr-security": ["security-reviewer"], "vr-buyers": ["procurement"], "vr-admins": ["administrator"]}.
SSO_GROUP_ROLES = env.json("SSO_GROUP_ROLES", default={})
# A second factor proved by the provider: any of these `amr` values (RFC 8176), or an `acr` listed here.
SSO_MFA_AMR_VALUES = env.list("SSO_MFA_AMR_VALUES", default=["mfa"])
SSO_MFA_ACR_VALUES = env.list("SSO_MFA_ACR_VALUES", default=[])
# SAML 2.0 is on when SAML_IDP_METADATA names the IdP's metadata: a file path or an https URL.
SAML_IDP_METADATA = env("SAML_IDP_METADATA", default="")
SAML_PROVIDER_NAME = env("SAML_PROVIDER_NAME", default="SAML single sign-on")
# Our public address (https://vendorrisk.example.com); unset, it is taken from each request's host.
SAML_SP_BASE_URL = env("SAML_SP_BASE_URL", default="")
SAML_SP_ENTITY_ID = env("SAML_SP_ENTITY_ID", default="")  # default: <base>/sso/saml/metadata/
# A key pair to sign our requests with (optional; the IdP's assertions must be signed in any case).
SAML_SP_KEY_FILE = env("SAML_SP_KEY_FILE", default="")
SAML_SP_CERT_FILE = env("SAML_SP_CERT_FILE", default="")
SAML_XMLSEC_BINARY = env("SAML_XMLSEC_BINARY", default="/usr/bin/xmlsec1")
SAML_GROUPS_ATTRIBUTE = env("SAML_GROUPS_ATTRIBUTE", default="groups")
SAML_EMAIL_ATTRIBUTE = env("SAML_EMAIL_ATTRIBUTE", default="email")
SAML_USERNAME_ATTRIBUTE = env("SAML_USERNAME_ATTRIBUTE", default="username")
SAML_NAME_ATTRIBUTE = env("SAML_NAME_ATTRIBUTE", default="name")
# AuthnContextClassRef values that mean a second factor was used (Entra ID sends the first when MFA was done).
SSO_MFA_SAML_AUTHN_CONTEXTS = env.list(
    "SSO_MFA_SAML_AUTHN_CONTEXTS",
    default=[
        "http://schemas.microsoft.com/claims/multipleauthn",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    ],
)
SAML_CONFIG_LOADER = "apps.sso.saml.sp_config"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
# djangosaml2 would loosen the CSP of its pages through django-csp; every page here stays 'self'.
SAML_CSP_HANDLER = ""
SAML_SESSION_COOKIE_NAME = "saml_session"
# Off: only SSO_BREAK_GLASS_USERNAMES may sign in with a local password (admin, intake, API token exchange).
LOCAL_PASSWORD_LOGIN = env.bool("LOCAL_PASSWORD_LOGIN", default=True)
SSO_BREAK_GLASS_USERNAMES = env.list("SSO_BREAK_GLASS_USERNAMES", default=[])

# --- API tokens (django-rest-knox): hashed at rest, expiring, several per user, `Authorization: Token <token>`.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name, not a secret
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# --- REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.accounts.permissions.RolePermission"],
    # DRF's JSON, written by orjson (apps/api/renderers.py); the browsable API stays for people.
    "DEFAULT_RENDERER_CLASSES": [
        "apps.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # JSON bodies must be one object of bounded depth (apps/api/parsers.py); forms for the browsable API.
    "DEFAULT_PARSER_CLASSES": [
        "apps.api.parsers.ObjectJSONParser",
        "apps.api.parsers.NulFreeFormParser",
        "apps.api.parsers.NulFreeMultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "apps.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "apps.api.schema.RegisterAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/minute"),
        "user": env("API_THROTTLE_USER", default="1200/minute"),
        "token_exchange": env("API_THROTTLE_TOKEN_EXCHANGE", default="10/minute"),
    },
    "EXCEPTION_HANDLER": "apps.api.exceptions.exception_handler",
    # Throttles tell anonymous clients apart by the same address as the lockout: X-Forwarded-For only through
    # TRUSTED_PROXY_COUNT proxies. (DRF's default, None, would trust a header any client can forge.)
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "vendorrisk API",
    "DESCRIPTION": "Third-party vendor risk register: vendors, data flows, incidents, reviews and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operation ids and tags start after the version: `vendors_list`, tag `vendors` (not `v1_vendors_list`).
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The report JSON is described by apps/reports/schema.json (apps/reports/openapi.py translates it).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.reports.openapi.add_report_components",
    ],
    # The schema describes who shares what with whom: only signed-in users may read it.
    "SERVE_PERMISSIONS": ["apps.accounts.permissions.SignedInWithSecondFactor"],
    # Several models have a `status` or `severity` field: name each choice set once, after its class.
    "ENUM_NAME_OVERRIDES": {
        "VendorStatusEnum": "apps.vendors.choices.VendorStatus",
        "TierEnum": "apps.vendors.choices.Tier",
        "VendorCategoryEnum": "apps.vendors.choices.VendorCategory",
        "IncidentStatusEnum": "apps.incidents.choices.IncidentStatus",
        "SeverityEnum": "apps.incidents.choices.Severity",
        "ExposureStatusEnum": "apps.incidents.choices.ExposureStatus",
        "SourceKindEnum": "apps.incidents.choices.SourceKind",
        "ClaimKindEnum": "apps.incidents.choices.ClaimKind",
        "ActionKindEnum": "apps.incidents.choices.ActionKind",
        "TimelineEventKindEnum": "apps.incidents.choices.TimelineEventKind",
        "RequirementStatusEnum": "apps.risk.choices.RequirementStatus",
        "ReviewStateEnum": "apps.reviews.choices.ReviewState",
        "ReviewKindEnum": "apps.reviews.choices.ReviewKind",
        "FindingStatusEnum": "apps.reviews.choices.FindingStatus",
        "DriftFindingKindEnum": "apps.observation.choices.FindingKind",
        "DriftFindingSeverityEnum": "apps.observation.choices.FindingSeverity",
        "DriftFindingStatusEnum": "apps.observation.choices.FindingStatus",
        "ObservationSourceEnum": "apps.observation.choices.Source",
        "CrawlStatusEnum": "apps.observation.choices.CrawlStatus",
    },
}

# --- Celery: with no broker configured, tasks run eagerly in process (the embedded default for `make run`).
# Reliability rules every task here follows: it takes ids, is idempotent (a run twice changes nothing and sends
# nothing twice), is enqueued with transaction.on_commit, and retries transient errors with exponential backoff
# (autoretry_for + retry_backoff + max_retries on the task; see apps/notifications/tasks.py, apps/watch/tasks.py).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Results are kept only for the few tasks that ask (ignore_result=False), e.g. core.ping.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 24 * 60 * 60
# JSON only: a message can never carry a pickled object, and tasks receive ids, not model instances.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Tasks are idempotent, so a task lost with its worker is safely run again: acknowledge after the run, and hand
# the message back when the worker process dies under it (SIGKILL, out of memory).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: a long fan-out does not sit on messages another worker could run.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, work in flight when the broker connection drops is cancelled and redelivered, not finished twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Redis hands an unacknowledged message to another worker after this many seconds. It must exceed the longest
# task run and the longest retry countdown (15 min, apps/notifications/tasks.py), or a task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Deployments (or test runs) sharing one Redis keep their tasks apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Workers log through LOGGING (JSON in production, with the request id of the request that enqueued the task).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Outgoing webhooks: a slow receiver must not hold a worker (retries come back later, with backoff).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Webhooks reach public addresses only (apps/notifications/egress.py). Host names or CIDRs listed here open private
# networks for internal receivers (never loopback, link-local/metadata, unspecified or multicast).
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
# Lets webhooks reach loopback, for receivers the test suite runs on 127.0.0.1. Off unless set; production refuses it.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)

# --- Logs: plain text locally; one JSON object a line in production (LOG_FORMAT=json, production.py). Every record
# carries the request id of the request or task it belongs to (apps/operations/request_id.py).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.operations.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "vendorrisk.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # Axes logs every login at INFO; our own security log already says who logged in or failed.
        "axes": {"level": "WARNING"},
        # pysaml2's schema loader says at INFO every time it reads a schema.
        "xmlschema": {"level": "WARNING"},
    },
}
AXES_VERBOSE = False

# The audit history is evidence: shown in the admin, never reverted from it.
SIMPLE_HISTORY_REVERT_DISABLED = True

# DRF's throttling counters and the dashboard's heaviest figure live in the default cache. With several web
# processes it must be shared (Redis), or every process keeps its own counters and N workers multiply every rate
# limit by N. Without REDIS_URL / CACHE_URL (development) it is one local-memory cache per process.
# Give the cache a Redis database of its own: clearing a Redis cache empties its whole database.
CACHE_URL = env("CACHE_URL", default="") or env("REDIS_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="vendorrisk"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vendorrisk"}}
# Axes keeps failures and lockouts in the database (AxesDatabaseHandler), shared by every process already; its
# cache, used only by a cache handler, is the shared one too.
AXES_CACHE = "default"
# The dashboard's figures read summary rows (apps.dashboard.models) and are always current. A positive value
# keeps the workspace page's figures this many seconds in the cache (a speed-up only; the page says their age).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=0)
# The register's public address, for the links in emails (which have no request to build them from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Four-eyes rules on risk exceptions (apps.reviews.services): a justification a second reviewer can judge,
# and a horizon after which the gap must be looked at again.
EXCEPTION_MIN_JUSTIFICATION_CHARS = env.int("EXCEPTION_MIN_JUSTIFICATION_CHARS", default=30)
EXCEPTION_MAX_MONTHS = env.int("EXCEPTION_MAX_MONTHS", default=12)

# The vendor portal (apps.questionnaires): links to a questionnaire, sent by email, no account.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://localhost:8000")  # what emailed links start with
PORTAL_SENDER_NAME = env("PORTAL_SENDER_NAME", default="Our security team")
PORTAL_LINK_GRACE_DAYS = env.int("PORTAL_LINK_GRACE_DAYS", default=14)  # a link works this long after the due date
PORTAL_CODE_MINUTES = 15
PORTAL_CODE_ATTEMPTS = 5  # wrong codes before the code is void (the vendor asks for a new one)
# Link openings and code tries per client address per window: a guessed token meets a 429 long before it matters.
PORTAL_RATE_LIMIT = env.int("PORTAL_RATE_LIMIT", default=30)
PORTAL_RATE_WINDOW_SECONDS = 10 * 60
QUESTIONNAIRE_INTAKE_DUE_DAYS = env.int("QUESTIONNAIRE_INTAKE_DUE_DAYS", default=21)  # the intake option's due date
QUESTIONNAIRE_REMIND_DAYS_BEFORE = env.int("QUESTIONNAIRE_REMIND_DAYS_BEFORE", default=3)
# Accepting a questionnaire meets this requirement of the catalogue, where the vendor's tier has it.
QUESTIONNAIRE_REQUIREMENT = "security-questionnaire"

# What one buyer may ask of the register (apps.intake.services): each submit writes flows, a tier and a review.
INTAKE_MAX_OPEN_PER_BUYER = env.int("INTAKE_MAX_OPEN_PER_BUYER", default=20)
INTAKE_MAX_SUBMITS_PER_DAY = env.int("INTAKE_MAX_SUBMITS_PER_DAY", default=10)

# Observed data flows (apps.observation). CSP reports arrive unauthenticated: each is capped in size, and each
# client address, and each system as a whole, gets this many POSTs a minute. The hash salt keys the HMAC that
# stands in for every observed value (empty: derived from SECRET_KEY); changing it makes old hashes unmatched.
OBSERVATION_CSP_MAX_BYTES = env.int("OBSERVATION_CSP_MAX_BYTES", default=16 * 1024)
OBSERVATION_CSP_REPORTS_PER_MINUTE = env.int("OBSERVATION_CSP_REPORTS_PER_MINUTE", default=30)
OBSERVATION_CSP_REPORTS_PER_MINUTE_PER_SYSTEM = env.int("OBSERVATION_CSP_REPORTS_PER_MINUTE_PER_SYSTEM", default=600)
OBSERVATION_HASH_SALT = env("OBSERVATION_HASH_SALT", default="")
# Monitoring (apps.monitoring): breach feeds, the subprocessor chain's depth limit, name matching.
# MONITORING_FEEDS is a JSON list of feed declarations (apps/monitoring/feeds.py says what each key means), e.g.
# MONITORING_FEEDS='[{"key": "hibp", "adapter": "hibp", "url": "https://…/breaches"}]'.
MONITORING_FEEDS = env.json("MONITORING_FEEDS", default=[])
MONITORING_FEED_TIMEOUT_SECONDS = env.float("MONITORING_FEED_TIMEOUT_SECONDS", default=10.0)
MONITORING_CHAIN_MAX_DEPTH = env.int("MONITORING_CHAIN_MAX_DEPTH", default=5)
MONITORING_NAME_MATCH_MIN_SCORE = env.float("MONITORING_NAME_MATCH_MIN_SCORE", default=0.6)
# --- Operations (issue 20): health, metrics, storage, telemetry. README "Deployment".
# /healthz/ready waits this long for a worker to answer core.ping.
HEALTHZ_WORKER_TIMEOUT_SECONDS = env.float("HEALTHZ_WORKER_TIMEOUT_SECONDS", default=3.0)
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it answers 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Queues whose length /metrics reports, besides Celery's default one.
CELERY_METRICS_QUEUES = env.list("CELERY_METRICS_QUEUES", default=[])
# Sessions are in the database, so any web process serves any user. With a shared cache configured (CACHE_URL /
# REDIS_URL: Redis) the default is cached_db: every request reads its session from Redis, one database query
# fewer (issue 22), while writes still go to the database, which stays the record (a flushed Redis loses no
# session; a signed-out session is deleted from both). Without a shared cache it stays db: a per-process cache
# would let one process keep serving a session another process has signed out. SESSION_ENGINE overrides either,
# e.g. django.contrib.sessions.backends.cache to keep sessions in Redis alone.
SESSION_ENGINE = env(
    "SESSION_ENGINE",
    default="django.contrib.sessions.backends.cached_db" if CACHE_URL else "django.contrib.sessions.backends.db",
)
# Evidence files: the filesystem under MEDIA_ROOT (a volume every web process and worker mounts), or S3 through
# django-storages with MEDIA_STORAGE=s3 (install `django-storages[s3]`; AWS_* variables as django-storages reads).
MEDIA_STORAGE = env("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    from importlib.util import find_spec

    from django.core.exceptions import ImproperlyConfigured

    if find_spec("storages") is None:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs django-storages: pip install 'django-storages[s3]'.")
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env("AWS_STORAGE_BUCKET_NAME", default=""),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
elif MEDIA_STORAGE != "filesystem":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
# Optional error reporting and tracing, off unless their variable is set (apps/operations/telemetry.py).
SENTRY_DSN = env("SENTRY_DSN", default="")
OTEL_EXPORTER_OTLP_ENDPOINT = env("OTEL_EXPORTER_OTLP_ENDPOINT", default="")
