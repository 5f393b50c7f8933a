"""The admin's owner pickers (autocomplete_fields on users) answer reviewers with active users only."""

import pytest

from tests.factories.accounts import UserFactory

OWNER = {"app_label": "datamap", "model_name": "system", "field_name": "owner", "term": ""}


@pytest.mark.django_db
def test_a_reviewer_gets_the_active_users_to_pick_an_owner_from(client, reviewer):
    UserFactory(username="alice")
    UserFactory(username="gone", is_active=False)
    client.force_login(reviewer)
    response = client.get("/admin/autocomplete/", OWNER)
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert names == {"reviewer", "alice"}


@pytest.mark.django_db
def test_non_reviewers_get_no_users(client, dashboard_user):
    client.force_login(dashboard_user)
    assert client.get("/admin/autocomplete/", OWNER).status_code in (302, 403)
