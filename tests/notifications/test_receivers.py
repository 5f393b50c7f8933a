"""The domain signals become notification events: one per change, whatever the number of times a signal arrives."""

from django.core import mail

from apps.incidents.signals import incident_recorded
from apps.notifications.models import NotificationEvent
from apps.reviews.signals import review_state_changed
from apps.vendors.signals import vendor_status_changed
from tests.factories.incidents import IncidentFactory
from tests.factories.reviews import ReviewFactory
from tests.factories.vendors import VendorFactory
from tests.intake.conftest import answers, console, reference_data  # noqa: F401 - the intake tests' fixtures


def test_a_review_transition_notifies_once_and_a_later_one_again(reviewer, django_capture_on_commit_callbacks):
    review = ReviewFactory(vendor=VendorFactory(slug="mixpanel"))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            review_state_changed.send(
                sender=type(review), review=review, from_state="draft", to_state="submitted", actor=reviewer
            )
    event = NotificationEvent.objects.get()
    assert event.kind == "review.state_changed"
    assert event.payload["to_state"] == "submitted"
    assert event.payload["actor"] == "reviewer"
    assert len(mail.outbox) == 1

    review.save()  # a later change of the same review: a new transition
    review_state_changed.send(sender=type(review), review=review, from_state="draft", to_state="submitted", actor=None)
    assert NotificationEvent.objects.count() == 2


def test_an_incident_is_announced_once(reviewer, django_capture_on_commit_callbacks):
    incident = IncidentFactory(slug="mixpanel-2025-11", vendor=VendorFactory(slug="mixpanel"))
    with django_capture_on_commit_callbacks(execute=True):
        incident_recorded.send(sender=type(incident), incident=incident)
        incident_recorded.send(sender=type(incident), incident=incident)
    # The signal only notifies: putting the vendor under review is apps.register's explicit call (issue 14).
    event = NotificationEvent.objects.get(kind="incident.recorded")
    assert (event.subject_type, event.payload["incident"]) == ("incident", incident.slug)
    assert sum("High incident at Mixpanel" in m.subject for m in mail.outbox) == 1
    assert not NotificationEvent.objects.filter(kind="vendor.status_changed").exists()


def test_a_vendor_status_change_is_announced(reviewer, django_capture_on_commit_callbacks):
    vendor = VendorFactory(slug="mixpanel")
    with django_capture_on_commit_callbacks(execute=True):
        vendor_status_changed.send(sender=type(vendor), vendor=vendor, from_status="active", to_status="under_review")
    event = NotificationEvent.objects.get()
    assert event.payload["to_status"] == "under_review"
    assert mail.outbox[0].subject == "[vendorrisk] Mixpanel is now under review"


def test_an_intake_submission_is_emailed_and_logged_like_every_event(
    client,
    buyer,
    reviewer,
    answers,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/intake/new/", answers)
    event = NotificationEvent.objects.get(kind="intake.submitted")
    assert event.payload["vendor"] == "pageview-analytics"
    assert event.emails.get().recipient == reviewer.email
    assert mail.outbox[0].subject == "[vendorrisk] Intake request: Pageview Analytics (tier 2)"
    assert "buyer asks to use Pageview Analytics" in mail.outbox[0].body
