"""Two submits of one request at the same moment, on PostgreSQL where the row lock is real."""

import threading

import pytest
from django.db import connection

from apps.core.exceptions import TransitionRefused
from apps.datamap.models import DataFlow
from apps.intake.choices import IntakeStatus
from apps.intake.forms import IntakeForm
from apps.intake.models import IntakeRequest
from apps.intake.services import intake_draft_save, intake_submit
from apps.reviews.models import Review
from apps.vendors.models import Vendor
from tests.factories.accounts import UserFactory
from tests.factories.datamap import SystemFactory

from .conftest import complete_answers, load_reference_data


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_create_everything_once():
    load_reference_data()
    console = SystemFactory(slug="platform-openai-com")
    buyer = UserFactory(role="procurement", username="buyer")
    form = IntakeForm(complete_answers(console), intent="submit")
    assert form.is_valid(), form.errors
    intake = intake_draft_save(requester=buyer, form=form)

    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            intake_submit(intake_request=IntakeRequest(pk=intake.pk), actor=buyer)
            outcomes.append("submitted")
        except TransitionRefused as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["already_submitted", "submitted"]
    assert IntakeRequest.objects.get().status == IntakeStatus.SUBMITTED
    assert (Vendor.objects.count(), DataFlow.objects.count(), Review.objects.count()) == (1, 1, 1)
