"""End to end on the real Redis broker and a real worker: a signed webhook to a local HTTP receiver, and the
baseline fan-out, both enqueued on commit and run by the worker against the shared PostgreSQL test database."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from standardwebhooks import Webhook

from apps.notifications.choices import DeliveryStatus, EventKind
from apps.notifications.models import EmailNotification, WebhookDelivery
from apps.notifications.services import event_emit, webhook_endpoint_create
from apps.risk.models import Tightening, VendorRequirement
from apps.risk.services import baseline_tighten
from tests.conftest import tasks_routed_to
from tests.factories.accounts import UserFactory
from tests.factories.bulk import analytics_vendors_bulk
from tests.factories.datamap import DataCategoryFactory, SystemFactory
from tests.factories.risk import SecurityRequirementFactory

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_queue(celery_worker_process):
    """Route this project's tasks to the test worker's private queue (retries go back to the same queue)."""
    with tasks_routed_to(celery_worker_process, "notifications.*", "risk.*"):
        yield celery_worker_process


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_signed_webhook_and_an_email_go_through_the_broker(worker_queue, webhook_receiver):
    UserFactory(role="security-reviewer", username="reviewer")
    endpoint, secret = webhook_endpoint_create(name="dashboard", url=webhook_receiver.url)
    event = event_emit(  # autocommit: the on-commit enqueue happens at once
        kind=EventKind.VENDOR_STATUS_CHANGED,
        subject_type="vendor",
        subject_id=1,
        payload={"title": "Mixpanel is now under review", "to_status": "under_review"},
        dedupe_key="vendor-status:broker-test",
    )

    assert wait_for(lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).exists())
    assert wait_for(lambda: EmailNotification.objects.filter(status=DeliveryStatus.SUCCEEDED).exists())
    assert mail.outbox == [], "the worker sent the email, not this process"
    (request,) = webhook_receiver.requests
    Webhook(secret).verify(request.body, request.headers)
    assert request.headers["webhook-id"] == str(event.uuid)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint_id, delivery.attempts, delivery.last_status_code) == (endpoint.pk, 1, 200)


def test_the_baseline_fan_out_runs_on_the_worker(worker_queue):
    reviewer = UserFactory(role="security-reviewer", username="reviewer")
    contact = DataCategoryFactory(code="contact", sensitivity=2)
    analytics_vendors_bulk(count=300, system=SystemFactory(), categories=[contact])
    rule = SecurityRequirementFactory(code="pseudonymise-client-side-analytics")

    tightening = baseline_tighten(requirement=rule, actor=reviewer, scope={"category": "analytics"})

    assert wait_for(lambda: Tightening.objects.filter(pk=tightening.pk, fanned_out_at__isnull=False).exists())
    statuses = VendorRequirement.objects.filter(requirement=rule)
    assert statuses.count() == 300
    assert statuses.values("vendor").distinct().count() == 300
    assert get_user_model().objects.count() == 1
