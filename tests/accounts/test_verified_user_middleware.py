"""The session's user, its OTP device and the user's roles are read in one query, and still fresh on every request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.test import APIClient

from apps.accounts.roles import DASHBOARD, SECURITY_REVIEWER
from tests.accounts.mfa_helpers import enrolled_device, login_verified
from tests.factories.vendors import VendorFactory

VENDORS = "/api/v1/vendors/"


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRES_OTP = True


def verified_session(user):
    client = APIClient()
    login_verified(client, user)
    return client


def _reads_groups_alone(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('SELECT "auth_group"."name"')]


@pytest.mark.parametrize("vendors", [1, 4])
def test_a_verified_reviewer_request_reads_roles_with_the_device(reviewer, otp_required, vendors):
    for _ in range(vendors):
        VendorFactory()
    client = verified_session(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(VENDORS)
    assert response.status_code == 200 and len(response.json()["results"]) == vendors
    assert not _reads_groups_alone(queries.captured_queries)
    # the session, then the device with its user and the user's roles, then the list: nothing more for the checks,
    # whatever the page holds
    before_the_list = [q["sql"].split(".")[0] for q in queries.captured_queries[:2]]
    assert before_the_list == ['SELECT "django_session"', 'SELECT "otp_totp_totpdevice"']
    assert '"auth_user"' in queries.captured_queries[1]["sql"]
    assert "vendors_vendor" in queries.captured_queries[2]["sql"]


def test_a_role_removed_counts_on_the_next_request(reviewer, otp_required):
    client = verified_session(reviewer)
    assert client.get(VENDORS).status_code == 200
    reviewer.groups.remove(Group.objects.get(name=SECURITY_REVIEWER))
    assert client.get(VENDORS).status_code == 403
    reviewer.groups.add(Group.objects.get(name=DASHBOARD))
    assert client.get(VENDORS).status_code == 200  # dashboards read
    assert client.post(VENDORS, {}, format="json").status_code == 403  # but never write


def test_a_deleted_device_counts_on_the_next_request(reviewer, otp_required):
    client = verified_session(reviewer)
    assert client.get(VENDORS).status_code == 200
    reviewer.totpdevice_set.all().delete()
    refused = client.get(VENDORS)
    assert refused.status_code == 403 and b"enrol" in refused.content


def test_an_unconfirmed_device_verifies_nothing(reviewer, otp_required):
    client = verified_session(reviewer)
    reviewer.totpdevice_set.update(confirmed=False)
    assert client.get(VENDORS).status_code == 403


def test_another_users_device_lends_neither_its_verification_nor_its_roles(reviewer, buyer, otp_required):
    # A session that names a reviewer's device while signed in as procurement: django-otp drops the device, and
    # the roles read with it (the reviewer's) are not the buyer's.
    device = enrolled_device(reviewer)
    client = APIClient()
    client.force_login(buyer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    VendorFactory()
    assert client.get("/api/v1/reviews/").status_code == 403
    vendors = client.get(VENDORS).json()["results"]
    assert set(vendors[0]) == {"slug", "display_name", "status"}  # procurement's view, not the reviewer's


def test_a_password_session_still_reads_its_roles(dashboard_user):
    client = APIClient()
    client.force_login(dashboard_user)
    assert client.get(VENDORS).status_code == 200
    assert client.post(VENDORS, {}, format="json").status_code == 403


def test_a_verified_user_in_no_group_or_in_two_gets_exactly_those_roles(reviewer, otp_required):
    reviewer.groups.clear()
    client = verified_session(reviewer)
    refused = client.get(VENDORS)
    assert refused.status_code == 403 and b"role" in refused.content  # verified, but no role: not the MFA message
    reviewer.groups.add(*Group.objects.filter(name__in=[DASHBOARD, SECURITY_REVIEWER]))
    assert client.get("/api/v1/reviews/").status_code == 200
    assert client.post(VENDORS, {}, format="json").status_code == 400  # a reviewer may write: the body is refused


def test_a_deactivated_user_is_signed_out_on_the_next_request(reviewer, otp_required):
    client = verified_session(reviewer)
    assert client.get(VENDORS).status_code == 200
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    refused = client.get(VENDORS)
    assert refused.status_code in (401, 403) and b"credentials were not provided" in refused.content


def test_a_changed_password_signs_other_sessions_out_on_the_next_request(reviewer, otp_required):
    client = verified_session(reviewer)
    assert client.get(VENDORS).status_code == 200
    reviewer.set_password("a-brand-new-long-passphrase")
    reviewer.save()
    refused = client.get(VENDORS)
    assert refused.status_code in (401, 403) and b"credentials were not provided" in refused.content


def test_a_deleted_user_is_signed_out_on_the_next_request(reviewer, otp_required):
    client = verified_session(reviewer)
    assert client.get(VENDORS).status_code == 200
    reviewer.delete()
    refused = client.get(VENDORS)
    assert refused.status_code in (401, 403) and b"credentials were not provided" in refused.content
