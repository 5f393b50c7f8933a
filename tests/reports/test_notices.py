import ast
import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from apps.reports.notices import UnknownLanguage, render_notice
from tests.factories.datamap import DataCategoryFactory
from tests.factories.incidents import IncidentExposureFactory, IncidentFactory

ROOT = Path(settings.BASE_DIR)
PLACEHOLDER = re.compile(r"%\(\w+\)s")
LOCALIZED_SHARED = {
    "en": ["Email address", "Approximate location", "User and organisation IDs", "Referring websites"],
    "fr": ["Adresse e-mail", "Localisation approximative", "Identifiants d'utilisateur et d'organisation"],
    "es": ["Dirección de correo electrónico", "Ubicación aproximada", "Identificadores de usuario y de organización"],
}
LOCALIZED_NOT_SHARED = {"en": ["API keys", "Passwords"], "fr": ["Clés API", "Mots de passe"], "es": ["Claves de API"]}
SENTENCES = {
    "en": ["What happened", "On Nov. 9, 2025, Mixpanel", "What was not involved", "What you should do"],
    "fr": ["Ce qui s'est passé", "Le 9 novembre 2025, Mixpanel", "Ce qui n'est pas concerné", "hameçonnage"],
    "es": ["Qué ha ocurrido", "El 9 de noviembre de 2025, Mixpanel", "Qué no se ha visto afectado", "phishing"],
}


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_notice_names_categories_in_its_language(mixpanel, lang):
    _, incident = mixpanel
    notice = render_notice(incident=incident, lang=lang)
    for text in LOCALIZED_SHARED[lang] + LOCALIZED_NOT_SHARED[lang] + SENTENCES[lang]:
        assert text in notice, text
    if lang != "en":
        assert "Email address" not in notice and "What happened" not in notice


def test_notice_leaves_the_active_language_alone(mixpanel):
    _, incident = mixpanel
    with translation.override("en"):
        render_notice(incident=incident, lang="fr")
        assert translation.get_language() == "en"


def test_notice_advice_follows_what_was_exposed(db):
    secret = DataCategoryFactory(code="api-key", name="API keys", is_secret=True)
    incident = IncidentFactory()
    IncidentExposureFactory(incident=incident, category=secret, status="exposed")
    notice = render_notice(incident=incident, lang="en")
    assert "Change your password and replace your API keys now." in notice
    assert "you do not need to change them" not in notice


def test_mixpanel_notice_says_no_rotation_is_needed(mixpanel):
    _, incident = mixpanel
    notice = render_notice(incident=incident, lang="en")
    assert "you do not need to change them" in notice
    assert "Change your password" not in notice


def test_unknown_language_is_refused(mixpanel):
    _, incident = mixpanel
    with pytest.raises(UnknownLanguage, match="unknown language 'de'"):
        render_notice(incident=incident, lang="de")


def _notice_msgids():
    tree = ast.parse((ROOT / "apps" / "reports" / "notices.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "_"
        and isinstance(node.args[0], ast.Constant)
    }


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_catalogue_translates_every_notice_sentence_and_every_category(lang):
    catalogue = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    translated = {(e.msgctxt, e.msgid) for e in catalogue if e.msgstr and "fuzzy" not in e.flags}
    categories = {o["fields"]["name"] for o in json.loads((ROOT / "fixtures" / "010_data_categories.json").read_text())}

    assert {(None, msgid) for msgid in _notice_msgids()} <= translated
    assert {("data category", name) for name in categories} <= translated
    for entry in catalogue:
        assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid
