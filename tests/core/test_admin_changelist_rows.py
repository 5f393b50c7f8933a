"""Changelist rows drawn without a template render per row still give reviewers Django's own action checkbox."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from apps.core.admin import ChangelistRowsMixin
from apps.core.models import choice_label
from apps.datamap.models import DataFlow
from apps.reviews.choices import ReviewKind, ReviewState
from apps.reviews.models import Review
from apps.vendors.choices import Tier
from apps.vendors.models import Vendor
from tests.factories.accounts import UserFactory
from tests.factories.datamap import DataFlowFactory
from tests.factories.reviews import ReviewFactory
from tests.factories.vendors import VendorFactory

pytestmark = pytest.mark.django_db


def _checkboxes(html):
    return re.findall(r'<input type="checkbox" name="_selected_action"[^>]*>', html)


@pytest.mark.parametrize("model", [DataFlow, Review])
def test_each_row_checkbox_is_the_one_django_draws(model, client, reviewer):
    # A name with markup and quotes: the label must be escaped exactly once, as Django's widget does it.
    vendor = VendorFactory(slug="pixel", display_name="Pixel <b>\"&' Ltd")
    ReviewFactory(vendor=vendor, requested_by=reviewer)
    DataFlowFactory(service__vendor=vendor)
    obj = model.objects.get()
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, ChangelistRowsMixin)
    client.force_login(reviewer)

    page = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))

    expected = str(admin.ModelAdmin.action_checkbox(model_admin, obj))
    assert "&lt;b&gt;&quot;&amp;&#x27;" in expected
    assert _checkboxes(page.content.decode()) == [expected]


def test_the_checked_rows_still_reach_the_action(client, reviewer):
    review = ReviewFactory(vendor=VendorFactory(slug="pixel"), requested_by=reviewer)
    client.force_login(reviewer)
    url = reverse("admin:reviews_review_changelist")
    value = re.search(r'value="(\d+)"', _checkboxes(client.get(url).content.decode())[0]).group(1)

    response = client.post(url, {"action": "review_submit", "_selected_action": [value]}, follow=True)

    assert response.status_code == 200
    assert Review.objects.get(pk=review.pk).state == "submitted"


@pytest.mark.parametrize("state", [*ReviewState.values, "retired-state"])
def test_a_review_is_named_with_the_labels_people_read(state):
    review = Review(vendor=Vendor(display_name="Pixel"), kind=ReviewKind.PERIODIC, state=state)
    assert str(review) == f"{review.get_kind_display()} review of Pixel ({review.get_state_display()})"
    with translation.override("fr"):
        assert str(review) == f"{review.get_kind_display()} review of Pixel ({review.get_state_display()})"


@pytest.mark.parametrize("choices", [ReviewState, Tier])
def test_choice_label_gives_what_get_display_gives(choices):
    for value, label in choices.choices:
        assert choice_label(choices, value) == str(label)
    assert choice_label(choices, "unknown") == "unknown"


def test_each_row_links_to_its_own_change_page(client, reviewer):
    flows = [DataFlowFactory() for _ in range(3)]
    client.force_login(reviewer)

    page = client.get(reverse("admin:datamap_dataflow_changelist")).content.decode()

    links = set(re.findall(r'<th class="field-code"><a href="([^"]+)"', page))
    assert links == {reverse("admin:datamap_dataflow_change", args=[flow.pk]) for flow in flows}
    assert client.get(sorted(links)[0]).status_code == 200


def test_the_sidebar_lists_the_apps_each_user_may_see(client, reviewer):
    client.force_login(reviewer)
    shown = {app["app_label"] for app in client.get(reverse("admin:index")).context["available_apps"]}
    assert {"reviews", "datamap", "vendors"} <= shown
    assert not {"auth", "django_celery_beat", "axes"} & shown  # no permission there for the reviewer's role

    # Another user on the next request: the answers are per request, not kept from the reviewer's.
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_vendor"))
    client.force_login(clerk)
    shown = {app["app_label"] for app in client.get(reverse("admin:index")).context["available_apps"]}
    assert shown == {"vendors"}
