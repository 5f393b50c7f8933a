"""An administrator manages people in headless Chromium: creates a reviewer, changes a role, issues and revokes a
token, and is refused in place when removing the last administrator. The users page is checked by axe-core."""

import pytest
from django.contrib.auth import get_user_model

from apps.accounts.models import AccountEvent, ApiToken
from tests.factories.accounts import UserFactory

from .browser import axe_violations, browser, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_creates_a_reviewer_changes_roles_and_manages_a_token(live_server):
    UserFactory(role="administrator", username="admin1")
    UserFactory(role="dashboard", username="grafana")
    with browser() as new_page:
        page = new_page()
        sign_in(page, live_server.url, "admin1", next_path="/users/")
        page.get_by_role("heading", name="Users and roles").wait_for()
        assert axe_violations(page) == []
        shoot(page, "users-list")

        form = page.locator("#new-user")
        form.get_by_label("Username").fill("carol")
        form.get_by_label("Email").fill("carol@example.com")
        form.get_by_label("Security reviewer").check()
        form.get_by_role("button", name="Create account").click()
        page.get_by_role("heading", name="carol is created").wait_for()
        password = page.locator("dt:has-text('Initial password') + dd code").inner_text()
        assert len(password) >= 12
        assert "/accounts/mfa/enrol/" in page.locator("dt:has-text('MFA enrolment link') + dd code").inner_text()
        assert axe_violations(page) == []

        page.get_by_role("link", name="Open carol's page").click()
        assert password not in page.content()  # shown once
        page.get_by_label("Dashboard").check()
        page.get_by_role("button", name="Save roles").click()
        page.get_by_text("Roles of carol saved.").wait_for()
        page.get_by_text("added dashboard").wait_for()

        page.goto(f"{live_server.url}/users/")
        page.get_by_role("link", name="grafana").click()
        page.get_by_label("What the token is for").fill("Grafana board")
        page.get_by_label("Expires after").fill("30")
        page.get_by_role("button", name="Issue token").click()
        token = page.locator("#shown-h + p code").inner_text()
        assert axe_violations(page) == []
        shoot(page, "users-token-issued")
        page.goto(page.url.removesuffix("tokens/"))  # a fresh GET of the page (a reload would post again)
        assert token not in page.content()
        assert page.locator("#tokens code").inner_text() == f"{token[:15]}…"  # only its first characters
        page.get_by_role("button", name=f"Revoke token Grafana board ({token[:15]}…)").click()
        page.get_by_text("revoked.").wait_for()

        page.goto(f"{live_server.url}/users/")
        page.get_by_role("link", name="admin1").click()
        page.get_by_label("Administrator").uncheck()
        page.get_by_role("button", name="Save roles").click()
        page.get_by_text("This is the last administrator").wait_for()
        assert page.get_by_role("button", name="Deactivate admin1").count() == 0
        # The refusal answers 403, which Chromium logs; nothing else may have gone wrong.
        assert page.errors == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]

    carol = get_user_model().objects.get(username="carol")
    assert carol.check_password(password)
    assert set(carol.groups.values_list("name", flat=True)) == {"security-reviewer", "dashboard"}
    assert not ApiToken.objects.filter(user__username="grafana").exists()
    kinds = set(AccountEvent.objects.values_list("kind", flat=True))
    assert kinds == {"created", "roles_changed", "token_issued", "token_revoked"}
