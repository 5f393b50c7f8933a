"""Optional error reporting (Sentry) and tracing (OpenTelemetry), each off unless its variable is set.

Neither package is in the lock file: a deployment that wants one installs it (`sentry-sdk`, or
`opentelemetry-sdk opentelemetry-exporter-otlp opentelemetry-instrumentation-django`). A variable set without its
package refuses to start rather than silently reporting nothing.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def configure():
    if settings.SENTRY_DSN:
        _sentry()
    if settings.OTEL_EXPORTER_OTLP_ENDPOINT:
        _opentelemetry()


def _sentry():
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as exc:
        raise ImproperlyConfigured("SENTRY_DSN is set but sentry-sdk is not installed.") from exc
    # No personal data: the register's users and what they typed stay out of the error reports.
    sentry_sdk.init(
        dsn=settings.SENTRY_DSN, integrations=[DjangoIntegration(), CeleryIntegration()], send_default_pii=False
    )


def _opentelemetry():
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.django import DjangoInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise ImproperlyConfigured(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but the OpenTelemetry packages are not installed."
        ) from exc
    provider = TracerProvider(resource=Resource.create({"service.name": "vendorrisk"}))
    # The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and its headers) from the environment itself.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
