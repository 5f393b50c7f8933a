"""The data-category catalogue as setup_demo loads it: the agreed codes, a right tree, coherent sensitivities."""

import pytest

from apps.datamap.choices import Sensitivity
from apps.datamap.models import DataCategory
from apps.datamap.services import category_paths_rebuild

pytestmark = pytest.mark.django_db

# The shared convention of BRIEF.md: other issues (intake, incidents, risk, reports) refer to these codes.
AGREED = {
    "identifying": ["name", "username", "account-identifiers", "official-id"],
    "contact": ["email-address", "phone-number", "postal-address"],
    "location": ["precise-location", "approximate-location"],
    "device-online": ["user-agent", "ip-address", "cookie-id", "device-fingerprint"],
    "behavioural": ["referring-website", "page-views-clicks", "product-usage", "api-usage-data"],
    "authentication-secrets": ["password", "api-key", "session-token", "mfa-secret"],
    "financial": ["payment-card", "bank-account", "billing-details"],
    "content": ["conversations", "uploaded-files", "api-requests-responses"],
    "special-category": [
        "health",
        "racial-ethnic-origin",
        "political-opinions",
        "religious-beliefs",
        "trade-union-membership",
        "genetic",
        "biometric",
        "sex-life-orientation",
    ],
}


def test_catalogue_has_every_agreed_code_under_its_agreed_parent(demo_data):
    roots = set(DataCategory.objects.filter(parent=None).values_list("code", flat=True))
    assert roots == set(AGREED)
    for parent, children in AGREED.items():
        for code in children:
            assert DataCategory.objects.get(code=code).parent.code == parent, code


def test_agreed_names_of_the_mixpanel_case(demo_data):
    assert DataCategory.objects.get(code="account-identifiers").name == "User and organisation IDs"
    assert DataCategory.objects.get(code="user-agent").name == "Operating system and browser (user agent)"


def test_paths_are_right_after_loading_the_fixture(demo_data):
    for category in DataCategory.objects.select_related("parent"):
        expected = f"{category.parent.path if category.parent else ''}{category.code}/"
        assert category.path == expected
    assert DataCategory.objects.get(code="email-address").path == "contact/email-address/"
    assert category_paths_rebuild() == 0


def test_every_category_has_a_description_and_a_parent_at_least_as_sensitive_as_its_children(demo_data):
    for category in DataCategory.objects.select_related("parent"):
        assert category.description.strip(), category.code
        if category.parent:
            assert category.parent.sensitivity >= category.sensitivity, category.code


def test_secrets_and_art9_are_critical_and_flagged(demo_data):
    for code in AGREED["authentication-secrets"]:
        category = DataCategory.objects.get(code=code)
        assert (category.sensitivity, category.is_secret, category.is_special_category) == (
            Sensitivity.CRITICAL,
            True,
            False,
        )
    for code in AGREED["special-category"]:
        category = DataCategory.objects.get(code=code)
        assert (category.sensitivity, category.is_special_category, category.is_secret) == (
            Sensitivity.CRITICAL,
            True,
            False,
        )
    assert not DataCategory.objects.filter(is_secret=True).exclude(path__startswith="authentication-secrets/").exists()


def test_dpv_terms_where_one_fits(demo_data):
    assert DataCategory.objects.get(code="email-address").dpv_term == "pd:EmailAddress"
    assert DataCategory.objects.get(code="referring-website").dpv_term == "pd:BrowsingReferral"
    assert DataCategory.objects.exclude(dpv_term="").count() >= 30


def test_path_rebuild_repairs_a_subtree_moved_without_save(demo_data):
    # What loaddata of a renamed code would leave behind: a parent whose children still carry the old path.
    DataCategory.objects.filter(code="contact").update(code="contact-details")
    assert category_paths_rebuild() == 4
    assert DataCategory.objects.get(code="email-address").path == "contact-details/email-address/"
    assert category_paths_rebuild() == 0
