"""Pages show choice labels, never raw values (`not_exposed`), in each of the site's languages."""

import io

import pytest
from django.core.management import call_command
from django.utils.translation import trans_real

from tests.factories.datamap import DataCategoryFactory
from tests.factories.incidents import IncidentClaimFactory, IncidentFactory, IncidentSourceFactory


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    # The .mo files are built, not committed: build them so the other languages really are tested.
    call_command("compile_catalogues", stdout=io.StringIO())
    trans_real._translations.clear()


@pytest.fixture
def contradicted(vendor):
    incident = IncidentFactory(vendor=vendor, slug="acme-2026", title="Acme breach")
    category = DataCategoryFactory(code="api-key", name="API keys")
    official = IncidentSourceFactory(incident=incident, title="Official notice", reliability=3)
    press = IncidentSourceFactory(incident=incident, kind="press", title="A press article", reliability=1)
    IncidentClaimFactory(incident=incident, source=official, category=category, exposure_status="not_exposed")
    IncidentClaimFactory(incident=incident, source=press, category=category, exposure_status="exposed")
    return incident


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "claimed", "reference"),
    [("en", "(Exposed)", "(Not exposed)"), ("fr", "(Exposé)", "(Non exposé)"), ("es", "(Expuesto)", "(No expuesto)")],
)
def test_a_contradicted_claim_reads_as_words_in_each_language(
    client, reviewer, contradicted, language, claimed, reference
):
    client.force_login(reviewer)
    page = client.get(f"/incidents/{contradicted.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    press_row = page.split("A press article", 1)[1].split("</tr>", 1)[0]
    assert claimed in press_row and reference in press_row
    assert "not_exposed" not in press_row and "(exposed)" not in press_row


@pytest.mark.django_db
def test_the_vendor_history_shows_status_labels(client, reviewer, vendor):
    client.force_login(reviewer)
    page = client.get("/vendors/acme-crm/").content.decode()
    history = page.split('id="history"', 1)[1].split("</table>", 1)[0]
    assert "<td>Proposed</td>" in history and "<td>proposed</td>" not in history
